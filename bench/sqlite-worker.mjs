// Would moving SQLite to a worker thread help? A decision-shaped transaction (the request row and
// five secondary indexes, an event, an audit entry, a ledger transaction, an idempotency record,
// two counter upserts and the wallet head, synchronous=FULL in WAL mode like the server) run
//   1. on the main thread, as the server does today;
//   2. in a worker thread, one message round trip per transaction;
//   3. on the main thread, 64 decisions per transaction (a decision batch: one commit);
//   4. in a worker thread, 64 per message and per transaction.
// Prints transactions/s and how busy the main thread was: the time a worker frees is what HTTP
// parsing, signing and serialising could use. `node bench/sqlite-worker.mjs` (BENCH_TX=20000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const N = Number(process.env.BENCH_TX ?? 20_000);

function open(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    create table if not exists spend (id text primary key, ws text, agent text, policy text, status text, merchant text, amount integer, created integer, body text);
    create index if not exists s1 on spend(ws, id); create index if not exists s2 on spend(agent, created);
    create index if not exists s3 on spend(policy, created); create index if not exists s4 on spend(status, created);
    create index if not exists s5 on spend(ws, merchant);
    create table if not exists events (id text primary key, ws text, type text, data text, created integer);
    create table if not exists audit (id text primary key, ws text, action text, after text, created integer);
    create table if not exists ledger (id text primary key, wallet text, seq integer, postings text, hash text);
    create table if not exists idem (key text primary key, response text, created integer);
    create table if not exists counters (policy text, period text, window text, spent integer, held integer, primary key (policy, period, window));
    create table if not exists wallets (id text primary key, seq integer, available integer, held integer);
    insert or ignore into wallets values ('wal_1', 0, 1000000000000, 0);
  `);
  const st = {
    spend: db.prepare('insert into spend values (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    event: db.prepare('insert into events values (?, ?, ?, ?, ?)'),
    audit: db.prepare('insert into audit values (?, ?, ?, ?, ?)'),
    ledger: db.prepare('insert into ledger values (?, ?, ?, ?, ?)'),
    idem: db.prepare('insert into idem values (?, ?, ?)'),
    counter: db.prepare('insert into counters values (?, ?, ?, 0, ?) on conflict do update set held = held + excluded.held'),
    wallet: db.prepare("update wallets set seq = seq + 1, available = available - ?, held = held + ? where id = 'wal_1'"),
  };
  const body = JSON.stringify({ merchant_name: 'OpenAI', reason: 'x'.repeat(120), amount_cents: 1234 });
  const one = db.transaction((i) => {
    const id = `req_${process.pid}_${i}`;
    st.spend.run(id, 'ws_1', 'agt_1', 'pol_1', 'approved', 'openai', 1234, Date.now(), body);
    st.event.run(`evt_${id}`, 'ws_1', 'spend_request.approved', body, Date.now());
    st.audit.run(`aud_${id}`, 'ws_1', 'spend_request.decided', body, Date.now());
    st.ledger.run(`txn_${id}`, 'wal_1', i, body, 'h'.repeat(64));
    st.idem.run(`idem_${id}`, body, Date.now());
    st.counter.run('pol_1', 'monthly', '2026-12', 1234);
    st.counter.run('pol_1', 'daily', '2026-12-05', 1234);
    st.wallet.run(1234, 1234);
  });
  const many = db.transaction((from, count) => {
    for (let i = from; i < from + count; i++) one(i);
  });
  return { db, one, many };
}

if (!isMainThread) {
  const { many } = open(workerData.file);
  parentPort.on('message', ({ from, count }) => {
    many(from, count);
    parentPort.postMessage(count);
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-sqlite-worker-'));
  const rows = [];
  const measure = async (name, run) => {
    const t0 = performance.now();
    const elu0 = performance.eventLoopUtilization();
    await run();
    const ms = performance.now() - t0;
    const busy = performance.eventLoopUtilization(elu0).utilization;
    rows.push({ name, perSecond: Math.round((N / ms) * 1000), mainBusy: busy });
  };

  const inline = open(join(dir, 'inline.db'));
  await measure('main thread, one transaction each', async () => {
    for (let i = 0; i < N; i++) inline.one(i);
  });
  await measure('main thread, 64 per transaction', async () => {
    for (let i = 0; i < N; i += 64) inline.many(N + i, Math.min(64, N - i));
  });
  inline.db.close();

  for (const [name, per] of [['worker, one round trip per transaction', 1], ['worker, 64 transactions per message', 64]]) {
    const worker = new Worker(new URL(import.meta.url), { workerData: { file: join(dir, `worker-${per}.db`) } });
    const ask = (from, count) => new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage({ from, count });
    });
    await ask(-1, 0);
    await measure(name, async () => {
      for (let i = 0; i < N; i += per) await ask(i, Math.min(per, N - i));
    });
    await worker.terminate();
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`SQLite on a worker thread — ${N} decision-shaped transactions, synchronous=FULL, WAL`);
  console.log('| how | transactions/s | main thread busy |\n|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.perSecond.toLocaleString('en-US')} | ${Math.round(r.mainBusy * 100)} % |`);
}
