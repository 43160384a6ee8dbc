import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readCaseEvents } from '@cco/case-records';
import { verifyChain } from '@cco/event-store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// `npm run import`: a back-fill from NDJSON, sealed, chained, refused whole when run twice.
const run = promisify(execFile);
const kek = Buffer.alloc(32, 'cli-import-kek');
let t: TestDatabase<any>;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'cco-import-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const metadata = { actor: 'kh-archive', party: 'KH', roles: ['officer'], correlationId: 'archive-2017', causationId: null };
const line = (caseId: string) =>
  JSON.stringify({
    caseId,
    events: [
      {
        type: 'RequestFiled',
        occurredAt: '2017-03-01T02:00:00Z',
        data: {
          kind: 'deportation', requestingParty: 'CN', requestedParty: 'KH',
          subject: { names: [{ script: 'Latn', value: 'WU Archive' }], nationality: 'CN', documents: [{ type: 'passport', number: 'E11112222', issuingCountry: 'CN' }] },
          offences: [{ category: 'online_gambling' }], warrant: { reference: 'W-9', issuedBy: 'Fuzhou PSB', issuedOn: '2017-01-09' },
        },
        metadata,
      },
      { type: 'IdentityVerified', occurredAt: '2017-03-20T02:00:00Z', data: { nationalityConfirmed: true, confirmedNationality: 'CN' }, metadata },
    ],
  });

const importFile = (file: string) =>
  run(process.execPath, ['--import', 'tsx', 'services/api/src/cli/import.ts', file, '--batch', '2'], {
    env: { ...process.env, DATABASE_URL: t.url, PERSONAL_DATA_KEY: kek.toString('base64') },
  });

it('imports cases from NDJSON, sealed and chained; the same file again is refused and adds nothing', async () => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const file = join(dir, 'cases.ndjson');
  writeFileSync(file, `${ids.map(line).join('\n')}\n`);
  const { stdout } = await importFile(file);
  expect(stdout).toMatch(/imported 3 cases, 6 events/);

  const opened = await readCaseEvents(t.db, kek, ids[1]!);
  expect(opened.map((e) => e.type)).toEqual(['RequestFiled', 'IdentityVerified']);
  expect((opened[0]!.data as { subject: { names: unknown } }).subject.names).toEqual([{ script: 'Latn', value: 'WU Archive' }]);
  const rows = await t.db.selectFrom('events').select('data').where('stream_id', '=', ids[1]!).where('type', '=', 'RequestFiled').execute();
  expect(JSON.stringify(rows[0]!.data)).not.toContain('WU Archive');
  expect(await verifyChain(t.db)).toMatchObject({ ok: true, checked: 6 });

  await expect(importFile(file)).rejects.toMatchObject({ stderr: expect.stringMatching(/refused, nothing of it stored/) });
  const { count } = (await t.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow());
  expect(Number(count)).toBe(6);
});
