import { z } from 'zod';
import { createPaymentHandleBody, paymentHandleSchema } from '@bursar/core';
import { createPaymentHandle, listPaymentHandles } from '../../services/api-v1/payment-handles.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET and POST /api/v1/payment-handles: named rails with an execution mode (sdk, external, managed). */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/api/v1/payment-handles',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'List payment handles (the oldest is the default)',
      security: apiKeyAuth,
      response: apiResponses({ 200: z.array(paymentHandleSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listPaymentHandles({ ctx })),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/payment-handles',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Create a payment handle',
      description: 'railId: stripe, moonpay, evm, sandbox or custom:<name>; executionMode: sdk (the agent pays, then reports a receipt), external (an executor calls /payment/execute) or managed (Bursar executes through the rail).',
      security: apiKeyAuth,
      body: createPaymentHandleBody,
      response: apiResponses({ 201: paymentHandleSchema }),
    },
    handler: async (req, reply) => {
      const handle = await run(deps, req, (ctx) => createPaymentHandle({ ctx, input: req.body }));
      return reply.code(201).send(handle);
    },
  });
}
