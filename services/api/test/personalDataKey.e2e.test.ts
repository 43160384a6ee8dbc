import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signDevelopmentToken } from '@cco/dev-auth';
import { deportationFiling, serverProcess } from '@cco/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// One personal-data key for the life of a database, every process held to it: the service
// (services/api/dist/main.mjs), `npm run import` and `npm run audit -- replay` refuse another
// key in one line; `npm run rotate-personal-data-key` moves the database to a new key, after
// which the old one is refused too.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cco-personal-data-key-'));
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

const base = () => ({ ...process.env, NODE_ENV: 'development', DATABASE_URL: db.url, DATA_DIR: dir, PERSONAL_DATA_KEY: undefined });
const cn = signDevelopmentToken({ sub: 'cn-officer', party: 'CN', roles: ['officer'] });
const kh = signDevelopmentToken({ sub: 'kh-officer', party: 'KH', roles: ['officer'] });

/** Runs a process to its end: exit code, and what it wrote. */
function run(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const startService = (key: string) =>
  run(['--enable-source-maps', 'services/api/dist/main.mjs'], { ...base(), PORT: '0', PERSONAL_DATA_KEY: key });
const cli = (entry: string, args: string[], env: Record<string, string | undefined>) =>
  run(['--import', 'tsx', entry, ...args], { ...base(), ...env });

/** One line on stderr, no stack trace, exit 1. */
function expectRefusal(result: { code: number | null; stderr: string }, message: RegExp) {
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

async function serving<T>(key: string, work: (url: string) => Promise<T>): Promise<T> {
  const server = await serverProcess({ NODE_ENV: 'development', DATABASE_URL: db.url, DATA_DIR: dir, PERSONAL_DATA_KEY: key });
  await server.start();
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

it('refuses another key everywhere; a rotation moves the database to a new key and retires the old', async () => {
  const caseId = await serving(keyA, async (url) => {
    const filed = await fetch(`${url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cn}`, 'content-type': 'application/json' },
      body: JSON.stringify(deportationFiling),
    });
    expect(filed.status).toBe(201);
    return ((await filed.json()) as { id: string }).id;
  });
  const name = deportationFiling.subject.names[0]!.value;
  const events = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(db.db)).rows[0]!.n);

  // The service on another key: refused before it serves (today: healthy, then 500 on the case).
  expectRefusal(
    startService(keyB),
    /^refusing to start: PERSONAL_DATA_KEY does not match the key this database was sealed with \(fingerprint [0-9a-f]{16}\)/,
  );

  // The CLIs without the key fall back to the development key: refused, nothing read or written.
  const file = join(dir, 'one.ndjson');
  writeFileSync(file, `${JSON.stringify({ caseId: crypto.randomUUID(), events: [] })}\n`);
  const before = await events();
  expectRefusal(
    cli('services/api/src/cli/import.ts', [file], {}),
    /does not match the key this database was sealed with.*PERSONAL_DATA_KEY/,
  );
  expect(await events()).toBe(before);
  const replay = cli('services/audit/src/main.ts', ['replay', '--case', caseId, '--operator', 'auditor-1', '--party', 'KH'], {});
  expectRefusal(replay, /does not match the key this database was sealed with.*PERSONAL_DATA_KEY/);
  expect(replay.stdout).not.toContain(name);

  // Rotation: refused to the same key, or from a key that is not the current one.
  const rotate = (current: string, next: string) =>
    cli('services/api/src/cli/rotatePersonalDataKey.ts', [], { PERSONAL_DATA_KEY: current, NEW_PERSONAL_DATA_KEY: next });
  expectRefusal(rotate(keyA, keyA), /refused, nothing changed: the new key is the current key/);
  expectRefusal(rotate(keyB, randomBytes(32).toString('base64')), /refused, nothing changed: .*does not match/);
  const rotated = rotate(keyA, keyB);
  expect(rotated.stderr).toBe('');
  expect(rotated.code).toBe(0);
  expect(rotated.stdout).toMatch(/epoch 1 retired, epoch 2 current; 1 subject keys re-wrapped/);

  // The new key opens the case; the old one is refused by the service and the CLIs.
  await serving(keyB, async (url) => {
    const view = await fetch(`${url}/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${kh}` } });
    expect(view.status).toBe(200);
    expect(JSON.stringify(await view.json())).toContain(name);
  });
  expectRefusal(startService(keyA), /^refusing to start: PERSONAL_DATA_KEY is the key of epoch 1 .*retired by a rotation/);
  expectRefusal(
    cli('services/audit/src/main.ts', ['replay', '--case', caseId, '--operator', 'auditor-1', '--party', 'KH'], {
      PERSONAL_DATA_KEY: keyA,
    }),
    /retired by a rotation/,
  );
  expect(
    cli('services/audit/src/main.ts', ['replay', '--case', caseId, '--operator', 'auditor-1', '--party', 'KH'], { PERSONAL_DATA_KEY: keyB })
      .stdout,
  ).toContain(name);
}, 180_000);
