import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { BursarApiError, BursarClient } from '@bursar/sdk';

/**
 * The tool boundary: the model proposes, this server forwards with the key injected here, and
 * Bursar decides. The model never sees the key; it can only call these three narrow tools.
 */
export interface WrapperOptions {
  bursarUrl: string;
  /** The agent's spending key (bsk_…), from the server's environment or secret store. */
  apiKey: string;
}

const openapiFile = new URL('../openapi.json', import.meta.url);

/**
 * One idempotency key per logical intent: the caller's when it sends one (Idempotency-Key header
 * or idempotency_key field), else derived from the intent itself (the conversation id and the
 * exact arguments), so a retried tool call maps to the same spend request instead of a new one.
 */
export function intentKey(req: IncomingMessage, body: Record<string, unknown>): string {
  const given = req.headers['idempotency-key'] ?? body.idempotency_key;
  if (typeof given === 'string' && given.trim() !== '') return given.trim();
  const conversation = req.headers['x-conversation-id'] ?? '';
  const fields = ['amount_cents', 'currency', 'merchant_name', 'reason'].map((k) => `${k}=${JSON.stringify(body[k] ?? null)}`).join('&');
  return `wrap_${createHash('sha256').update(`${String(conversation)}\n${fields}`).digest('hex').slice(0, 40)}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        const v: unknown = text.trim() === '' ? {} : JSON.parse(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return reject(new Error('body must be a JSON object'));
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new Error('body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** Bursar's error, minus anything that is not the model's business. */
function forward(res: ServerResponse, err: unknown): void {
  if (err instanceof BursarApiError) {
    const status = err.status === 0 ? 502 : err.status;
    const hint = err.status === 401 || err.status === 403 ? 'The tool is not authorized; ask the operator to check its Bursar key.' : undefined;
    return send(res, status, { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(hint ? { hint } : {}) } });
  }
  send(res, 500, { error: { code: 'internal_error', message: 'The tool failed' } });
}

/** The HTTP tool server: POST /tools/create_spend, GET /tools/get_spend/:id, GET /tools/get_balance, GET /openapi.json. */
export function createWrapper(opts: WrapperOptions): Server {
  const bursar = new BursarClient({ apiKey: opts.apiKey, baseUrl: opts.bursarUrl });
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://wrapper');
    try {
      if (req.method === 'POST' && url.pathname === '/tools/create_spend') {
        let body: Record<string, unknown>;
        try {
          body = await readJson(req);
        } catch (err) {
          return send(res, 400, { error: { code: 'invalid_request', message: (err as Error).message } });
        }
        // Only the fields the tool allows reach Bursar: the model cannot add a callback_url or metadata.
        const { amount_cents, currency, merchant_name, reason } = body;
        const spend = await bursar.createSpend(
          { amount_cents, currency, merchant_name, reason } as { amount_cents: number; currency: string; merchant_name: string; reason: string },
          { idempotencyKey: intentKey(req, body) },
        );
        return send(res, 200, spend);
      }
      const get = /^\/tools\/get_spend\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && get) return send(res, 200, await bursar.getSpend(decodeURIComponent(get[1]!)));
      if (req.method === 'GET' && url.pathname === '/tools/get_balance') return send(res, 200, await bursar.getBalance());
      if (req.method === 'GET' && url.pathname === '/openapi.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(readFileSync(openapiFile));
      }
      send(res, 404, { error: { code: 'not_found', message: 'Tools: POST /tools/create_spend, GET /tools/get_spend/:id, GET /tools/get_balance' } });
    } catch (err) {
      forward(res, err);
    }
  });
}
