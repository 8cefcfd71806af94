import type { AuditEntry, LedgerTransaction } from '@bursar/sdk';
import type { Command } from 'commander';
import { apiOptions, client, guarded, usage } from '../api.js';

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('Verify and export the append-only ledger');

  apiOptions(ledger.command('verify'))
    .description('Replay every hash chain and balance; exit 1 if anything is broken')
    .addHelpText('after', '\nExamples:\n  $ BURSAR_API_KEY=bmk_test_… bursar ledger verify\n  $ bursar ledger verify --json | jq .first_broken')
    .action((opts: { url?: string; key?: string; json?: boolean }) =>
      guarded(async () => {
        const r = await client(opts).ledger.verify();
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (r.ok) process.stdout.write(`ledger ok: ${r.wallets_checked} wallets, ${r.transactions_checked} transactions verified\n`);
        else {
          const b = r.first_broken!;
          process.stdout.write(`ledger BROKEN at wallet ${b.wallet_id}${b.transaction_id ? `, transaction ${b.transaction_id}` : ''}: ${b.problem}\n`);
        }
        process.exitCode = r.ok ? 0 : 1;
      }),
    );

  ledger
    .command('export')
    .description('Write every ledger transaction to stdout, oldest first, one posting per CSV row or one transaction per JSON line')
    .option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)')
    .option('--key <key>', 'management key (env BURSAR_API_KEY)')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--audit', 'export the audit log (who changed what, before and after) instead of the ledger')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bursar ledger export --format csv > ledger.csv\n  $ bursar ledger export --format jsonl | jq .\n  $ bursar ledger export --audit --format jsonl > audit.jsonl',
    )
    .action((opts: { url?: string; key?: string; format: string; audit?: boolean }) =>
      guarded(async () => {
        if (opts.format !== 'csv' && opts.format !== 'jsonl') usage(`--format must be csv or jsonl, not '${opts.format}'`);
        const c = client(opts);
        if (opts.audit) {
          const entries: AuditEntry[] = [];
          for await (const x of c.paginate((q) => c.auditLog.list(q))) entries.push(x);
          entries.reverse();
          if (opts.format === 'jsonl') {
            for (const x of entries) process.stdout.write(`${JSON.stringify(x)}\n`);
            return;
          }
          process.stdout.write('id,created_at,actor_type,actor_id,action,object_type,object_id,before,after\n');
          for (const x of entries) {
            const cells = [x.id, x.created_at, x.actor_type, x.actor_id, x.action, x.object_type, x.object_id, x.before && JSON.stringify(x.before), x.after && JSON.stringify(x.after)];
            process.stdout.write(`${cells.map(csvCell).join(',')}\n`);
          }
          return;
        }
        const all: LedgerTransaction[] = [];
        for await (const x of c.paginate((q) => c.ledger.transactions(q))) all.push(x);
        all.reverse();
        if (opts.format === 'jsonl') {
          for (const x of all) process.stdout.write(`${JSON.stringify(x)}\n`);
          return;
        }
        process.stdout.write('transaction_id,created_at,wallet_id,sequence,type,spend_request_id,description,account,amount_cents,currency,hash\n');
        for (const x of all) {
          for (const p of x.postings) {
            process.stdout.write(
              `${[x.id, x.created_at, x.wallet_id, x.sequence, x.type, x.spend_request_id, x.description, p.account, p.amount_cents, p.currency, x.hash].map(csvCell).join(',')}\n`,
            );
          }
        }
      }),
    );
}
