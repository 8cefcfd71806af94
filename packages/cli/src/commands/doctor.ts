import type { Command } from 'commander';
import { checkReadiness, openForInspection, parseEnv, settingsFromEnv, VERSION, type ReadinessCheck, type ReadinessReport } from '@bursar/server';
import { client, guarded, usage } from '../api.js';

interface DoctorOptions {
  url?: string;
  key?: string;
  dataDir?: string;
  json?: boolean;
  markdown?: boolean;
}

const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

function counts(report: ReadinessReport): string {
  const n = (s: ReadinessCheck['status']) => report.checks.filter((c) => c.status === s).length;
  return `${n('pass')} pass, ${n('warn')} warn, ${n('fail')} fail`;
}

function human(report: ReadinessReport, against: string): string {
  const lines = [`Bursar readiness of ${against}: ${counts(report)}, ${report.ok ? 'nothing fails' : 'NOT READY'}`, ''];
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    lines.push(`${mark[c.status]}  ${c.id.padEnd(width)}  ${c.title}`, `      ${c.evidence}`);
    if (c.fix) lines.push(`      fix: ${c.fix}`);
  }
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The go-live packet: the report as a Markdown document to attach to the go/no-go decision. */
function markdown(report: ReadinessReport, against: string, at: Date): string {
  return [
    '# Bursar go-live packet',
    '',
    `Checked ${against} at ${at.toISOString()} with bursar ${VERSION}.`,
    '',
    `**${report.ok ? 'Go: no check fails' : 'No-go: at least one check fails'}** (${counts(report)}).`,
    '',
    '| Status | Check | Evidence | Fix |',
    '|---|---|---|---|',
    ...report.checks.map((c) => `| ${mark[c.status]} | ${cell(c.title)} (\`${c.id}\`) | ${cell(c.evidence)} | ${c.fix ? cell(c.fix) : ''} |`),
    '',
    '## Not checked here (attach evidence by hand)',
    '',
    '- Rollback: the last backup (`bursar backup` on SQLite, `pg_dump` on PostgreSQL) was restored on a spare host and its ledger verified.',
    '- Provider and rail: live credentials of the payment rail were tested with a small real payment.',
    '- Support: who is on call for declined payments and stuck approvals, and how agents\' owners reach them.',
    '',
  ].join('\n');
}

/** A progress line per check on a terminal, each replacing the last (on stderr, so --json stays clean). */
function progress(): ((check: ReadinessCheck, index: number, total: number) => void) | undefined {
  if (!process.stdout.isTTY) return undefined;
  return (check, index, total) => {
    process.stderr.write(`\r\x1b[K[${index}/${total}] ${check.id}: ${check.status}${index === total ? '\r\x1b[K' : ''}`);
  };
}

/** Reads the data directly: the data dir's SQLite file, or DATABASE_URL's PostgreSQL, with this environment's settings. */
async function inspectDirectly(dataDir: string | undefined): Promise<{ report: ReadinessReport; against: string }> {
  let env;
  try {
    env = parseEnv({ ...process.env, ...(dataDir !== undefined ? { BURSAR_DATA_DIR: dataDir } : {}) });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  const inspection = openForInspection({ databaseUrl: env.DATABASE_URL, dataDir: env.BURSAR_DATA_DIR });
  try {
    const report = await checkReadiness({
      db: inspection.db,
      kind: inspection.kind,
      scope: null,
      settings: settingsFromEnv(env, VERSION),
      onCheck: progress(),
    });
    return { report, against: env.DATABASE_URL ? 'the PostgreSQL database at DATABASE_URL' : `the data dir ${env.BURSAR_DATA_DIR}` };
  } finally {
    await inspection.close();
  }
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check what going live needs (server, money, live mode, webhooks, secrets, backups); exit 1 if any check fails')
    .option('--url <url>', 'ask the server at this URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--key <key>', 'management key (env BURSAR_API_KEY)')
    .option('-d, --data-dir <dir>', 'read this data dir directly instead of asking a server (or set DATABASE_URL)')
    .option('--json', 'print the report as JSON')
    .option('--markdown', 'print the go-live packet as Markdown')
    .addHelpText(
      'after',
      `
Examples:
  $ BURSAR_API_KEY=bmk_live_… bursar doctor --url https://bursar.example.com
  $ bursar doctor --data-dir /var/lib/bursar --markdown > go-live.md
  $ DATABASE_URL=postgres://… bursar doctor --json | jq '.checks[] | select(.status != "pass")'

Asking a server needs a management key (a root key sees every workspace). Reading the data
directly opens the database read-only and never migrates it; the settings checked are those of
this environment, so run it with the server's environment.
Exit codes: 0 nothing fails (warnings allowed), 1 a check fails, 2 usage error, 3 API or network error.`,
    )
    .action((opts: DoctorOptions) =>
      guarded(async () => {
        if (opts.json && opts.markdown) usage('choose one of --json and --markdown');
        const key = opts.key ?? process.env.BURSAR_API_KEY;
        const direct = opts.dataDir !== undefined || (!key && process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '');
        if (!direct && !key) usage('no management key: set BURSAR_API_KEY or pass --key to ask a server, or pass --data-dir (or set DATABASE_URL) to read the data directly');
        let report: ReadinessReport;
        let against: string;
        if (direct) ({ report, against } = await inspectDirectly(opts.dataDir));
        else {
          const c = client({ ...opts, key });
          if (process.stdout.isTTY) process.stderr.write(`\r\x1b[Kasking ${c.baseUrl} …`);
          report = await c.request<ReadinessReport>({ method: 'GET', path: '/v1/readiness' });
          if (process.stdout.isTTY) process.stderr.write('\r\x1b[K');
          against = c.baseUrl;
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else if (opts.markdown) process.stdout.write(markdown(report, against, new Date()));
        else process.stdout.write(`${human(report, against)}\n`);
        process.exitCode = report.ok ? 0 : 1;
      }),
    );
}
