import type { LedgerVerifyResult } from '@bursar/core';
import { verifyLedger } from '../../../ledger/ledger.js';
import { holdsExpiredBefore, walletHolds, workspacesInScope } from '../../../store/readiness.js';
import { duration, fail, pass, some, warn, type CheckDefinition, type ReadinessInput } from './check.js';

/** How long past its expiry a hold may wait for the sweeper (which runs every 15 s by default) before it is a finding. */
const SWEEP_GRACE_MS = 5 * 60_000;

/** verifyLedger's problem when the chain holds but a wallet's stored balances differ from its postings. */
const BALANCE_PROBLEM = /^stored balances|^wallet head/;

interface LedgerSummary {
  wallets: number;
  transactions: number;
  postings: number;
  broken: Array<NonNullable<LedgerVerifyResult['first_broken']>>;
}

/** Every hash chain of the workspaces in scope, replayed once per report and read by two checks. */
function replay({ db, scope, shared }: ReadinessInput): Promise<LedgerSummary> {
  return shared('ledger', async () => {
    const summary: LedgerSummary = { wallets: 0, transactions: 0, postings: 0, broken: [] };
    for (const ws of await workspacesInScope(db, scope)) {
      const v = await verifyLedger(db, ws.id);
      summary.wallets += v.wallets_checked;
      summary.transactions += v.transactions_checked;
      summary.postings += v.postings_checked;
      if (v.first_broken) summary.broken.push(v.first_broken);
    }
    return summary;
  });
}

const describe = (b: LedgerSummary['broken'][number]) => `wallet ${b.wallet_id}${b.transaction_id ? `, transaction ${b.transaction_id}` : ''}: ${b.problem}`;
const forensic = 'Stop the servers, keep a copy of the database as it is (evidence), and compare the broken transaction with your last good backup and the audit log; restore with `bursar restore` only once you know what changed.';

/** The money: the ledger's chains, balances against postings, holds against open requests, and holds past their expiry. */
export const moneyChecks: CheckDefinition[] = [
  {
    id: 'money.ledger',
    title: 'Ledger verified (every hash chain)',
    async run(input) {
      const s = await replay(input);
      const chain = s.broken.filter((b) => !BALANCE_PROBLEM.test(b.problem));
      if (chain.length > 0) return fail(`broken at ${chain.map(describe).join('; ')}`, forensic);
      return pass(`${s.wallets} wallets, ${s.transactions} transactions, ${s.postings} postings: every chain links, hashes and balances`);
    },
  },
  {
    id: 'money.balances',
    title: "Each wallet's balance equals the sum of its postings",
    async run(input) {
      const s = await replay(input);
      const off = s.broken.filter((b) => BALANCE_PROBLEM.test(b.problem));
      if (off.length > 0) return fail(off.map(describe).join('; '), forensic);
      const unreconciled = s.broken.length;
      if (unreconciled > 0) return warn(`not reconciled: ${unreconciled} workspace ledgers break before their balances can be compared`, 'Fix the broken chain first (see money.ledger).');
      return pass(`${s.wallets} wallets: available and held balances equal the sums of their postings`);
    },
  },
  {
    id: 'money.holds',
    title: 'Held money equals the open approved requests',
    async run({ db, scope }) {
      const wallets = await walletHolds(db, scope);
      const off = wallets.filter((w) => w.held_cents !== w.open_cents);
      if (off.length > 0) {
        return fail(
          some(off.map((w) => `wallet ${w.id} holds ${w.held_cents} cents but its open approved requests hold ${w.open_cents}`)),
          'A hold without its request (or a request without its hold) is money stuck or unaccounted: compare the wallet\'s ledger (`bursar ledger export`) with its approved spend requests.',
        );
      }
      const total = wallets.reduce((n, w) => n + w.held_cents, 0);
      return pass(`${wallets.length} wallets hold ${total} cents in all, exactly what their open approved requests hold`);
    },
  },
  {
    id: 'money.expired_holds',
    title: 'No hold past its expiry',
    async run({ db, scope, now }) {
      const late = await holdsExpiredBefore(db, scope, now - SWEEP_GRACE_MS, 20);
      if (late.length > 0) {
        const oldest = late[0]!;
        return fail(
          `${late.length === 20 ? 'at least 20' : late.length} approved holds expired more than ${duration(SWEEP_GRACE_MS)} ago (oldest ${oldest.id}, ${duration(now - (oldest.expires_at ?? now))} past)`,
          'The expiry sweeper is not running or keeps failing: check the server logs for "expiry sweep failed" and that BURSAR_SWEEP_INTERVAL_SECONDS is sane.',
        );
      }
      return pass(`no approved hold is more than ${duration(SWEEP_GRACE_MS)} past its expiry`);
    },
  },
];
