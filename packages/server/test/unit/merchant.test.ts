import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldLookalikes, nameFlags, normalizeMerchant } from '../../../core/src/merchant.js';
import { decide } from '../../src/policy/decide.js';
import { normalizeCategory, rulesOf } from '../../src/services/budget/period-budget.js';
import type { PolicyRow } from '../../src/store/rows.js';

// Each group names one merchant in the ways agents and operators write it (DESIGN.md: "Merchants
// match on a normalized name or domain").
const sameMerchant: Array<[key: string, spellings: string[]]> = [
  ['openai', [
    'OpenAI', 'openai', 'openai.com', 'https://www.openai.com/x', 'OPENAI INC', 'Open AI', 'OpenAI, Inc.', 'OpenAI LLC',
    'open-ai', 'open_ai', '  OpenAI  ', 'api.openai.com', 'HTTPS://WWW.OPENAI.COM', 'http://openai.com?ref=agent',
    'https://openai.com/#pricing', 'www.openai.com', 'openai.co.uk', 'ＯｐｅｎＡＩ',
  ]],
  ['anthropic', ['Anthropic', 'Anthropic Inc', 'anthropic.com', 'https://console.anthropic.com/settings', 'ANTHROPIC LTD']],
  ['amazon', ['Amazon', 'amazon.com', 'https://www.amazon.co.uk/dp/B0', 'Amazon Inc.', 'AMAZON CORP', 'Amazon.com Inc', 'Amazon.com, Inc.', 'AMAZON.COM LLC']],
  ['cocacola', ['Coca-Cola', 'Coca Cola', 'coca cola inc', 'coca-cola.com', 'https://www.coca-cola.com/us', 'COCA-COLA CO']],
  ['att', ['AT&T', 'AT&T Inc.', 'at&t']],
  ['volvo', ['Volvo AB', 'Volvo', 'volvo.com']],
  ['mcdonalds', ["McDonald's", 'McDonalds Corporation', "MCDONALD'S CORP"]],
];

// Pairs that name different merchants and must never share a key: a block list for one must
// not catch the other, an allow list for one must not admit the other.
const differentMerchants: Array<[string, string]> = [
  ['OpenAI', 'Open'],
  ['OpenAI', 'AI'],
  ['openai.com', 'anthropic.com'],
  ['google.com', 'google.com.evil.io'],
  ['https://openai.com.attacker.net/login', 'openai.com'],
  ['https://evil.com/openai.com', 'openai.com'],
  ['http://user@openai.com.evil.io', 'openai'],
  ['Apple', "Applebee's"],
  ['Apple', 'Apple Pie Co'],
  ['Stripe', 'Stripe Atlas'],
  ['Delta', 'Delta Air Lines'],
  ['Limited Brands', 'Brands'],
  ['Company', 'Inc'],
  ['AWS', 'Amazon'],
  ['ai.com', 'openai.com'],
  ['Best Buy', 'Buy'],
  ['Uber', 'Uber Eats'],
];

describe('normalizeMerchant: one merchant, one key', () => {
  for (const [key, spellings] of sameMerchant) {
    it.each(spellings)(`"%s" is ${key}`, (spelling) => {
      expect(normalizeMerchant(spelling)).toBe(key);
    });
  }
});

describe('normalizeMerchant: different merchants stay apart', () => {
  it.each(differentMerchants)('"%s" and "%s" have different keys', (a, b) => {
    expect(normalizeMerchant(a)).not.toBe(normalizeMerchant(b));
  });
});

// Brand words that are neither corporate suffixes nor `www`, so a brand can be spelled as words,
// with hyphens, or as a domain.
const suffixes = new Set(['inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'gmbh', 'plc', 'sa', 'ag', 'bv', 'pty', 'srl', 'sas', 'oy', 'ab', 'www']);
const word = fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/).filter((w) => !suffixes.has(w));
const brand = fc.array(word, { minLength: 1, maxLength: 3 });
const recase = (s: string, mode: number) => (mode === 0 ? s : mode === 1 ? s.toUpperCase() : s.replace(/\b[a-z]/g, (c) => c.toUpperCase()));

describe('normalizeMerchant: properties', () => {
  it('a brand written as words, hyphenated, with a suffix, or as a domain or URL gets one key', () => {
    fc.assert(
      fc.property(
        brand,
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom('com', 'io', 'ai', 'co.uk', 'com.au', 'org'),
        fc.constantFrom('Inc', 'Inc.', 'LLC', 'Ltd', 'Corp', 'GmbH', 'Co.'),
        (words, mode, tld, suffix) => {
          const key = normalizeMerchant(words.join(' '));
          expect(key).toBe(words.join(''));
          const spellings = [
            words.join('-'),
            recase(words.join(' '), mode),
            `${recase(words.join(' '), mode)} ${suffix}`,
            `${recase(words.join(' '), mode)}, ${suffix}`,
            `${words.join('-')}.${tld}`,
            `https://www.${words.join('-')}.${tld}/checkout?id=1`,
            `${words.join('')}.${tld}`,
          ];
          for (const s of spellings) expect(normalizeMerchant(s), s).toBe(key);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a key normalizes to itself, so lists normalized twice still match', () => {
    const spelling = fc.oneof(
      brand.map((w) => w.join(' ')),
      brand.map((w) => `${w.join('-')}.com`),
      brand.map((w) => `https://${w.join('.')}.io/x`),
      brand.map((w) => `${w.join(' ').toUpperCase()} INC`),
    );
    fc.assert(
      fc.property(spelling, (s) => {
        const key = normalizeMerchant(s);
        expect(normalizeMerchant(key)).toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('a different domain under a brand\'s name is not that brand', () => {
    fc.assert(
      fc.property(brand, word, (words, other) => {
        fc.pre(other !== words.join(''));
        const key = normalizeMerchant(words.join(' '));
        expect(normalizeMerchant(`${words.join('')}.com.${other}.net`)).not.toBe(key);
        expect(normalizeMerchant(`https://${other}.com/${words.join('')}`)).not.toBe(key);
      }),
      { numRuns: 300 },
    );
  });
});

// What a person reads as one merchant: invisible characters, look-alike letters of other scripts,
// trademark signs, a port or the root's dot must not make a blocked merchant look like a new one.
const readsAs: Array<[key: string, spellings: string[]]> = [
  ['aws', [
    'a\u200bws', // zero-width space
    'a\u00adws', // soft hyphen
    'a\u2060ws', // word joiner
    'AW\u200dS', 'A\u200cWS', '\ufeffAWS', 'a\u202ews\u202c', 'aw\ufe0fs', 'a\u{e0041}ws', 'a\u0085ws',
    'AWS®', 'AWS™', 'AWS ™', 'AWS℠', 'AWS©',
    '\u0391WS', // Greek capital alpha
    '\u0430ws', // Cyrillic small a
  ]],
  ['openai', [
    '\u043epenai', // Cyrillic о
    '\u03bfpenai', // Greek ο
    '\u043epen\u0430\u0456', // Cyrillic о, а, і
    'OPENAI\u200b.COM', '\u043epenai.com', 'https://\u043epenai.com/v1',
    'openai.com.', 'OpenAI.com.', 'https://openai.com.:443/v1', 'openai.com:443', 'https://openai.com:8443/x',
    'OpenAI™', 'OpenAI®, Inc.',
  ]],
  ['hbo', ['\u041dBO', 'H\u0412O']], // Cyrillic capital Н and В, which look Latin only in upper case
  ['amazon', ['amazon.com.', 'AMAZON.COM:443', 'https://www.amazon.co.uk.:443/dp/B0', 'a\u{118e3}azon']], // a Warang Citi letter whose prototype is `rn`, as `m`'s is
  ['apple', ['\u0430\u0440\u0440le', 'ａｐｐｌｅ']], // Cyrillic а, р, р
];

describe('normalizeMerchant: hidden and look-alike characters read as what they look like', () => {
  for (const [key, spellings] of readsAs) {
    it.each(spellings)(`%j is ${key}`, (spelling) => {
      expect(normalizeMerchant(spelling)).toBe(key);
    });
  }

  it.each([
    ['H.E.B.', 'heb'], ['S.A.', 'sa'], ['Café', 'café'], ['Straße', 'straße'], ['카카오', '카카오'], ['ソニー', 'ソニー'],
    ['Nestlé', 'nestlé'], ['rnicrosoft', 'rnicrosoft'], ['0penai', '0penai'],
  ])('%j keeps its key %j (initials are not a domain; other scripts and ASCII are not folded)', (name, key) => {
    expect(normalizeMerchant(name)).toBe(key);
  });

  it('ASCII names keep the keys stored before the folding', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    fc.assert(
      fc.property(ascii, (s) => {
        expect(foldLookalikes(s)).toBe(s.toLowerCase());
      }),
      { numRuns: 1000 },
    );
  });

  it.each(['𝒘˙', 'a \u0301', 'e\u200b\u0301'])('the key of %j is a key of itself (a combining mark set next to a letter by the joining)', (name) => {
    const key = normalizeMerchant(name);
    expect(normalizeMerchant(key)).toBe(key);
  });

  it('a key normalizes to itself, whatever the characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        const folded = foldLookalikes(s);
        expect(foldLookalikes(folded)).toBe(folded);
        const key = normalizeMerchant(s);
        expect(normalizeMerchant(key)).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('normalizeCategory: the same folding as merchants', () => {
  it.each(['gam\u200bbling', 'GAMBLING', ' Gambling ', 'g\u0430mbling', 'Gambling™', 'ｇａｍｂｌｉｎｇ'])('%j is gambling', (category) => {
    expect(normalizeCategory(category)).toBe('gambling');
  });
});

describe('block lists hold against hidden and look-alike spellings', () => {
  // Lists are normalized when a decision reads them, so a list stored before this folding matches too.
  const policy: PolicyRow = {
    id: 'pol_1', workspace_id: 'ws_1', name: 'p', currency: 'usd', timezone: 'UTC', max_single_amount_cents: null,
    daily_limit_cents: null, weekly_limit_cents: null, monthly_limit_cents: null, total_limit_cents: null,
    require_approval_over_cents: null, max_transactions_per_minute: null, max_transactions_per_hour: null,
    allowed_merchants: '[]', blocked_merchants: JSON.stringify(['aws', 'openai.com']), allowed_categories: '[]',
    blocked_categories: JSON.stringify(['Gambling']), is_active: 1, livemode: 0, created_at: 0, updated_at: 0,
  };
  const usage = { windows: [], transactionsLastMinute: 0, transactionsLastHour: 0 };
  const codeFor = (merchant: string, category: string | null = null) =>
    decide(rulesOf(policy), usage, {
      amountCents: 100, merchantKey: normalizeMerchant(merchant), category: category === null ? null : normalizeCategory(category), agentStatus: 'active',
    }).code;

  it.each(['a\u200bws', 'a\u00adws', 'a\u2060ws', 'AWS®', '\u043epenai', 'openai.com.', 'openai.com:443'])('%j is blocked', (merchant) => {
    expect(codeFor(merchant)).toBe('merchant_blocked');
  });

  it.each(['gam\u200bbling', 'g\u0430mbling', 'GAMBLING™'])('category %j is blocked', (category) => {
    expect(codeFor('Acme', category)).toBe('category_blocked');
  });

  it('an unrelated merchant still passes', () => {
    expect(codeFor('Anthropic', 'compute')).toBe('approved');
  });
});

describe('nameFlags: what the approvals queue warns about', () => {
  it.each([
    ['OpenAI', []],
    ['AWS™', []],
    ['Café Nördlich', []],
    ['Яндекс', []],
    ['ソニー・ミュージック', []],
    ['Sony ソニー', []],
    ['Amazon 日本', []],
    ['a\u200bws', ['hidden_characters']],
    ['a\u00adws', ['hidden_characters']],
    ['a\u2060ws', ['hidden_characters']],
    ['\u043epenai', ['mixed_scripts', 'lookalike_characters']],
    ['C\u0430fé', ['mixed_scripts']], // a Cyrillic а beside a Latin é
    ['\u0430\u0440\u0440\u04cf\u0435', ['lookalike_characters']], // all Cyrillic, reads `apple`
    ['ＯｐｅｎＡＩ', ['lookalike_characters']],
    ['g\u0585\u0585gle', ['lookalike_characters']], // Armenian օ: Latin with Armenian is allowed, the look-alike is not
    ['a\u200bw\u0455', ['hidden_characters', 'mixed_scripts', 'lookalike_characters']],
  ])('%j: %j', (name, flags) => {
    expect(nameFlags(name)).toEqual(flags);
  });
});
