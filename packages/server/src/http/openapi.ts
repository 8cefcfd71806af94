import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { globalRegistry, z } from 'zod';
import {
  agentSchema, apiCreatedKey, apiKeyListItem, apiKeySchema, apiPolicySchema, apiSpendRequestSchema, apiV1Error, approvalSchema,
  auditEntrySchema, authorizeSchema, balanceSchema, budgetSchema, callbackSecretSchema, cardAuthorizationSchema, cardCredentialSchema,
  cardSchema, checkoutIntentSchema, createdApiKeySchema, createdWorkspaceSchema, deliveryAttemptSchema, errorResponse, estimateSchema,
  evaluateResponse, eventSchema, executeResponse, executionTokenSchema, fundResultSchema, leaseSchema, ledgerTransactionSchema,
  ledgerVerifySchema, mandateSchema, paymentHandleSchema, paymentSchema, policySchema, priceSchema, receiptResponse, reservationSchema,
  resolveApprovalResponse, retryResultSchema, spendRequestSchema, transferSchema, usageSummarySchema, violationSchema, walletBalanceSchema,
  walletSchema, webhookEndpointSchema, webhookEndpointWithSecretSchema, workspaceSchema,
} from '@bursar/core';
import { examples } from './openapi-examples.js';
import { operations } from './openapi-operations.js';

/**
 * The objects a generated client names (`components.schemas`), each the zod schema the routes
 * answer with. Kept in a registry of the document's own rather than zod's global one, so the MCP
 * tools and anything else that turns these schemas into JSON Schema see them unchanged.
 */
const components: ReadonlyArray<readonly [z.ZodType, string]> = [
  [errorResponse, 'Error'],
  [spendRequestSchema, 'SpendRequest'], [violationSchema, 'Violation'], [balanceSchema, 'Balance'], [budgetSchema, 'Budget'],
  [approvalSchema, 'Approval'], [policySchema, 'Policy'], [agentSchema, 'Agent'],
  [apiKeySchema, 'ApiKey'], [createdApiKeySchema, 'CreatedApiKey'],
  [walletSchema, 'Wallet'], [walletBalanceSchema, 'WalletBalance'], [fundResultSchema, 'FundedWallet'],
  [webhookEndpointSchema, 'WebhookEndpoint'], [webhookEndpointWithSecretSchema, 'WebhookEndpointWithSecret'],
  [deliveryAttemptSchema, 'WebhookDeliveryAttempt'], [retryResultSchema, 'WebhookRetry'], [callbackSecretSchema, 'CallbackSecret'],
  [eventSchema, 'Event'], [ledgerTransactionSchema, 'LedgerTransaction'], [ledgerVerifySchema, 'LedgerVerification'], [auditEntrySchema, 'AuditEntry'],
  [mandateSchema, 'Mandate'], [executionTokenSchema, 'ExecutionToken'], [paymentSchema, 'Payment'],
  [authorizeSchema, 'SpendAuthorization'], [estimateSchema, 'SpendEstimate'], [priceSchema, 'Price'],
  [reservationSchema, 'Reservation'], [leaseSchema, 'BudgetLease'], [usageSummarySchema, 'UsageSummary'],
  [workspaceSchema, 'Workspace'], [createdWorkspaceSchema, 'CreatedWorkspace'],
  [cardSchema, 'Card'], [cardCredentialSchema, 'CardCredential'], [checkoutIntentSchema, 'CheckoutIntent'],
  [cardAuthorizationSchema, 'CardAuthorization'], [transferSchema, 'Transfer'],
  // The /api/v1 dialect.
  [apiV1Error, 'ApiV1Error'], [evaluateResponse, 'SpendEvaluation'], [receiptResponse, 'SpendReceipt'], [executeResponse, 'PaymentExecution'],
  [paymentHandleSchema, 'PaymentHandle'], [apiPolicySchema, 'ApiV1Policy'], [apiKeyListItem, 'ApiV1ApiKey'], [apiCreatedKey, 'ApiV1CreatedApiKey'],
  [apiSpendRequestSchema, 'ApiV1SpendRequest'], [resolveApprovalResponse, 'ApiV1ApprovalResolution'],
];

/** A WeakMap that reads through to zod's global registry, where `.describe()` keeps descriptions. */
class WithGlobalMetadata<V> extends WeakMap<object, V> {
  override get(key: object): V | undefined {
    return super.get(key) ?? (globalRegistry._map.get(key as never) as V | undefined);
  }
  override has(key: object): boolean {
    return super.has(key) || globalRegistry._map.has(key as never);
  }
}

function documentRegistry() {
  const registry = z.registry<{ id: string }>();
  // The converter reads every schema's metadata from the registry it is given: without this the
  // descriptions of all the unnamed schemas would be lost.
  (registry as unknown as { _map: WeakMap<object, unknown> })._map = new WithGlobalMetadata();
  for (const [schema, id] of components) registry.add(schema, { ...globalRegistry.get(schema), id });
  return registry;
}

/** Each error status: its response component's name and what it means, for both dialects. */
const errorStatus: Record<number, readonly [name: string, description: string]> = {
  400: ['BadRequest', 'The request is malformed or a field is invalid (the native envelope names it in `field`)'],
  401: ['Unauthorized', 'No valid credential: missing, malformed, unknown, revoked or expired'],
  402: ['PaymentRequired', "The wallet cannot cover the amount (funding_source_budget_exceeded; a decision is recorded as declined), or the workspace plan's limit is reached"],
  403: ['Forbidden', 'The credential may not do this: the wrong kind of key, a paused or revoked agent, a mandate that does not allow it, or a missing CSRF header'],
  404: ['NotFound', 'No such object in this workspace'],
  409: ['Conflict', "The object's state does not allow this, approving would exceed the budget, or a request with the same Idempotency-Key is still in flight"],
  422: ['UnprocessableEntity', 'The Idempotency-Key was first used with another body'],
  429: ['TooManyRequests', 'Too many requests, or too many failed authentications: retry after Retry-After seconds'],
};
const fallbackStatus = {
  '4XX': ['ClientError', 'Any other client error (a body over the size limit, another media type, …)'],
  '5XX': ['ServerError', 'Something failed on our side; nothing was committed, so retrying with the same Idempotency-Key is safe'],
} as const;

type Json = Record<string, any>;
const ref = (kind: 'schemas' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * The error statuses an operation can answer: its domain's own (from the table), plus the ones its
 * shape implies: 400 when it takes input, 401/403/429 when it needs a credential, 404 for an id
 * in the path, 409/422 when it honours an idempotency key.
 */
function errorStatuses(op: Json, domainErrors: readonly number[]): number[] {
  const statuses = new Set(domainErrors);
  const params: Json[] = op.parameters ?? [];
  const bodySchema: Json | undefined = op.requestBody?.content?.['application/json']?.schema;
  if (op.requestBody || params.length > 0) statuses.add(400);
  if (op.security?.length) [401, 403, 429].forEach((s) => statuses.add(s));
  if (params.some((p) => p.in === 'path')) statuses.add(404);
  if (params.some((p) => p.in === 'header' && p.name === 'idempotency-key') || bodySchema?.properties?.idempotencyKey) {
    statuses.add(409);
    statuses.add(422);
  }
  return [...statuses];
}

/** Every error status with its own code and the envelope of the operation's dialect, then the ranges for the rest. */
function describeErrors(op: Json, path: string, domainErrors: readonly number[]) {
  const prefix = path.startsWith('/api/v1/') ? 'ApiV1' : '';
  // Statuses a route declares itself (the 503 of /readyz) stay; integer keys keep their order.
  const responses: Json = Object.fromEntries(Object.entries(op.responses ?? {}).filter(([status]) => !/^[45]XX$/i.test(status)));
  for (const status of errorStatuses(op, domainErrors)) responses[status] ??= ref('responses', `${prefix}${errorStatus[status]![0]}`);
  for (const [range, [name]] of Object.entries(fallbackStatus)) responses[range] = ref('responses', `${prefix}${name}`);
  op.responses = responses;
}

function errorResponses(): Json {
  const out: Json = {};
  for (const [prefix, schema] of [['', 'Error'], ['ApiV1', 'ApiV1Error']] as const) {
    for (const [name, description] of [...Object.values(errorStatus), ...Object.values(fallbackStatus)]) {
      out[`${prefix}${name}`] = { description, content: { 'application/json': { schema: ref('schemas', schema) } } };
    }
  }
  return out;
}

function addExample(op: Json) {
  const example = examples[op.operationId];
  if (!example) return;
  if (example.request !== undefined) op.requestBody.content['application/json'].example = example.request;
  const ok = Object.keys(op.responses).find((s) => s.startsWith('2'));
  if (example.response !== undefined && ok) op.responses[ok].content['application/json'].example = example.response;
}

const refsIn = (value: unknown, kind: 'schemas' | 'responses') =>
  [...JSON.stringify(value).matchAll(new RegExp(`"#/components/${kind}/([^"]+)"`, 'g'))].map((m) => m[1]!);

/**
 * Keeps only the components an operation reaches: the converter emits an input twin (`XInput`)
 * of every named schema, and the request bodies, which stay inline, use none of them.
 */
function withoutUnusedComponents(doc: Json): Json {
  const { schemas, responses } = doc.components as { schemas: Json; responses: Json };
  const reached = new Set(refsIn(doc.paths, 'responses'));
  const keptResponses = Object.fromEntries(Object.entries(responses).filter(([name]) => reached.has(name)));
  const used = new Set(refsIn({ paths: doc.paths, responses: keptResponses }, 'schemas'));
  for (const name of used) for (const inner of refsIn(schemas[name] ?? {}, 'schemas')) used.add(inner);
  const keptSchemas = Object.fromEntries([...used].sort().map((name) => [name, schemas[name]]));
  return { ...doc, components: { ...doc.components, schemas: keptSchemas, responses: keptResponses } };
}

const operationKey = (method: string, url: string) => `${method.toUpperCase()} ${url}`;
const fallbackId = (method: string, url: string) =>
  method.toLowerCase() + url.replace(/:(\w+)/g, 'by_$1').split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/**
 * The @fastify/swagger options that make /openapi.json: the zod schemas of every route, the
 * named components, an operationId and the error statuses of each operation, `security: []` on
 * the routes whose auth mode is `none`, and examples on the main operations.
 */
export function openapiOptions(opts: { version: string; publicUrl: () => string }): FastifyDynamicSwaggerOptions {
  const registry = documentRegistry();
  const schemaTransform = createJsonSchemaTransform({ schemaRegistry: registry });
  const componentsTransform = createJsonSchemaTransformObject({ schemaRegistry: registry });
  const domainErrors = new Map(Object.values(operations).map(([id, ...errors]) => [id, errors]));
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bursar API',
        version: opts.version,
        description:
          'Control plane for the money AI agents spend. Money is integer minor units (cents); ids are prefixed; lists are newest first with cursor pagination; errors are {"error": {code, message, request_id}} (on /api/v1: {"error": "message"}).',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'bmk_… management key or bsk_… spending key' },
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same keys, as the /api/v1 dialect sends them' },
        },
      },
    },
    transform: (input) => {
      const out = schemaTransform(input);
      const schema = out.schema as Json;
      if (schema.hide) return out;
      const method = [input.route.method].flat()[0]!;
      schema.operationId = operations[operationKey(method, input.url)]?.[0] ?? fallbackId(method, input.url);
      // Public on purpose (the authorization matrix lists them): say so rather than leave it unsaid.
      if ((input.route.config?.auth ?? 'none') === 'none') schema.security = [];
      return out;
    },
    transformObject: (input) => {
      const { openapi, info, ...doc } = componentsTransform(input) as Json;
      doc.components.responses = errorResponses();
      for (const [path, item] of Object.entries(doc.paths as Json)) {
        for (const op of Object.values(item as Json) as Json[]) {
          describeErrors(op, path, domainErrors.get(op.operationId) ?? []);
          addExample(op);
        }
      }
      // Read when the document is first served: on port 0 the address is known only once listening.
      const servers = [{ url: opts.publicUrl(), description: 'This server (BURSAR_PUBLIC_URL)' }];
      return withoutUnusedComponents({ openapi, info, servers, ...doc });
    },
  };
}
