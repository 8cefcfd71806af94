import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCopy } from '../../server/src/services/instance/backup.js';
import { api, spendBody, startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { bursar } from './support.js';

const bin = fileURLToPath(new URL('../bin/bursar.js', import.meta.url));

describe.skipIf(process.env.BURSAR_TEST_DATABASE === 'postgres')('bursar backup and restore (SQLite)', () => {
  let s: TestServer;
  let dir: string;
  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'bursar-backup-'));
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a copy under write load that opens and whose ledger verifies', async () => {
    let writing = true;
    let written = 0;
    const load = (async () => {
      while (writing) {
        const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1) });
        if (r.body.status === 'approved') {
          written++;
          await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: s.spend });
        }
      }
    })();
    const file = join(dir, 'copy.db');
    let r;
    try {
      while (written < 20) await new Promise((r) => setTimeout(r, 20));
      r = await bursar(['backup', file, '--data-dir', s.dataDir, '--json'], {});
      // Writes went on while the copy was made.
      const during = written;
      while (written < during + 5) await new Promise((r) => setTimeout(r, 20));
    } finally {
      writing = false;
      await load;
    }
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ integrity: 'ok', ledger: { ok: true }, key: 'match' });
    const copy = await checkCopy(file, null);
    expect(copy.integrity).toBe('ok');
    expect(copy.ledger.ok).toBe(true);
    expect(copy.ledger.transactions).toBeGreaterThan(20);
    expect(existsSync(`${file}-wal`)).toBe(false);
    // A backup never overwrites a file.
    expect((await bursar(['backup', file, '--data-dir', s.dataDir], {})).code).toBe(1);
  });

  it('restore refuses while the server has the database open, and restores once it is stopped', async () => {
    const file = join(dir, 'restore.db');
    expect((await bursar(['backup', file, '--data-dir', s.dataDir], {})).code).toBe(0);
    const busy = await bursar(['restore', file, '--data-dir', s.dataDir], {});
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/is in use \(a server has it open\)/);
    await s.server.close();
    const done = await bursar(['restore', file, '--data-dir', s.dataDir], {});
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/ledger ok .*\nthe database it replaced is kept as .*bursar\.db\.before-restore-/);
    const doctor = await bursar(['doctor', '--json', '--data-dir', s.dataDir], {});
    expect(JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'money.ledger').status).toBe('pass');
  });

  it('prints how to back up PostgreSQL instead of copying it', async () => {
    const r = await bursar(['backup', join(dir, 'x'), '--data-dir', dir], { DATABASE_URL: 'postgres://db.example/bursar' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pg_dump --format=custom/);
  });
});

describe('a closed stdout', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('ends `bursar ledger export` quietly when its reader closes early', async () => {
    const child = spawn(process.execPath, [bin, 'ledger', 'export', '--format', 'jsonl'], {
      env: { ...process.env, BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the command writes a line (as `| head -0` would).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
