import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeMerchant } from '../../../core/src/merchant.js';

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
