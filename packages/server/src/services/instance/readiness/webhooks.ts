import { outboxBacklog, webhookEndpointHealth } from '../../../store/readiness.js';
import { duration, fail, pass, warn, type CheckDefinition } from './check.js';

/** An endpoint failing this long without one success is a finding (it is disabled later, see the webhook worker). */
const FAILING_WARN_MS = 24 * 3600_000;
const OUTBOX_WARN_MS = 5 * 60_000;
const OUTBOX_FAIL_MS = 3600_000;

/** Webhooks: each endpoint's last success and failures, and how far the outbox lags. */
export const webhookChecks: CheckDefinition[] = [
  {
    id: 'webhooks.endpoints',
    title: 'Webhook endpoints delivering',
    async run({ db, scope, now }) {
      const endpoints = await webhookEndpointHealth(db, scope);
      if (endpoints.length === 0) return pass('no webhook endpoints');
      const lines = endpoints.map((e) => {
        const last = e.last_success_at === null ? 'never succeeded' : `last success ${duration(now - e.last_success_at)} ago`;
        const failing = e.failing_since === null ? '' : `, failing since ${duration(now - e.failing_since)} ago`;
        return `${e.id} ${e.url} (${e.status}): ${last}${failing}, ${e.pending} pending`;
      });
      const bad = endpoints.filter((e) => e.status !== 'enabled' || (e.failing_since !== null && now - e.failing_since >= FAILING_WARN_MS));
      if (bad.length > 0) {
        return warn(
          lines.join('; '),
          `Fix the receiver of ${bad.map((e) => e.id).join(', ')} (its deliveries and their errors: \`bursar webhooks deliveries <id>\`), then re-enable it and retry what failed.`,
        );
      }
      return pass(lines.join('; '));
    },
  },
  {
    id: 'webhooks.outbox',
    title: 'Outbox lag',
    async run({ db, scope, now }) {
      const { waiting, oldest_at } = await outboxBacklog(db, scope);
      if (waiting === 0 || oldest_at === null) return pass('every event has been handed to delivery');
      const lag = now - oldest_at;
      const evidence = `${waiting} events waiting, oldest ${duration(lag)} old`;
      const fix = 'The webhook worker is not keeping up or not running: check the server logs, and that a server process is up.';
      if (lag > OUTBOX_FAIL_MS) return fail(evidence, fix);
      if (lag > OUTBOX_WARN_MS) return warn(evidence, fix);
      return pass(evidence);
    },
  },
];
