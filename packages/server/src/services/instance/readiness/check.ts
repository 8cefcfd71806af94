import { z } from 'zod';
import type { SecretBox } from '../../../crypto/encryption.js';
import type { DatabaseKind, Executor } from '../../../db/database.js';
import type { ReadinessScope } from '../../../store/readiness.js';

export const readinessStatus = z.enum(['pass', 'warn', 'fail']);
export type ReadinessStatus = z.infer<typeof readinessStatus>;

/** One check's verdict: what was looked at (evidence) and, unless it passed, what to do (fix). */
export const readinessCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: readinessStatus,
  evidence: z.string(),
  fix: z.string().nullable(),
});
export type ReadinessCheck = z.infer<typeof readinessCheckSchema>;

/** The go-live report: ok when no check failed (warnings are for a person to weigh). */
export const readinessReportSchema = z.object({
  object: z.literal('readiness'),
  ok: z.boolean(),
  checks: z.array(readinessCheckSchema),
});
export type ReadinessReport = z.infer<typeof readinessReportSchema>;

/**
 * How the process that runs the checks is set up: from its Env when `bursar doctor` reads the
 * data directly, from what the running server shows of itself for GET /v1/readiness.
 */
export interface ReadinessSettings {
  version: string;
  /** Seconds the server has been up; null when the data is inspected without a running server. */
  uptimeSeconds: number | null;
  /** BURSAR_PUBLIC_URL (or the URL the server answers on); null when unset. */
  publicUrl: string | null;
  rateLimit: { enabled: boolean; detail: string };
  /**
   * Where the encryption key comes from ('unknown' when this process cannot tell), the key file
   * it would be read from, and the key itself (to compare with the database's fingerprint).
   */
  encryptionKey: { source: 'env' | 'file' | 'unknown'; file: string | null; box: SecretBox | null };
}

/** What every check reads: the database (inside one read transaction), whose workspaces, the settings and the time. */
export interface ReadinessInput {
  db: Executor;
  kind: DatabaseKind;
  scope: ReadinessScope;
  settings: ReadinessSettings;
  now: number;
  /** Some workspace in scope is live: what only warns in a sandbox fails there. */
  live: boolean;
  /** Computes `fn` once per report under `key`, for checks that read the same thing. */
  shared<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export type Verdict = Omit<ReadinessCheck, 'id' | 'title'>;

/** A check in the registry: its id, its title, and how it decides. */
export interface CheckDefinition {
  id: string;
  title: string;
  run(input: ReadinessInput): Promise<Verdict>;
}

export const pass = (evidence: string): Verdict => ({ status: 'pass', evidence, fix: null });
export const warn = (evidence: string, fix: string): Verdict => ({ status: 'warn', evidence, fix });
export const fail = (evidence: string, fix: string): Verdict => ({ status: 'fail', evidence, fix });
/** Fails in a live instance, warns in a sandbox one. */
export const failIfLive = (live: boolean, evidence: string, fix: string): Verdict => (live ? fail(evidence, fix) : warn(evidence, fix));

/** A duration for people: 45s, 12m, 3h 5m, 2d 4h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** At most `max` items, then how many more. */
export function some(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
