import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chainEvents } from '@cco/transparency-log';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deportationFiling, handover, personalData, verification } from '../../../test/support/fixtures';
import { startTestApp, testPersonalDataKey, type TestApp } from '../../../test/support/testApp';
import { projectionsCaughtUp } from '../../api/test/projectionsSupport';
import { verifyExport } from './independentVerifier';

const run = promisify(execFile);
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ workers: true });
  dir = await mkdtemp(join(tmpdir(), 'cco-audit-'));
});
afterAll(() => t.close());

/** The CLI as an auditor runs it, against this test's database. */
async function audit(...args: string[]) {
  try {
    const { stdout } = await run('npx', ['tsx', 'services/audit/src/main.ts', ...args], {
      env: { ...process.env, DATABASE_URL: t.database.url, PERSONAL_DATA_KEY: testPersonalDataKey.toString('base64') },
      cwd: new URL('../../..', import.meta.url).pathname,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

async function completeDeportation(filedAt: string, completedAt: string) {
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');
  const { body } = await t.request('POST', '/v1/cases', { token: cn, body: { ...deportationFiling, occurredAt: filedAt } });
  await t.request('POST', `/v1/cases/${body.id}/identity-verification`, { token: kh, body: { ...verification, occurredAt: filedAt } });
  await t.request('POST', `/v1/cases/${body.id}/handover`, { token: kh, body: { ...handover, occurredAt: completedAt } });
  const done = await t.request('POST', `/v1/cases/${body.id}/completion`, { token: cn, body: { occurredAt: completedAt } });
  expect(done.status).toBe(200);
  return body.id as string;
}

it('exports the chain as NDJSON that an independent verifier reproduces; replay and stats re-derive the case and the figures', async () => {
  const first = await completeDeportation('2019-08-01T00:00:00Z', '2019-09-30T23:30:00-01:00'); // October in UTC
  await completeDeportation('2019-08-02T00:00:00Z', '2019-09-15T10:00:00Z');
  await completeDeportation('2018-01-02T00:00:00Z', '2018-02-01T00:00:00Z');
  while ((await chainEvents(t.database.db)) > 0);

  const today = new Date().toISOString().slice(0, 10);
  const out = join(dir, 'export.ndjson');
  const exported = await audit('export', '--from', today, '--to', today, '--out', out);
  expect(JSON.parse(exported.stdout)).toMatchObject({ links: 12 });
  expect(verifyExport(out)).toEqual({ ok: true, links: 12, firstBrokenPosition: null });
  // Personal data is sealed in the log, so it is sealed in the export too.
  const text = await readFile(out, 'utf8');
  for (const value of personalData) expect(text).not.toContain(value);

  expect(JSON.parse((await audit('verify')).stdout)).toMatchObject({ ok: true, checked: 12 });

  // A replay opens personal data: refused unless the operator is named, then recorded first.
  expect(await audit('replay', '--case', first)).toMatchObject({ code: 2 });
  expect(await audit('replay', '--case', first, '--operator', 'kh-auditor\nforged', '--party', 'KH')).toMatchObject({ code: 2 });
  const logged = async () =>
    (
      await sql<{ actor: string; party: string; issuer: string; resource: string }>`
      select actor, party, issuer, resource from personal_data_access where case_id = ${first} and resource = 'audit-replay'`.execute(
        t.database.db,
      )
    ).rows;
  expect(await logged()).toEqual([]);
  const replay = await audit('replay', '--case', first, '--operator', 'KH auditor SOK Dara', '--party', 'KH');
  expect(await logged()).toEqual([
    { actor: 'KH auditor SOK Dara', party: 'KH', issuer: expect.stringMatching(/^os:.+@.+/), resource: 'audit-replay' },
  ]);
  expect(replay.stdout).toMatch(/v1 RequestFiled .* → filed/);
  expect(replay.stdout).toMatch(/v4 DeportationCompleted .* → completed/);
  expect(replay.stdout).toContain('ZHANG Wei'); // the auditor opens what the key still opens

  await projectionsCaughtUp(t);
  const stats = await audit('stats', '--from', '2019-01-01', '--to', '2019-12-31', '--group-by', 'month');
  const months = [
    { key: '2019-09', count: 1 },
    { key: '2019-10', count: 1 },
  ];
  expect(JSON.parse(stats.stdout)).toEqual({
    from: '2019-01-01',
    to: '2019-12-31',
    total: 2,
    groups: months,
    live: { total: 2, groups: months },
    equal: true,
  });
  expect(stats.code).toBe(0);
});

it('a row altered with superuser SQL: the offline verifier and `audit verify` name that exact position', async () => {
  while ((await chainEvents(t.database.db)) > 0);
  const [row] = (
    await sql<{ position: string }>`select position from events where type = 'SuspectHandedOver' order by position limit 1`.execute(
      t.database.db,
    )
  ).rows;
  await sql`alter table events disable trigger events_immutable`.execute(t.database.db);
  await sql`update events set data = jsonb_set(data, '{place}', '"Bavet border crossing"') where position = ${row!.position}`.execute(
    t.database.db,
  );
  await sql`alter table events enable trigger events_immutable`.execute(t.database.db);

  const today = new Date().toISOString().slice(0, 10);
  const out = join(dir, 'tampered.ndjson');
  await audit('export', '--from', today, '--to', today, '--out', out);
  expect(verifyExport(out)).toMatchObject({ ok: false, firstBrokenPosition: row!.position });
  const verify = await audit('verify');
  expect(verify.code).toBe(1);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, firstBrokenPosition: row!.position });
});
