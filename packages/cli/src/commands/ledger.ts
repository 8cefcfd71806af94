import type { Command } from 'commander';
import { getJson, guarded, target } from '../api.js';

interface Posting {
  account: string;
  amount_cents: number;
  currency: string;
}
interface Txn {
  id: string;
  wallet_id: string;
  sequence: number;
  type: string;
  spend_request_id: string | null;
  description: string;
  postings: Posting[];
  prev_hash: string;
  hash: string;
  created_at: string;
}
interface Verify {
  ok: boolean;
  wallets_checked: number;
  transactions_checked: number;
  first_broken: { wallet_id: string; transaction_id: string | null; problem: string } | null;
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('Verify and export the append-only ledger');
  const common = (c: Command) =>
    c.option('--url <url>', 'API URL (env BURSAR_API_URL, default http://127.0.0.1:4242)').option('--key <key>', 'management key (env BURSAR_API_KEY)');

  common(ledger.command('verify'))
    .description('Replay every hash chain and balance; exit 1 if anything is broken')
    .option('--json', 'print the raw result')
    .addHelpText('after', '\nExample:\n  $ BURSAR_API_KEY=bmk_test_… bursar ledger verify')
    .action((opts: { url?: string; key?: string; json?: boolean }) =>
      guarded(async () => {
        const r = await getJson<Verify>(target(opts), '/v1/ledger/verify');
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (r.ok) process.stdout.write(`ledger ok: ${r.wallets_checked} wallets, ${r.transactions_checked} transactions verified\n`);
        else {
          const b = r.first_broken!;
          process.stdout.write(`ledger BROKEN at wallet ${b.wallet_id}${b.transaction_id ? `, transaction ${b.transaction_id}` : ''}: ${b.problem}\n`);
        }
        process.exitCode = r.ok ? 0 : 1;
      }),
    );

  common(ledger.command('export'))
    .description('Write every ledger transaction to stdout, oldest first, one posting per CSV row or one transaction per JSON line')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .addHelpText('after', '\nExamples:\n  $ bursar ledger export --format csv > ledger.csv\n  $ bursar ledger export --format jsonl | jq .')
    .action((opts: { url?: string; key?: string; format: string }) =>
      guarded(async () => {
        if (opts.format !== 'csv' && opts.format !== 'jsonl') {
          process.stderr.write(`bursar: --format must be csv or jsonl, not '${opts.format}'\n`);
          process.exit(2);
        }
        const t = target(opts);
        const all: Txn[] = [];
        let cursor: string | null = null;
        do {
          const q: string = `/v1/ledger/transactions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const page: { data: Txn[]; next_cursor: string | null } = await getJson(t, q);
          all.push(...page.data);
          cursor = page.next_cursor;
        } while (cursor);
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
