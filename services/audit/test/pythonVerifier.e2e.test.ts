import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendToStream } from '@cco/event-store';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainAll } from '../../../test/support/chainAll';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

// The auditor's guide's verifier (docs/verify_log.py), run as an auditor runs it, with python3.
const root = new URL('../../..', import.meta.url).pathname;
const verifier = join(root, 'docs/verify_log.py');
const run = promisify(execFile);
async function python(...args: string[]) {
  return run('python3', [verifier, ...args]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
}

// JSON texts written out by hand, so that both sides parse the very same text (-0, 1E21 ...).
const trickyKeys = [
  'a',
  'b',
  'é',
  'e\u0301',
  '\u{1F600}',
  '\u{1D4B3}',
  '\uFB01',
  '\uFF21',
  '\u0000x',
  '"',
  '\\',
  '\u2028',
  'Z',
  '\u{10FFFF}',
  '',
];
const trickyNumbers = [
  '-0',
  '0',
  '1e21',
  '1E21',
  '1e-7',
  '1e-07',
  '0.0000001',
  '5e-324',
  '1e20',
  '123456789012345678901',
  '-1.5',
  '0.1',
  '1e300',
  '2.2250738585072014e-308',
  '100',
  '1e-6',
];
const key = fc.oneof(fc.constantFrom(...trickyKeys), fc.string({ unit: 'grapheme', maxLength: 6 }));
const numberText = fc.oneof(
  fc.constantFrom(...trickyNumbers),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);
const { json } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    numberText,
    fc.constantFrom('true', 'false', 'null'),
    fc.oneof(fc.constantFrom(...trickyKeys), fc.string({ unit: 'grapheme', maxLength: 8 })).map((s) => JSON.stringify(s)),
    fc.array(tie('json'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .uniqueArray(fc.tuple(key, tie('json')), { maxLength: 5, selector: ([k]) => k })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}));

describe('the auditor’s Python verifier', () => {
  it('python3 is on this machine (the test would prove nothing without it)', () => {
    expect(spawnSync('python3', ['--version']).status).toBe(0);
  });

  it('writes RFC 8785 exactly as the service does, over randomized JSON with -0, 1e21, 1e-7, 5e-324, astral and combining keys', async () => {
    const seed = Date.now() % 2 ** 31;
    const texts = fc.sample(json, { numRuns: 400, seed });
    texts.push('{"\u{1F600}":1,"\uFB01":2,"e\u0301":3,"é":4,"z":[-0,1e21,1e-7,5e-324,1E-07,0.000001]}');
    const all = `[${texts.join(',')}]`;
    const expected = canonicalize(JSON.parse(all));
    const child = spawnSync('python3', [verifier, 'canonical'], { input: all, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const got = child.stdout;
    if (got !== expected) {
      // Name the first document that differs, for whoever reads the failure.
      for (const t of texts) {
        const one = spawnSync('python3', [verifier, 'canonical'], { input: t, encoding: 'utf8' }).stdout;
        expect(one, `seed ${seed}: ${t}`).toBe(canonicalize(JSON.parse(t)));
      }
    }
    expect(got, `seed ${seed}`).toBe(expected);
    expect(spawnSync('python3', [verifier, 'canonical'], { input: '[-0,1e21,1e-7,5e-324]', encoding: 'utf8' }).stdout).toBe(
      '[0,1e+21,1e-7,5e-324]',
    );
  });
});

describe('against the service’s own checkpoints and proofs', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp({ workers: false });
    dir = await mkdtemp(join(tmpdir(), 'cco-pyverify-'));
  });
  afterAll(() => t.close());

  it('verifies the checkpoint signature, every event’s inclusion from its content, and consistency; refuses forgeries', async () => {
    const auditor = t.token('KH', 'auditor');
    const meta = { actor: 'a', party: 'KH', correlationId: 'c', causationId: null };
    const weird = { 'e\u0301': 1e-7, é: 1e21, '\u{1F600}': 5e-324, '\uFB01': [-0, 0.1, 'x\u0007'], z: { '\u{1D4B3}': true } };
    await appendToStream(t.database.db, 'py-1', 'test', 'no_stream', [
      { type: 'Weird', data: weird, metadata: meta, occurredAt: new Date('2020-02-29T12:00:00Z') },
    ]);
    await appendToStream(
      t.database.db,
      'py-2',
      'test',
      'no_stream',
      Array.from({ length: 6 }, (_v, i) => ({ type: 'T', data: { i }, metadata: meta, occurredAt: new Date() })),
    );
    await chainAll(t.database.db);
    await t.app.transparency.issue();
    const oldNote = join(dir, 'old.note');
    await writeFile(oldNote, (await t.request('GET', '/v1/audit/checkpoint', { token: auditor })).body);
    await appendToStream(
      t.database.db,
      'py-3',
      'test',
      'no_stream',
      Array.from({ length: 5 }, (_v, i) => ({ type: 'T', data: { i }, metadata: meta, occurredAt: new Date() })),
    );
    await chainAll(t.database.db);
    await t.app.transparency.issue();
    const newNote = join(dir, 'new.note');
    await writeFile(newNote, (await t.request('GET', '/v1/audit/checkpoint', { token: auditor })).body);
    const vkey = join(dir, 'log.vkey');
    await writeFile(vkey, (await t.request('GET', '/v1/audit/checkpoint/key', { token: auditor })).body.verifierKey);

    expect(await python('checkpoint', newNote, vkey)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^OK checkpoint: tree size 12,/),
    });
    const consistency = join(dir, 'consistency.json');
    await writeFile(
      consistency,
      JSON.stringify((await t.request('GET', '/v1/audit/proofs/consistency?from=7&to=12', { token: auditor })).body),
    );
    expect(await python('consistency', oldNote, newNote, vkey, consistency)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^OK consistency/),
    });

    // Each event as the audit export gives it (the content the chain and the tree cover).
    const out = join(dir, 'export.ndjson');
    const today = new Date().toISOString().slice(0, 10);
    await run('npx', ['tsx', 'services/audit/src/main.ts', 'export', '--from', '2000-01-01', '--to', today, '--out', out], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: t.database.url },
    });
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(await readFile(`${out}.checkpoint`, 'utf8')).toBe(await readFile(newNote, 'utf8'));
    for (const line of lines) {
      const eventFile = join(dir, `event-${line.leafIndex}.json`);
      const proofFile = join(dir, `proof-${line.leafIndex}.json`);
      await writeFile(eventFile, JSON.stringify(line.event));
      await writeFile(proofFile, JSON.stringify({ leafIndex: line.leafIndex, ...line.inclusion }));
      expect(await python('inclusion', newNote, vkey, eventFile, proofFile), `leaf ${line.leafIndex}`).toMatchObject({ code: 0 });
    }

    // Forgeries: an altered event, a proof for another history, a note signed by someone else.
    const weirdLine = lines.find((l) => l.event.type === 'Weird');
    const altered = join(dir, 'altered.json');
    await writeFile(altered, JSON.stringify({ ...weirdLine.event, data: { ...weirdLine.event.data, 'e\u0301': 2e-7 } }));
    expect(await python('inclusion', newNote, vkey, altered, join(dir, `proof-${weirdLine.leafIndex}.json`))).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/does not hash/),
    });
    const badConsistency = join(dir, 'bad.json');
    const proof = JSON.parse(await readFile(consistency, 'utf8'));
    await writeFile(badConsistency, JSON.stringify({ ...proof, path: [...proof.path.slice(0, -1), 'ff'.repeat(32)] }));
    expect(await python('consistency', oldNote, newNote, vkey, badConsistency)).toMatchObject({ code: 1 });
    const forged = join(dir, 'forged.note');
    await writeFile(forged, (await readFile(newNote, 'utf8')).replace(/\n12\n/, '\n13\n'));
    expect(await python('checkpoint', forged, vkey)).toMatchObject({ code: 1, stdout: expect.stringMatching(/no valid signature/) });
  });
});
