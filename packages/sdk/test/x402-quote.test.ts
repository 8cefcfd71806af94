import { describe, expect, it } from 'vitest';
import {
  choosePaymentOption, knownX402Assets, quoteOf, X402UnpayableError, type PaymentRequired, type PaymentRequirement, type X402Asset,
} from '../src/index.js';
import { checkX402Asset } from '../src/x402-assets.js';

/** Pricing x402 requirements: only known assets, by exact integer arithmetic, in whole cents. */

const usdcBase = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913';
const eurcBase = '0x60a3E35Cc302bFA44Cb288Bc5a4F316Fdb1adb42';
const usdcSolana = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const req = (r: Partial<PaymentRequirement>): PaymentRequirement => ({ scheme: 'exact', network: 'eip155:8453', asset: usdcBase, payTo: '0xpay', amount: '50000', ...r });
const refusalCodes = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(X402UnpayableError);
    return (err as X402UnpayableError).refusals.map((r) => r.code);
  }
  throw new Error('expected a refusal');
};

describe('quoteOf', () => {
  it.each([
    ['eip155:8453', usdcBase, '50000', 5, 'usd'],
    ['base', usdcBase.toLowerCase(), '1000000', 100, 'usd'],
    ['base-sepolia', '0x036CbD53842c5426634e7929541eC2318f3dCF7e', '10000', 1, 'usd'],
    ['eip155:8453', eurcBase, '2500000', 250, 'eur'],
    ['base', eurcBase, '10000', 1, 'eur'],
    ['solana', usdcSolana, '120000', 12, 'usd'],
    ['solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', usdcSolana, '990000000', 99_000, 'usd'],
  ])('%s %s: %s atomic units are %i %s cents', (network, asset, amount, cents, currency) => {
    expect(quoteOf(req({ network, asset, amount }))).toMatchObject({ amount_cents: cents, currency, amount_atomic: amount });
  });

  it('reads the v1 amount field too', () => {
    expect(quoteOf(req({ amount: undefined, maxAmountRequired: '70000' })).amount_cents).toBe(7);
  });

  it('takes decimals and currency from the table, never from extra (which official requirements do not send)', () => {
    expect(refusalCodes(() => quoteOf(req({ amount: '500', extra: { decimals: 2, currency: 'eur' } })))).toEqual(['not_whole_cents']);
    expect(quoteOf(req({ amount: '500000', extra: { decimals: 2, currency: 'eur' } }))).toMatchObject({ amount_cents: 50, currency: 'usd' });
  });

  it('refuses an asset the table does not know: an 18-decimal token is not 1e14 cents', () => {
    const token18 = '0x1818181818181818181818181818181818181818';
    expect(refusalCodes(() => quoteOf(req({ asset: token18, amount: '5000000000000000000', extra: { decimals: 18 } })))).toEqual(['unknown_asset']);
    // USDC's address on another network than its own is not USDC.
    expect(refusalCodes(() => quoteOf(req({ network: 'eip155:137' })))).toEqual(['unknown_asset']);
    // Solana mints are case-sensitive.
    expect(refusalCodes(() => quoteOf(req({ network: 'solana', asset: usdcSolana.toLowerCase() })))).toEqual(['unknown_asset']);
    expect(refusalCodes(() => quoteOf(req({ asset: undefined })))).toEqual(['unknown_asset']);
  });

  it('prices a caller-added asset by its own decimals: 500 units of a 2-decimal token are 500 cents', () => {
    const token2: X402Asset = { network: 'eip155:8453', asset: '0x2222222222222222222222222222222222220002', decimals: 2, currency: 'usd' };
    expect(quoteOf(req({ asset: token2.asset, amount: '500' }), [...knownX402Assets, token2])).toMatchObject({ amount_cents: 500, currency: 'usd' });
    const token18: X402Asset = { ...token2, asset: '0x1818181818181818181818181818181818181818', decimals: 18 };
    expect(quoteOf(req({ asset: token18.asset, amount: '1230000000000000000' }), [token18])).toMatchObject({ amount_cents: 123 });
  });

  it('refuses an amount that is not a whole number of cents rather than rounding it', () => {
    expect(refusalCodes(() => quoteOf(req({ amount: '1000' })))).toEqual(['not_whole_cents']); // $0.001
    expect(refusalCodes(() => quoteOf(req({ amount: '50001' })))).toEqual(['not_whole_cents']);
  });

  it.each(['0', '-5', '1.5', 'abc', ''])('refuses the amount %j', (amount) => {
    expect(refusalCodes(() => quoteOf(req({ amount })))).toEqual(['invalid_amount']);
  });

  it('converts exactly beyond the range of doubles', () => {
    const token18: X402Asset = { network: 'n:1', asset: 'T', decimals: 18, currency: 'usd' };
    // 9,007,199,254,740,993 cents (2^53 + 1) is not a safe integer: refused, not rounded.
    expect(refusalCodes(() => quoteOf(req({ network: 'n:1', asset: 'T', amount: '90071992547409930000000000000000000' }), [token18]))).toEqual(['invalid_amount']);
    expect(quoteOf(req({ network: 'n:1', asset: 'T', amount: '12345678901230000000000000000' }), [token18]).amount_cents).toBe(1_234_567_890_123);
  });
});

describe('choosePaymentOption', () => {
  const required = (...accepts: PaymentRequirement[]): PaymentRequired => ({ x402Version: 2, accepts });
  const table = knownX402Assets;

  it('chooses the cheapest payable option, not the first; the server order breaks ties', () => {
    const a = req({ amount: '90000' });
    const b = req({ network: 'base-sepolia', asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e', amount: '40000' });
    const c = req({ network: 'polygon', asset: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', amount: '40000' });
    expect(choosePaymentOption(required(a, b, c), { table }).requirement).toBe(b);
  });

  it('skips options it may not pay, and says why for each when none is left', () => {
    const unknown = req({ asset: '0x1818181818181818181818181818181818181818' });
    const usdc = req({ amount: '60000' });
    expect(choosePaymentOption(required(unknown, usdc), { table }).quote.amount_cents).toBe(6);
    const err = (() => {
      try {
        return choosePaymentOption(required(unknown, req({ amount: '1' }), req({ scheme: 'upto' })), { table, payer: { supports: (r) => r.scheme === 'exact', pay: async () => ({}) } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(X402UnpayableError);
    expect((err as X402UnpayableError).refusals.map((r) => r.code)).toEqual(['unknown_asset', 'not_whole_cents', 'payer_unsupported']);
  });

  it('pays only what the allowlist admits: a whole network, or one asset on it', () => {
    const base = req({ amount: '90000' });
    const sepolia = req({ network: 'base-sepolia', asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e', amount: '40000' });
    expect(choosePaymentOption(required(base, sepolia), { table, allow: [{ network: 'eip155:8453' }] }).requirement).toBe(base);
    expect(choosePaymentOption(required(base, sepolia), { table, allow: [{ network: 'eip155:8453', asset: usdcBase.toLowerCase() }] }).requirement).toBe(base);
    expect(refusalCodes(() => choosePaymentOption(required(base, sepolia), { table, allow: [{ network: 'eip155:8453', asset: eurcBase }] }))).toEqual([
      'not_allowed',
      'not_allowed',
    ]);
  });

  it('compares only amounts in the currency asked for', () => {
    const eur = req({ asset: eurcBase, amount: '10000' });
    const usd = req({ amount: '90000' });
    expect(choosePaymentOption(required(eur, usd), { table, currency: 'usd' }).requirement).toBe(usd);
    expect(choosePaymentOption(required(eur, usd), { table, currency: 'eur' }).requirement).toBe(eur);
    expect(refusalCodes(() => choosePaymentOption(required(eur), { table, currency: 'usd' }))).toEqual(['other_currency']);
  });
});

describe('the asset table', () => {
  it('holds USDC in usd and EURC in eur, 6 decimals, under v1 and CAIP-2 network names', () => {
    for (const a of knownX402Assets) checkX402Asset(a);
    expect(new Set(knownX402Assets.map((a) => `${a.symbol}:${a.currency}:${a.decimals}`))).toEqual(new Set(['USDC:usd:6', 'USDC.e:usd:6', 'EURC:eur:6']));
    const keys = knownX402Assets.map((a) => `${a.network} ${a.asset.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    [{ decimals: 2.5 }, /decimals/],
    [{ decimals: -1 }, /decimals/],
    [{ currency: 'USD' }, /currency/],
    [{ currency: 'jpy' }, /currency/],
    [{ currency: 'usb' }, /currency/],
    [{ asset: '' }, /required/],
  ])('refuses a caller entry %j', (bad, message) => {
    expect(() => checkX402Asset({ network: 'eip155:1', asset: '0xabc', decimals: 6, currency: 'usd', ...bad })).toThrow(message);
  });
});
