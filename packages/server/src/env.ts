import { z } from 'zod';
import { isEncryptionKey } from './crypto/encryption.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const seconds = z.coerce.number().int().min(1);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4242),
  HOST: z.string().default('127.0.0.1'),
  BURSAR_DATA_DIR: z.string().default('./.bursar'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  // Same durability as one transaction each (every answer waits for its commit), fewer fsyncs.
  BURSAR_GROUP_COMMIT: bool.default(true),
  BURSAR_DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  BURSAR_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  BURSAR_DB_PREPARED_STATEMENTS: bool.default(true),
  BURSAR_DECISION_BATCH: bool.default(true),
  BURSAR_ADMIN_KEY: z
    .string()
    .regex(/^bmk_(test|live)_[A-Za-z0-9_-]{24,}$/, {
      error: 'must look like bmk_test_ or bmk_live_ followed by at least 24 letters, digits, - or _',
    })
    .optional(),
  // AES-256-GCM key for card numbers and CVCs; unset: generated into the data dir (0600).
  BURSAR_ENCRYPTION_KEY: z
    .string()
    .refine((v) => isEncryptionKey(v), {
      error: 'must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -base64 32)',
    })
    .optional(),
  BURSAR_SANDBOX: bool.default(true),
  BURSAR_PUBLIC_URL: z.url().optional(),
  // Browser origins besides the server's own that may call /mcp (the MCP guard against DNS rebinding).
  BURSAR_MCP_ALLOWED_ORIGINS: z
    .string()
    .refine((v) => v.split(',').every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim()) && URL.canParse(o.trim())), {
      error: 'must be comma-separated origins (scheme://host[:port]) such as https://app.example.com',
    })
    .optional()
    .transform((v) => (v === undefined ? [] : v.split(',').map((x) => new URL(x.trim()).origin))),
  BURSAR_RATE_LIMIT_RPS: z.coerce.number().min(0).default(50),
  BURSAR_RATE_LIMIT_BURST: z.coerce.number().min(0).default(100),
  // Brute-force throttle: this many failed authentications from one address within the window
  // answer 429 until the window ends (0 turns it off).
  BURSAR_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).default(20),
  BURSAR_AUTH_FAILURE_WINDOW_SECONDS: seconds.default(60),
  // Behind a load balancer: whose X-Forwarded-For to believe for the client's address (true:
  // any proxy's, or comma-separated proxy addresses/CIDRs). Unset: the connection's address.
  BURSAR_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, { error: 'must be true, false, or comma-separated proxy addresses or CIDRs' })
    .optional()
    .transform((v) => (v === undefined || v === 'false' ? false : v === 'true' ? true : v.split(',').map((x) => x.trim()))),
  // GET /metrics (Prometheus): open like /healthz unless a scrape token is set; off answers 404.
  BURSAR_METRICS: bool.default(true),
  BURSAR_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,}$/, { error: 'must be at least 16 printable characters without spaces (generate one with: openssl rand -hex 32)' })
    .optional(),
  BURSAR_APPROVAL_TTL_SECONDS: seconds.default(24 * 3600),
  BURSAR_HOLD_TTL_SECONDS: seconds.default(7 * 24 * 3600),
  BURSAR_IDEMPOTENCY_TTL_SECONDS: seconds.default(24 * 3600),
  // PostgreSQL: how often each process looks for signing keys another process created; a new key signs after 1.5× this.
  BURSAR_SIGNING_KEY_RELOAD_SECONDS: seconds.default(60),
  BURSAR_SWEEP_INTERVAL_SECONDS: z.coerce.number().min(0.05).default(15),
  BURSAR_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  BURSAR_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, { error: 'must be comma-separated delays in seconds, such as 5,300,1800' })
    .default('5,300,1800,7200,18000,36000,36000')
    .transform((s) => s.split(',').map((x) => Math.round(Number(x) * 1000))),
  BURSAR_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(15),
  BURSAR_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  BURSAR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Bursar's configuration, parsed once from the environment. */
export type Env = z.infer<typeof envSchema>;

/** Parses the environment; throws one readable error naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
