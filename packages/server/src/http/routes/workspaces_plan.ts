import { apiPlanSchema, idParam, setWorkspacePlanBody, workspacePlanSchema } from '@bursar/core';
import { getWorkspacePlan, setWorkspacePlan, workspacePlan } from '../../services/workspace/plans.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth, bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** A workspace's plan: set by the instance's root key, read by it or by the workspace's own management keys; and the /api/v1 view. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/workspaces/:id/plan',
    config: { auth: 'management' },
    schema: {
      tags: ['Workspaces'],
      summary: "A workspace's plan, its quotas and its usage",
      description: "A management key reads its own workspace's plan; the instance's root key any workspace's.",
      security: bearerAuth,
      params: idParam,
      response: responses({ 200: workspacePlanSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => getWorkspacePlan({ ctx, input: req.params })),
  });
  app.route({
    method: 'PUT',
    url: '/v1/workspaces/:id/plan',
    config: { auth: 'management' },
    schema: {
      tags: ['Workspaces'],
      summary: "Set a workspace's plan (root management key only)",
      description: 'free: 100 spend evaluations a day, 1 policy, 1 management key; pro and self_hosted: no quota. Audited; emits workspace.plan_updated in that workspace. Nothing that exists past a new quota is removed.',
      security: bearerAuth,
      params: idParam,
      body: setWorkspacePlanBody,
      response: responses({ 200: workspacePlanSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => setWorkspacePlan({ ctx, input: { id: req.params.id, plan: req.body.plan } })),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/plan',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: "The workspace's plan, its limits and its usage (the reference's plans table)",
      description: 'null is unlimited. evaluationsToday counts since 00:00 UTC.',
      security: apiKeyAuth,
      response: apiResponses({ 200: apiPlanSchema }),
    },
    handler: (req) =>
      run(deps, req, async (ctx) => {
        const p = await workspacePlan(ctx, ctx.workspace.id);
        return {
          plan: p.plan,
          limits: { evaluationsPerDay: p.limits.evaluations_per_day, policies: p.limits.policies, apiKeys: p.limits.api_keys },
          usage: { evaluationsToday: p.usage.evaluations_today, policies: p.usage.policies, apiKeys: p.usage.api_keys },
        };
      }),
  });
}
