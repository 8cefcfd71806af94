import { balanceSchema, spendRequestSchema } from '@bursar/core';
import { BursarApiError, type BursarClient, type SpendRequest } from '@bursar/sdk';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/**
 * The three tools an agent gets: ask to spend, check a request, check the balance. The key is
 * the server's (BURSAR_API_KEY for stdio, the HTTP caller's for /mcp), never a tool argument,
 * and no result ever contains it.
 */

export const createSpendInput = {
  amount_cents: z
    .number()
    .int()
    .positive()
    .describe('Amount in minor units (cents) as a positive integer: 1250 means $12.50. Never a float.'),
  currency: z.string().regex(/^[A-Za-z]{3}$/).describe('ISO 4217 currency code, such as "usd".'),
  merchant_name: z.string().min(1).max(200).describe('Who gets paid, as a name or domain, for example "OpenAI" or "openai.com".'),
  reason: z.string().min(1).max(1000).describe('Why the money is needed, in one sentence a human approver can judge.'),
  idempotency_key: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Optional. Make one per logical purchase and send the same value when retrying it, so a retry never spends twice.'),
};

export const getSpendInput = { id: z.string().min(1).max(64).describe('The spend request id (req_…) that create_spend returned.') };

// The API's own response schemas, open at the top level to fields a newer server adds: clients
// validate every result against them, and a new field must not fail every call.
const spendRequestOutput = spendRequestSchema.loose();
const balanceOutput = balanceSchema.loose();

/** Tool names and descriptions, shared by the stdio and HTTP transports. */
export const toolDescriptors = {
  create_spend: {
    title: 'Ask to spend money',
    description:
      'Ask Bursar for permission to spend money before paying anyone. Bursar applies the operator\'s policy and answers with a spend request whose status is ' +
      '"approved" (the money is reserved; go ahead), "declined" (do not pay; decision_reason says why), or "needs_approval" (a human must decide: do not pay yet; ' +
      'call get_spend with the id later until the status changes). Reuse the same idempotency_key when retrying the same purchase.',
  },
  get_spend: {
    title: 'Check a spend request',
    description:
      'Get the current status of a spend request by its id (req_…): needs_approval (still waiting for a human), approved, declined, completed, cancelled, failed or expired.',
  },
  get_balance: {
    title: 'Check the remaining budget',
    description:
      'Get the wallet balance and the remaining budget of this agent, per budget period, in cents. Use it before asking to spend to see what fits.',
  },
} as const;

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

/**
 * One sentence and the object as JSON for every client; the object again as structuredContent,
 * which must match the tool's outputSchema. An error is not that shape (and the official client
 * checks any structuredContent against the schema), so an error's object travels in the text only.
 */
function result(sentence: string, object: Record<string, unknown>, isError = false): CallToolResult {
  const content: CallToolResult['content'] = [{ type: 'text', text: `${sentence}\n${JSON.stringify(object, null, 2)}` }];
  return isError ? { content, isError: true } : { content, structuredContent: object };
}

/** One plain sentence a model can act on, for each status. */
export function describeSpend(s: SpendRequest): string {
  const what = `${money(s.amount_cents, s.currency)} to ${s.merchant_name}`;
  switch (s.status) {
    case 'approved':
      return `Approved: you may spend ${what}; the money is reserved under spend request ${s.id}.`;
    case 'needs_approval':
      return `Pending: spend request ${s.id} for ${what} needs a human decision. Do not pay yet; wait and call get_spend with id "${s.id}" every minute or so until the status changes.`;
    case 'declined':
      return `Declined: do not spend ${what}. Reason: ${s.decision_reason}.`;
    case 'completed':
      return `Completed: ${money(s.captured_amount_cents ?? s.amount_cents, s.currency)} was paid to ${s.merchant_name} under spend request ${s.id}.`;
    default:
      return `Spend request ${s.id} for ${what} is ${s.status}: do not pay under it.`;
  }
}

/** Maps an API failure to a tool result: input errors the model can correct, auth errors for the operator. */
export function errorResult(err: unknown): CallToolResult {
  if (!(err instanceof BursarApiError)) {
    return result('The spend tool failed unexpectedly. Try again later.', { error: { code: 'internal_error', message: 'unexpected error' } }, true);
  }
  const error = { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.requestId ? { request_id: err.requestId } : {}) };
  let sentence: string;
  switch (err.status) {
    case 400:
    case 422:
      sentence = `The request was invalid${err.field ? ` (${err.field})` : ''}: ${err.message}. Correct the arguments and call the tool again.`;
      break;
    case 401:
    case 403:
      sentence = 'The spend tool is not authorized to call Bursar. Do not retry; ask the operator to check the agent\'s key.';
      break;
    case 402: {
      const spend = err.body.spend_request as SpendRequest | undefined;
      sentence = `Declined: the wallet cannot cover this amount. Do not pay.${spend ? ` Spend request ${spend.id} was recorded as declined.` : ''}`;
      return result(sentence, { error, ...(spend ? { spend_request: spend } : {}) }, true);
    }
    case 404:
      sentence = 'No spend request has that id. Check the id (req_…) returned by create_spend.';
      break;
    case 409:
      sentence = 'The same request is still being processed. Wait a few seconds and retry with the same idempotency_key.';
      break;
    case 429:
      sentence = 'Too many requests. Wait a minute, then retry with the same idempotency_key.';
      break;
    default:
      sentence = 'Bursar could not be reached or failed. Retry later with the same idempotency_key.';
  }
  return result(sentence, { error }, true);
}

/** Registers create_spend, get_spend and get_balance on an MCP server, calling Bursar through `client`. */
export function registerBursarTools(server: McpServer, client: BursarClient): void {
  server.registerTool('create_spend', { ...toolDescriptors.create_spend, inputSchema: createSpendInput, outputSchema: spendRequestOutput }, async (args) => {
    try {
      const { idempotency_key, ...body } = args;
      const spend = await client.createSpend({ ...body, currency: body.currency.toLowerCase() }, idempotency_key ? { idempotencyKey: idempotency_key } : {});
      return result(describeSpend(spend), spend);
    } catch (err) {
      return errorResult(err);
    }
  });
  server.registerTool('get_spend', { ...toolDescriptors.get_spend, inputSchema: getSpendInput, outputSchema: spendRequestOutput }, async ({ id }) => {
    try {
      const spend = await client.getSpend(id);
      return result(describeSpend(spend), spend);
    } catch (err) {
      return errorResult(err);
    }
  });
  server.registerTool('get_balance', { ...toolDescriptors.get_balance, inputSchema: {}, outputSchema: balanceOutput }, async () => {
    try {
      const b = await client.getBalance();
      const remaining = b.remaining_budget_cents === null ? 'no budget limit' : `${money(b.remaining_budget_cents, b.currency)} left in the ${b.budget_period} budget`;
      return result(`The wallet has ${money(b.wallet.available_cents, b.currency)} available; ${remaining}.`, b);
    } catch (err) {
      return errorResult(err);
    }
  });
}

/** A new MCP server with Bursar's tools. */
export function createBursarMcpServer(client: BursarClient, version = '0.1.0'): McpServer {
  const server = new McpServer({ name: 'bursar', version });
  registerBursarTools(server, client);
  return server;
}
