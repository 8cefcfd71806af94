/** How deep a JSON body may nest: far beyond any Bursar request, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests objects or arrays deeper than `max`. One pass over the text,
 * skipping strings, before JSON.parse: a body of ten thousand brackets must not reach the
 * recursive code after it (idempotency fingerprints, validation) and turn into a 500.
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
