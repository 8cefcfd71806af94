import { foldLookalikes } from './lookalikes.js';

export { foldLookalikes, nameFlags, type NameFlag } from './lookalikes.js';

const CORPORATE_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company',
  'gmbh', 'plc', 'sa', 'ag', 'bv', 'pty', 'srl', 'sas', 'oy', 'ab',
]);
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu']);
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
// `openai.com:443` and the fully qualified `openai.com.` name the host `openai.com`; a dot after
// a one-letter label stays (`H.E.B.` is initials, not a domain).
const PORT = /:\d{1,5}$/;
const ROOT_DOT = /(\.[a-z]{2,63})\.$/;

/**
 * The key merchants are matched on: `OpenAI`, `openai.com`, `https://www.openai.com/api` and
 * `OPENAI INC` all become `openai`; so do `OpenAI™`, `open\u200bai` and `оpenai` with a Cyrillic `о`
 * (see foldLookalikes).
 */
export function normalizeMerchant(name: string): string {
  let s = foldLookalikes(name).trim();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^www\./, '');
  // `Amazon.com, Inc.`: a domain followed only by corporate suffixes names that domain's merchant.
  const tokens = s.split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length > 1 && DOMAIN.test(tokens[0]!) && tokens.slice(1).every((t) => CORPORATE_SUFFIXES.has(t.replace(/\.$/, '')))) s = tokens[0]!;
  const host = (s.split(/[/?#]/, 1)[0] ?? s).replace(PORT, '').replace(ROOT_DOT, '$1');
  if (DOMAIN.test(host)) {
    const labels = host.split('.');
    labels.pop();
    const last = labels[labels.length - 1];
    if (labels.length > 1 && last !== undefined && SECOND_LEVEL.has(last)) labels.pop();
    // Hyphens go as in names, so `coca-cola.com` matches `Coca-Cola`.
    return (labels[labels.length - 1] ?? host).replace(/-/g, '');
  }
  const words = s
    .replace(/[.,'’"&()!]/g, ' ')
    .split(/[\s_-]+/)
    .filter((w) => w.length > 0);
  while (words.length > 1 && CORPORATE_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  // Joining words can set a combining mark after a letter it was apart from (`w ̇` → `ẇ`): compose
  // again so the key is a key of itself.
  return words.join('').normalize('NFC');
}
