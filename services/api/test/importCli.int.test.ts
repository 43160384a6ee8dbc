import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readCaseEvents } from '@cco/cases';
import { verifyChain } from '@cco/transparency-log';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// `npm run import`: a back-fill from NDJSON, sealed, chained, refused whole when run twice.
const run = promisify(execFile);
// Random-looking: a key of few distinct bytes is refused.
const kek = createHash('sha256').update('cli-import-kek').digest();
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

const cnOfficer = { actor: 'cn-archive', party: 'CN', roles: ['officer'], correlationId: 'archive-2017', causationId: null };
const khOfficer = { actor: 'kh-archive', party: 'KH' }; // roles, correlation and causation defaulted
const line = (caseId: string) =>
  JSON.stringify({
    caseId,
    events: [
      {
        type: 'RequestFiled',
        occurredAt: '2017-03-01T02:00:00Z',
        data: {
          kind: 'deportation',
          requestingParty: 'CN',
          requestedParty: 'KH',
          subject: {
            names: [{ script: 'Latn', value: 'WU Archive' }],
            nationality: 'CN',
            documents: [{ type: 'passport', number: 'E11112222', issuingCountry: 'CN' }],
          },
          offences: [{ category: 'online_gambling' }],
          warrant: { reference: 'W-9', issuedBy: 'Fuzhou PSB', issuedOn: '2017-01-09' },
        },
        metadata: cnOfficer,
      },
      {
        type: 'IdentityVerified',
        occurredAt: '2017-03-20T02:00:00Z',
        data: { nationalityConfirmed: true, confirmedNationality: 'CN' },
        metadata: khOfficer,
      },
    ],
  });

const importFile = (file: string, ...flags: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'services/api/src/cli/import.ts', file, '--batch', '2', ...flags], {
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

  await expect(importFile(file)).rejects.toMatchObject({ stderr: expect.stringMatching(/refused: .*nothing of this batch was stored/) });
  const { count } = await t.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  expect(Number(count)).toBe(6);
});

const eventCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );

it('the defaults: roles officer, one correlation id per case, each event caused by the one before', async () => {
  const id = randomUUID();
  const file = join(dir, 'defaults.ndjson');
  writeFileSync(file, `${line(id)}\n`);
  await importFile(file);
  const [filed, verified] = await readCaseEvents(t.db, kek, id);
  expect(verified!.metadata).toMatchObject({ actor: 'kh-archive', party: 'KH', roles: ['officer'], causationId: filed!.id });
  expect(typeof verified!.metadata.correlationId).toBe('string');
});

it('every case passes the treaty rules first: one bad case refuses the whole file, naming line, case, event and rule', async () => {
  const good = [randomUUID(), randomUUID()];
  const bad = randomUUID();
  // The history that once went through: no warrant, a KH officer filing a CN request, then a
  // completion by KH dated 2099.
  const forged = JSON.parse(line(bad));
  delete forged.events[0].data.warrant;
  forged.events[0].metadata = { actor: 'kh-forger', party: 'KH' };
  forged.events[1] = {
    type: 'DeportationCompleted',
    occurredAt: '2099-01-01T00:00:00Z',
    data: {},
    metadata: { actor: 'kh-forger', party: 'KH' },
  };
  const file = join(dir, 'forged.ndjson');
  // The bad case is in the second batch: the first must not have been stored either.
  writeFileSync(file, `${line(good[0]!)}\n${line(good[1]!)}\n${JSON.stringify(forged)}\n`);
  const before = await eventCount();
  await expect(importFile(file)).rejects.toMatchObject({
    stderr: expect.stringMatching(
      new RegExp(`line 3: case ${bad}, event 0: requesting-party-only|line 3: case ${bad}, event 0: warrant-required`),
    ),
  });
  expect(await eventCount()).toBe(before);

  // Each rule on its own, through the same path.
  const rules: [string, (h: any) => void][] = [
    ['warrant-required', (h) => delete h.events[0].data.warrant],
    ['import-as-decided', (h) => (h.events[0].metadata = { actor: 'kh-forger', party: 'KH' })],
    ['occurred-in-future', (h) => (h.events[1].occurredAt = '2099-01-01T00:00:00Z')],
    ['chronology', (h) => (h.events[1].occurredAt = '2017-02-01T00:00:00Z')],
    ['requested-party-only', (h) => (h.events[1].metadata = { actor: 'cn-officer', party: 'CN' })],
    [
      'lifecycle',
      (h) =>
        (h.events[1] = {
          type: 'DeportationCompleted',
          occurredAt: '2017-04-01T00:00:00Z',
          data: {},
          metadata: { actor: 'cn', party: 'CN' },
        }),
    ],
    ['unknown-country', (h) => (h.events[0].data.subject.nationality = 'ZZ')],
  ];
  for (const [rule, spoil] of rules) {
    const history = JSON.parse(line(randomUUID()));
    spoil(history);
    writeFileSync(file, `${JSON.stringify(history)}\n`);
    await expect(importFile(file), rule).rejects.toMatchObject({ stderr: expect.stringContaining(`: ${rule}: `) });
  }
  expect(await eventCount()).toBe(before);
});

it('--dry-run checks the whole file and writes nothing', async () => {
  const file = join(dir, 'dry.ndjson');
  writeFileSync(file, `${line(randomUUID())}\n${line(randomUUID())}\n`);
  const before = await eventCount();
  const { stdout } = await importFile(file, '--dry-run');
  expect(stdout).toMatch(/dry run: 2 cases .* pass the treaty rules; nothing was written/);
  expect(await eventCount()).toBe(before);
});

it("every event's data has the API's shape: an extra field, an overlong or control-character name refuse the file, nothing written", async () => {
  const file = join(dir, 'shapes.ndjson');
  const before = await eventCount();
  // Each spoiled history is the second line: the first, valid, must not be stored either.
  const spoils: [string, (h: any) => void, RegExp][] = [
    [
      'a name and passport beside the subject (stored in clear, never erasable)',
      (h) => (h.events[0].data.passengerName = { name: 'WU Planted', passport: 'E99990000' }),
      /data: Unrecognized key: "passengerName"/,
    ],
    ['an unknown field in a later event', (h) => (h.events[1].data.remark = 'WU Planted'), /event 1: import-shape: .*"remark"/],
    [
      'a 5,000-character name',
      (h) => (h.events[0].data.subject.names[0].value = 'W'.repeat(5000)),
      /data\.subject\.names\.0\.value: Too big/,
    ],
    ['U+0001 in a name', (h) => (h.events[0].data.subject.names[0].value = 'WU\u0001Archive'), /must not contain control characters/],
    ['an unknown event type', (h) => (h.events[1].type = 'SuspectVanished'), /SuspectVanished is not a case event type/],
  ];
  for (const [what, spoil, message] of spoils) {
    const bad = randomUUID();
    const history = JSON.parse(line(bad));
    spoil(history);
    writeFileSync(file, `${line(randomUUID())}\n${JSON.stringify(history)}\n`);
    for (const flags of [[], ['--dry-run']]) {
      const refused = importFile(file, ...flags);
      await expect(refused, what).rejects.toMatchObject({
        stderr: expect.stringMatching(new RegExp(`line 2: case ${bad}, event \\d: import-shape: `)),
      });
      await expect(refused, what).rejects.toMatchObject({ stderr: expect.stringMatching(message) });
    }
  }
  expect(await eventCount()).toBe(before);
});

it('an actor with a line break is refused like a token whose sub has one', async () => {
  const file = join(dir, 'actor.ndjson');
  const history = JSON.parse(line(randomUUID()));
  history.events[1].metadata = { actor: 'kh-archive\nv9 forged', party: 'KH' };
  writeFileSync(file, `${JSON.stringify(history)}\n`);
  const before = await eventCount();
  await expect(importFile(file)).rejects.toMatchObject({
    stderr: expect.stringMatching(/line 1: events\.1\.metadata\.actor: must not contain control/),
  });
  expect(await eventCount()).toBe(before);
});
