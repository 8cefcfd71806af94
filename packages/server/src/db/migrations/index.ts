import type { Migration, MigrationProvider } from 'kysely';
import type { DatabaseKind } from '../database.js';
import { foundation } from './0001_foundation.js';
import { webhooks } from './0002_webhooks.js';
import { signing } from './0003_signing.js';
import { controlPlane } from './0004_control_plane.js';
import { policyApi } from './0005_policy_api.js';
import { dashboard } from './0006_dashboard.js';
import { cards } from './0007_cards.js';
import { audit } from './0008_audit.js';
import { paymentsExecution } from './0010_payments_execution.js';
import { cancellationReason } from './0011_cancellation_reason.js';
import { budgetAlerts } from './0012_budget_alerts.js';
import { policyVersions } from './0013_policy_versions.js';
import { approvalQuorum } from './0014_approval_quorum.js';
import { approvalFigure } from './0015_approval_figure.js';
import { signingKeyActivation } from './0016_signing_key_activation.js';

/**
 * The versioned schema, in order, each under the name the migrations table records it by (and
 * its file is named after). Append-only: never edit or rename a migration that has shipped, add
 * the next file. Written with Kysely's schema builder so the same set runs on SQLite and PostgreSQL.
 */
const migrations: Record<string, (kind: DatabaseKind) => Migration> = {
  '0001_foundation': foundation,
  '0002_webhooks': webhooks,
  '0003_signing': signing,
  '0004_control_plane': controlPlane,
  '0005_policy_api': policyApi,
  '0006_dashboard': dashboard,
  '0007_cards': cards,
  '0008_audit': audit,
  '0010_payments_execution': paymentsExecution,
  '0011_cancellation_reason': cancellationReason,
  '0012_budget_alerts': budgetAlerts,
  '0013_policy_versions': policyVersions,
  '0014_approval_quorum': approvalQuorum,
  '0015_approval_figure': approvalFigure,
  '0016_signing_key_activation': signingKeyActivation,
};

/** Every migration, written for the database `kind` it will run on. */
export function migrationProvider(kind: DatabaseKind): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(Object.entries(migrations).map(([name, forKind]) => [name, forKind(kind)]));
    },
  };
}
