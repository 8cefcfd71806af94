/**
 * What an x402 amount is worth. A payment requirement names an asset (a token contract or mint)
 * on a network and an amount in that asset's atomic units; nothing in the official requirements
 * says how many decimals the asset has or which currency it is worth. Bursar prices only assets
 * it knows: this table, plus what the caller or the payer adds. Everything else is refused.
 */

/** An asset whose atomic units Bursar knows how to turn into a currency's minor units. */
export interface X402Asset {
  /** The network as a requirement names it: x402 v1 (`base`) or CAIP-2 in v2 (`eip155:8453`). */
  network: string;
  /** Token contract (EVM, compared case-insensitively) or mint (Solana, exact). */
  asset: string;
  /** Decimals of the token: 10^decimals atomic units are one unit of `currency`. */
  decimals: number;
  /** ISO 4217 code, lower case, of the currency one token is worth. */
  currency: string;
  symbol?: string | undefined;
}

/**
 * USDC (and bridged USDC) on the EVM chains that the official x402 packages configure, by chain
 * id: the x402 v1 package (`x402` 1.2.0, `src/types/shared/evm/config.ts`, every entry 6
 * decimals) and the v2 one (`@x402/evm` 2.27.0, `src/defaultAssets.ts`, the entries whose
 * symbol is USDC or USDC.e). Each is listed under its CAIP-2 id and, where the packages have
 * one, its v1 name (`@x402/evm` `EVM_NETWORK_CHAIN_ID_MAP`).
 */
const evmUsdc: ReadonlyArray<readonly [chainId: number, v1Name: string | null, address: string, symbol: string]> = [
  [1, 'ethereum', '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', 'USDC'],
  [8453, 'base', '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', 'USDC'],
  [84532, 'base-sepolia', '0x036CbD53842c5426634e7929541eC2318f3dCF7e', 'USDC'],
  [43114, 'avalanche', '0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E', 'USDC'],
  [43113, 'avalanche-fuji', '0x5425890298aed601595a70AB815c96711a31Bc65', 'USDC'],
  [137, 'polygon', '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', 'USDC'],
  [80002, 'polygon-amoy', '0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582', 'USDC'],
  [1329, 'sei', '0xe15fC38F6D8c56aF07bbCBe3BAf5708A2Bf42392', 'USDC'],
  [1328, 'sei-testnet', '0x4fCF1784B31630811181f670Aea7A7bEF803eaED', 'USDC'],
  [4689, 'iotex', '0xcdf79194c6c285077a58da47641d4dbe51f63542', 'USDC.e'],
  [3338, 'peaq', '0xbbA60da06c2c5424f03f7434542280FCAd453d10', 'USDC'],
  [2741, 'abstract', '0x84a71ccd554cc1b02749b35d22f684cc8ec987e1', 'USDC.e'],
  [11124, 'abstract-testnet', '0xe4C7fBB0a626ed208021ccabA6Be1566905E2dFc', 'USDC.e'],
  [1514, 'story', '0xF1815bd50389c46847f0Bda824eC8da914045D14', 'USDC.e'],
  [41923, 'educhain', '0x12a272A581feE5577A5dFa371afEB4b2F3a8C2F8', 'USDC.e'],
  [324705682, 'skale-base-sepolia', '0x2e08028E3C4c2356572E096d8EF835cD5C6030bD', 'USDC.e'],
  [143, 'monad', '0x754704Bc059F8C67012fEd69BC8A327a5aafb603', 'USDC'],
  [42220, 'celo', '0xcebA9300f2b948710d2653dD7B07f33A8B32118C', 'USDC'],
  [11142220, null, '0x01C5C0122039549AD1493B8220cABEdD739BC44E', 'USDC'],
  [42161, null, '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', 'USDC'],
  [421614, null, '0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d', 'USDC'],
  [36900, null, '0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2', 'USDC.e'],
  [190415, null, '0x401eCb1D350407f13ba348573E5630B83638E30D', 'USDC.e'],
  [181228, null, '0x401eCb1D350407f13ba348573E5630B83638E30D', 'USDC.e'],
  [50, null, '0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1', 'USDC'],
  [51, null, '0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4', 'USDC'],
  [38833, null, '0xA5b8BF902b2844dA17d4506cc827F7F1681735E7', 'USDC'],
];

/**
 * USDC mints on Solana (`x402` 1.2.0 config and `@x402/svm` constants: v1 name, CAIP-2 id).
 * Solana testnet is left out: the package reuses the devnet mint there "Same as devnet".
 */
const solanaUsdc: ReadonlyArray<readonly [v1Name: string, caip2: string, mint: string]> = [
  ['solana', 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'],
  ['solana-devnet', 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1', '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU'],
];

/**
 * EURC: the official packages name it as supported (EIP-3009) but configure no default for it;
 * the one address they carry is Base's, in the token list `x402` 1.2.0's paywall bundles
 * (`name: "EURC", decimals: 6, chainId: 8453`). Other networks' EURC: add them as `assets`.
 */
const evmEurc: ReadonlyArray<readonly [chainId: number, v1Name: string, address: string]> = [[8453, 'base', '0x60a3E35Cc302bFA44Cb288Bc5a4F316Fdb1adb42']];

/** The assets Bursar prices by default: USDC (usd) and EURC (eur), 6 decimals, where the x402 packages name them. */
export const knownX402Assets: readonly X402Asset[] = Object.freeze([
  ...evmUsdc.flatMap(([chainId, v1Name, asset, symbol]) =>
    [`eip155:${chainId}`, ...(v1Name ? [v1Name] : [])].map((network) => ({ network, asset, decimals: 6, currency: 'usd', symbol })),
  ),
  ...solanaUsdc.flatMap(([v1Name, caip2, asset]) => [v1Name, caip2].map((network) => ({ network, asset, decimals: 6, currency: 'usd', symbol: 'USDC' }))),
  ...evmEurc.flatMap(([chainId, v1Name, asset]) =>
    [`eip155:${chainId}`, v1Name].map((network) => ({ network, asset, decimals: 6, currency: 'eur', symbol: 'EURC' })),
  ),
]);

const evmAddress = /^0x[0-9a-fA-F]{40}$/;

/** Whether two asset ids name the same asset: EVM addresses ignore checksum case; anything else is exact. */
export function sameAsset(a: string, b: string): boolean {
  return evmAddress.test(a) && evmAddress.test(b) ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** The table entry for an asset on a network, or undefined. */
export function findX402Asset(table: readonly X402Asset[], network: string, asset: string | undefined): X402Asset | undefined {
  if (asset === undefined) return undefined;
  return table.find((a) => a.network === network && sameAsset(a.asset, asset));
}

/** Throws when a table entry could not price anything exactly (a caller's typo must not become a price). */
export function checkX402Asset(a: X402Asset): void {
  if (!Number.isInteger(a.decimals) || a.decimals < 0 || a.decimals > 36) throw new TypeError(`x402 asset ${a.asset} on ${a.network}: decimals must be an integer from 0 to 36`);
  if (!/^[a-z]{3}$/.test(a.currency) || centDigits(a.currency) !== 2) {
    throw new TypeError(`x402 asset ${a.asset} on ${a.network}: currency must be a lower-case ISO 4217 code of a currency with cents (2 minor digits)`);
  }
  if (!a.network || !a.asset) throw new TypeError('x402 asset: network and asset are required');
}

/** Minor digits of a currency as the runtime's Intl knows them; undefined for a code it does not know. */
function centDigits(currency: string): number | undefined {
  if (!Intl.supportedValuesOf('currency').includes(currency.toUpperCase())) return undefined;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return undefined;
  }
}

/**
 * Minor units (cents) of `atomic` units of an asset, by exact integer arithmetic; null when the
 * amount is not a whole number of cents (then it is refused, never rounded: see fetchWithSpend).
 * Table entries are checked to be in currencies with 2 minor digits (checkX402Asset).
 */
export function atomicToCents(atomic: bigint, decimals: number): bigint | null {
  const scale = 10n ** BigInt(decimals);
  const hundredths = atomic * 100n;
  return hundredths % scale === 0n ? hundredths / scale : null;
}

/** The smallest number of cents that covers `atomic` units (for what was already paid: never under-record it). */
export function atomicToCentsCeil(atomic: bigint, decimals: number): bigint {
  const scale = 10n ** BigInt(decimals);
  return (atomic * 100n + scale - 1n) / scale;
}
