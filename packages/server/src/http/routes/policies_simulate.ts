import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { BursarError, idParam, policySimulationSchema, simulatePolicyBody } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { simulatePolicy, type SimulationProgress } from '../../services/policies/simulation.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** The media type that asks for progress lines before the result. */
export const PROGRESS_STREAM = 'application/x-ndjson';

function wantsProgress(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').split(',').some((t) => t.split(';')[0]!.trim().toLowerCase() === PROGRESS_STREAM);
}

/**
 * The replay as NDJSON: `{"object":"progress","evaluated","total"}` lines, then the
 * `policy_simulation` line. A failure found before the replay begins (unknown policy, bad range)
 * is the usual error response; one during it is a last line `{"error":{code,message,request_id}}`.
 * A client that goes away stops the replay.
 */
async function streamSimulation(deps: Deps, req: FastifyRequest, reply: FastifyReply, input: Parameters<typeof simulatePolicy>[0]['input']) {
  const out = new PassThrough();
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  // A line per whole percent at most: enough for a progress bar, at most 101 lines whatever the history's length.
  let lastPercent = -1;
  const line = async (o: object) => {
    if (!out.write(`${JSON.stringify(o)}\n`)) await once(out, 'drain', { signal: gone.signal });
  };
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const progress = async (p: SimulationProgress) => {
    const percent = p.total === 0 ? 100 : Math.floor((p.evaluated * 100) / p.total);
    if (percent === lastPercent) return;
    lastPercent = percent;
    await line({ object: 'progress', ...p });
    begin();
  };
  const done = run(deps, req, (ctx) => simulatePolicy({ ctx, input, watcher: { progress, signal: gone.signal } }));
  await Promise.race([begun, done]);
  done.then(
    (result) => out.end(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      if (gone.signal.aborted) return void out.destroy();
      if (!(err instanceof BursarError)) req.log.error({ err }, 'simulation failed while streaming');
      const [code, message] = err instanceof BursarError ? [err.code, err.message] : ['internal_error', 'Something went wrong on our side; the request id identifies it in the logs'];
      out.end(`${JSON.stringify({ error: { code, message, request_id: req.id } })}\n`);
    },
  );
  return reply.type(PROGRESS_STREAM).header('cache-control', 'no-store').send(out);
}

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/policies/:id/simulate',
    config: { auth: 'management' },
    schema: {
      tags: ['Policies'],
      summary: 'Backtest a policy change',
      description:
        'Replays the decisions recorded under this policy from `from` to `to` (default: the last 30 days), oldest first, ' +
        'under `draft` applied over the current policy, with budgets consumed as the draft would have consumed them, and ' +
        'counts what would change. Changes nothing. The wallet is not replayed: a request it could not cover stays declined.\n\n' +
        `Progress: with \`Accept: ${PROGRESS_STREAM}\` the answer is newline-delimited JSON: ` +
        '`{"object":"progress","evaluated":N,"total":M}` lines (the first at once, then one per whole percent at most), then the ' +
        '`policy_simulation` object as the last line. An error found before the replay starts is the usual error response; ' +
        'one during it is a last line `{"error":{…}}`.',
      security: bearerAuth,
      params: idParam,
      body: simulatePolicyBody,
      response: responses({ 200: policySimulationSchema }),
    },
    handler: (req, reply) => {
      const input = { id: req.params.id, ...req.body };
      if (wantsProgress(req)) return streamSimulation(deps, req, reply, input);
      return run(deps, req, (ctx) => simulatePolicy({ ctx, input }));
    },
  });
}
