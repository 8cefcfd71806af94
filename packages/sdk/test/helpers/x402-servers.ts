import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { paymentMiddleware as paymentMiddlewareV1 } from 'x402-express';
import { paymentMiddleware as paymentMiddlewareV2, x402ResourceServer } from '@x402/express';
import { HTTPFacilitatorClient } from '@x402/core/server';
import { ExactEvmScheme } from '@x402/evm/exact/server';
import { encodeX402Header, type PaymentRequirement, type X402Payer } from '../../src/index.js';

/**
 * Paid endpoints made with the official x402 server middleware (v1 `x402-express`, v2
 * `@x402/express`), on 127.0.0.1, settling through a local facilitator stub: no network, no chain.
 */

export const payTo = '0x1111111111111111111111111111111111111111';
const payer = '0x2222222222222222222222222222222222222222';

/** A payment the facilitator stub settled, as the resource server handed it over. */
export interface Settled {
  x402Version: number;
  network: string;
  asset: string;
  amount: string;
  payTo: string;
}

/** The local facilitator: verifies that a payment authorizes exactly the requirement's amount to its payTo, then settles it. */
export interface FacilitatorStub {
  url: string;
  settled: Settled[];
  /** While true, /settle answers `success: false` (insufficient_funds). */
  failSettlement: boolean;
  close(): Promise<void>;
}

const v1Networks = ['base', 'base-sepolia'];
const v2Networks = ['eip155:8453', 'eip155:84532'];

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

export async function startFacilitatorStub(): Promise<FacilitatorStub> {
  const state: FacilitatorStub = { url: '', settled: [], failSettlement: false, close: async () => undefined };
  const server = createServer(async (req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/supported') {
      return send({
        kinds: [
          ...v1Networks.map((network) => ({ x402Version: 1, scheme: 'exact', network })),
          ...v2Networks.map((network) => ({ x402Version: 2, scheme: 'exact', network })),
        ],
        extensions: [],
        signers: {},
      });
    }
    const body = await readJson(req);
    const reqs = body.paymentRequirements as Record<string, string>;
    const auth = body.paymentPayload?.payload?.authorization as Record<string, string> | undefined;
    const amount = reqs.amount ?? reqs.maxAmountRequired!;
    const toPayee = auth?.to !== undefined && auth.to.toLowerCase() === reqs.payTo!.toLowerCase();
    if (req.url === '/verify') {
      const exact = toPayee && auth.value === amount;
      return send(exact ? { isValid: true, payer } : { isValid: false, invalidReason: 'invalid_exact_evm_payload_authorization_value', payer });
    }
    if (req.url === '/settle') {
      // The resource server may settle less than was authorized (its Settlement-Overrides), never more.
      const covered = toPayee && /^\d+$/.test(auth.value!) && BigInt(auth.value!) >= BigInt(amount);
      if (!covered || state.failSettlement) return send({ success: false, errorReason: 'insufficient_funds', transaction: '', network: reqs.network, payer });
      state.settled.push({ x402Version: body.x402Version, network: reqs.network!, asset: reqs.asset!, amount, payTo: reqs.payTo! });
      return send({ success: true, transaction: `0x${'ab'.repeat(32)}`, network: reqs.network, payer, amount });
    }
    res.writeHead(404).end();
  });
  state.url = await listen(server);
  state.close = closer(server);
  return state;
}

/** A running paid endpoint: GET /report costs what it was started with. */
export interface PaidServer {
  url: string;
  /** Requests that reached the paid handler (paid ones). */
  served: number;
  close(): Promise<void>;
}

function paidApp(state: PaidServer, settleAtomic?: string) {
  const app = express();
  return {
    app,
    route: () =>
      app.get('/report', (_req: unknown, res: { setHeader(k: string, v: string): void; json(body: unknown): void }) => {
        state.served++;
        // @x402/express settles this amount instead of the requirement's (a metered resource).
        if (settleAtomic !== undefined) res.setHeader('Settlement-Overrides', JSON.stringify({ amount: settleAtomic }));
        res.json({ report: 'GPU prices fell 3% this week' });
      }),
  };
}

/** A v1 price: dollars (the network's USDC) or atomic units of a token. */
export type V1Price = string | { amount: string; asset: { address: string; decimals: number; eip712: { name: string; version: string } } };

/** x402 v1 (`x402-express`): one requirement, in the JSON body of the 402. */
export async function startV1Server(facilitatorUrl: string, accept: { network: string; price: V1Price }): Promise<PaidServer> {
  const state: PaidServer = { url: '', served: 0, close: async () => undefined };
  const { app, route } = paidApp(state);
  app.use(paymentMiddlewareV1(payTo as `0x${string}`, { 'GET /report': { price: accept.price as never, network: accept.network as never } }, { url: facilitatorUrl as `${string}://${string}` }));
  route();
  const server = createServer(app);
  state.url = await listen(server);
  state.close = closer(server);
  return state;
}

/** A v2 price: dollars (the network's default asset) or atomic units of a token. */
export type V2Price = string | { amount: string; asset: string; extra?: Record<string, unknown> };

/**
 * x402 v2 (`@x402/express`): every option in the PAYMENT-REQUIRED header, in this order.
 * `settleAtomic`: the handler asks to settle that many atomic units, not the requirement's.
 */
export async function startV2Server(facilitatorUrl: string, accepts: Array<{ network: string; price: V2Price }>, settleAtomic?: string): Promise<PaidServer> {
  const state: PaidServer = { url: '', served: 0, close: async () => undefined };
  const { app, route } = paidApp(state, settleAtomic);
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }));
  for (const network of new Set(accepts.map((a) => a.network))) resourceServer.register(network as `${string}:${string}`, new ExactEvmScheme());
  const routes = {
    'GET /report': {
      accepts: accepts.map((a) => ({ scheme: 'exact', network: a.network as `${string}:${string}`, payTo, price: a.price })),
      description: 'A market report',
      mimeType: 'application/json',
    },
  };
  app.use(paymentMiddlewareV2(routes, resourceServer));
  route();
  const server = createServer(app);
  state.url = await listen(server);
  state.close = closer(server);
  return state;
}

/**
 * A payer that answers an exact-scheme EVM requirement the way the official clients shape it
 * (an EIP-3009 authorization of exactly the amount to payTo), with a signature only the stub
 * facilitator accepts. `paid` records what it was asked to pay; `fail` makes it throw.
 */
export function testEvmPayer(opts: { fail?: boolean } = {}): X402Payer & { paid: PaymentRequirement[] } {
  const paid: PaymentRequirement[] = [];
  return {
    paid,
    supports: (r) => r.scheme === 'exact',
    async pay({ required, requirement }): Promise<Record<string, string>> {
      if (opts.fail) throw new Error('wallet locked');
      paid.push(requirement);
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        signature: `0x${'cd'.repeat(65)}`,
        authorization: {
          from: payer,
          to: requirement.payTo,
          value: requirement.amount ?? requirement.maxAmountRequired,
          validAfter: String(now - 600),
          validBefore: String(now + 600),
          nonce: `0x${'01'.repeat(32)}`,
        },
      };
      if (required.x402Version === 1) {
        return { 'X-PAYMENT': encodeX402Header({ x402Version: 1, scheme: requirement.scheme, network: requirement.network, payload }) };
      }
      return { 'PAYMENT-SIGNATURE': encodeX402Header({ x402Version: 2, resource: required.resource, accepted: requirement, payload }) };
    },
  };
}
