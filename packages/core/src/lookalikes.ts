import unhomoglyph from 'unhomoglyph';

/**
 * Names are matched on what a person reads, not on the code points sent: a zero-width space in
 * `a\u200bws`, a Cyrillic `о` in `оpenai` or a `™` after `AWS` must not make a blocked merchant
 * or category look new. The confusables data is Unicode's (UTS #39 confusables.txt 13.0, shipped
 * by the `unhomoglyph` package).
 */

// Zero-width spaces and joiners, soft hyphens, word joiners, bidi controls, variation selectors,
// tags; and C1 controls, which the request schemas' control-character check lets through.
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\u0080-\u009f]/gu;
const HAS_HIDDEN = new RegExp(HIDDEN.source, 'u');
// Trademark, service mark, registered, copyright and sound-recording signs; before NFKC, which
// would turn `™` into the letters `TM`.
const MARK_SIGNS = /[\u00a9\u00ae\u2117\u2120\u2122\u{1f12b}\u{1f12c}\u{1f16a}-\u{1f16c}]/gu;
const NON_ASCII = /[^\x00-\x7f]/gu;
const ASCII = /^[\x00-\x7f]+$/;

// TR39 writes the prototype of `m` as `rn`: a non-ASCII look-alike of `m` folds back to the one
// letter ASCII keeps, since ASCII itself is never folded (see foldLookalikes).
const letterOf = new Map<string, string>();
for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
  const prototype = unhomoglyph(letter);
  if (prototype !== letter) letterOf.set(prototype, letter);
}

function foldCharacters(s: string): string {
  return s
    .normalize('NFD')
    .replace(NON_ASCII, (c) => {
      const prototype = unhomoglyph(c);
      return ASCII.test(prototype) ? (letterOf.get(prototype) ?? prototype) : c;
    })
    .normalize('NFC');
}

/**
 * The form names are compared in: NFKC, lower case, without hidden characters or trademark signs,
 * and with every character that Unicode's confusables data (UTS #39) gives an ASCII prototype
 * replaced by it, so `ΑWS`, `аws` and `AWS` (Greek, Cyrillic, Latin A) read the same.
 * ASCII is left as it is, so keys computed before this folding stay valid; `rn` and `m`, `0` and
 * `o`, `1` and `l` therefore stay apart, where a full TR39 skeleton would merge them.
 */
export function foldLookalikes(text: string): string {
  const nfkc = text.replace(MARK_SIGNS, '').normalize('NFKC').replace(HIDDEN, '');
  // Twice: capital look-alikes (Cyrillic `Н` for `H`) fold before lower-casing, small ones after.
  return foldCharacters(foldCharacters(nfkc).toLowerCase());
}

/** Why a name as received may not read as what it is; the dashboard shows such a name with a warning. */
export type NameFlag =
  /** Zero-width, soft hyphen, word joiner, bidi and other characters that show as nothing. */
  | 'hidden_characters'
  /** Letters of scripts that are not written together, such as Cyrillic in a Latin name (TR39's moderately restrictive level). */
  | 'mixed_scripts'
  /** Non-ASCII letters or digits that all read as ASCII ones: `аррӏе` in Cyrillic, fullwidth `ＯｐｅｎＡＩ`. */
  | 'lookalike_characters';

// Scripts told apart by name; a letter of any other script counts as one script more.
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Nko', 'Devanagari',
  'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
  'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Canadian_Aboriginal', 'Tifinagh', 'Coptic', 'Lisu', 'Vai', 'Yi',
  'Han', 'Hiragana', 'Katakana', 'Bopomofo', 'Hangul',
].map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const);
// TR39 5.2: Japanese, Chinese and Korean write Latin and Han with these.
const CJK_SETS = [['Latin', 'Han', 'Hiragana', 'Katakana'], ['Latin', 'Han', 'Bopomofo'], ['Latin', 'Han', 'Hangul']];
// Letters of no one script (Common, Inherited: the Katakana-Hiragana `ー`, for one) go with any.
const LETTER = /\p{L}/u;
const NO_ONE_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function scriptOf(letter: string): string {
  return SCRIPTS.find(([, re]) => re.test(letter))?.[0] ?? 'Other';
}

// TR39's moderately restrictive level: one script; Latin with the Han-based sets of Japanese,
// Chinese or Korean; or Latin with one other script that does not share its letter shapes.
function mixesScripts(text: string): boolean {
  const scripts = new Set([...text].filter((c) => LETTER.test(c) && !NO_ONE_SCRIPT.test(c)).map(scriptOf));
  if (scripts.size <= 1) return false;
  if (CJK_SETS.some((set) => [...scripts].every((s) => set.includes(s)))) return false;
  return !(scripts.size === 2 && scripts.has('Latin') && !scripts.has('Cyrillic') && !scripts.has('Greek'));
}

/** What in a name as received may hide what it reads as; empty for a plain name. */
export function nameFlags(text: string): NameFlag[] {
  const flags: NameFlag[] = [];
  if (HAS_HIDDEN.test(text)) flags.push('hidden_characters');
  const visible = text.replace(HIDDEN, '').replace(MARK_SIGNS, '').normalize('NFC');
  if (mixesScripts(visible)) flags.push('mixed_scripts');
  const foreign = [...visible].filter((c) => !ASCII.test(c) && LETTER_OR_DIGIT.test(c));
  if (foreign.length > 0 && foreign.every((c) => ASCII.test(foldLookalikes(c)))) flags.push('lookalike_characters');
  return flags;
}
