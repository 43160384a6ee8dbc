import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { asInsider, rechain } from '@cco/testkit';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainAll } from '../../../test/support/chainAll';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportationAt } from '../../api/test/support';
import { parseWitnessKey, type WitnessKey } from '../src/cosign';
import { WitnessRecord } from '../src/record';
import { parseLogKey, type LogKey } from '../src/verify';
import { witnessRound, type WitnessConfig } from '../src/witnessRound';

const run = promisify(execFile);

/** A ministry's witness key, as `npm run witness -- keygen` makes one. */
function newWitnessKey(name: string): { privateKey: string; key: WitnessKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = Buffer.from(privateKey.export({ format: 'jwk' }).x!, 'base64url');
  const id = createHash('sha256').update(name).update('\n').update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4).toString('hex');
  const text = `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Uint8Array.of(4), seed]).toString('base64')}`;
  const key = parseWitnessKey(text);
  if (typeof key === 'string') throw new Error(key);
  return { privateKey: text, key };
}
const kh = newWitnessKey('witness.interior.gov.kh/w1');
const cn = newWitnessKey('witness.mps.gov.cn/w1');

let t: TestApp;
let logKey: LogKey;
let logKeyText: string;
const witnessFor = (key: WitnessKey, dir = mkdtempSync(join(tmpdir(), 'cco-witness-'))): WitnessConfig => ({
  url: t.url,
  token: t.token('KH', 'auditor'),
  logKey,
  key,
  record: new WitnessRecord(dir),
  log: () => {},
});
beforeAll(async () => {
  t = await startTestApp({ workers: false, transparency: { witnessKeys: [kh.key.verifierKey, cn.key.verifierKey] } });
  logKeyText = (await t.request('GET', '/v1/audit/checkpoint/key', { token: t.token('KH', 'auditor') })).body.verifierKey;
  const parsed = parseLogKey(logKeyText);
  if (typeof parsed === 'string') throw new Error(parsed);
  logKey = parsed;
});
afterAll(() => t.close());

async function grow(stage: 'filed' | 'handed_over' = 'filed') {
  await deportationAt(t, stage);
  await chainAll(t.database.db);
  expect(await t.app.transparency.issue()).not.toBeNull();
}

/** Second-implementation check of a cosignature line over a checkpoint body. */
function cosignatureVerifies(note: string, key: WitnessKey, publicKey: Uint8Array) {
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const line = note.split('\n').find((l) => l.startsWith(`\u2014 ${key.name} `));
  if (!line) return false;
  const raw = Buffer.from(line.split(' ')[2]!, 'base64');
  const time = raw.readBigUInt64BE(4);
  return (
    raw.subarray(0, 4).equals(key.keyId) &&
    nacl.sign.detached.verify(Buffer.from(`cosignature/v1\ntime ${time}\n${body}`), raw.subarray(12), publicKey)
  );
}

describe('the ministries’ witnesses', () => {
  it('both follow the log, prove each checkpoint extends the last, and cosign; the service serves the checkpoint with both', async () => {
    const khWitness = witnessFor(kh.key);
    const cnWitness = witnessFor(cn.key);
    await grow('handed_over');
    expect(await witnessRound(khWitness)).toMatchObject({ kind: 'cosigned', from: 0 });
    expect(await witnessRound(khWitness)).toMatchObject({ kind: 'nothing_new' });
    await grow();
    const second = await witnessRound(khWitness);
    expect(second).toMatchObject({ kind: 'cosigned', from: 3 });
    expect(await witnessRound(cnWitness)).toMatchObject({ kind: 'cosigned', size: (second as { size: number }).size });

    const served = await t.request('GET', '/v1/audit/checkpoint?cosigned=true', { token: t.token('CN', 'auditor') });
    expect(served.status).toBe(200);
    const pubOf = (k: WitnessKey) =>
      Buffer.from(k.verifierKey.slice(k.verifierKey.lastIndexOf('+', k.verifierKey.length - 45) + 1), 'base64').subarray(1);
    expect(cosignatureVerifies(served.body, kh.key, pubOf(kh.key))).toBe(true);
    expect(cosignatureVerifies(served.body, cn.key, pubOf(cn.key))).toBe(true);
    // The witness's own record holds what it cosigned, append-only.
    const lines = readFileSync(khWitness.record.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.size)).toEqual([3, (second as { size: number }).size]);
  });

  it('catches an insider who rewrites events, chain and tree and re-signs: keeps the evidence, exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cco-witness-'));
    const witness = witnessFor(kh.key, dir);
    await grow('handed_over');
    expect(await witnessRound(witness)).toMatchObject({ kind: 'cosigned' });
    const cosigned = witness.record.latest()!;

    // The insider: alters a handover, recomputes every link, rebuilds the tree, and, holding the
    // signing key, signs a bigger checkpoint over the rewritten history.
    const {
      rows: [handover],
    } = await sql<{ stream_id: string; position: string }>`
      select stream_id, position from events where type = 'SuspectHandedOver' order by position limit 1`.execute(t.database.db);
    await asInsider(t.database.db, async (conn) => {
      await sql`update events set data = jsonb_set(data, '{place}', '"elsewhere"') where position = ${handover!.position}`.execute(conn);
      await rechain(conn);
      await sql`delete from checkpoint_cosignatures`.execute(conn);
      await sql`delete from tree_checkpoints`.execute(conn);
    });
    await deportationAt(t, 'filed');
    await chainAll(t.database.db);
    const forged = await t.app.transparency.issue();
    expect(forged!.treeSize).toBeGreaterThan(cosigned.size);

    // The witness process itself, as a ministry runs it.
    const result = await run('npx', ['tsx', 'services/witness/src/main.ts'], {
      cwd: new URL('../../..', import.meta.url).pathname,
      env: {
        ...process.env,
        WITNESS_LOG_URL: t.url,
        WITNESS_TOKEN: t.token('KH', 'auditor'),
        WITNESS_LOG_KEY: logKeyText,
        WITNESS_SIGNING_KEY: kh.privateKey,
        WITNESS_STATE_DIR: dir,
        WITNESS_ONCE: 'true',
      },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/inconsistent/);
    const [evidenceFile] = readdirSync(join(dir, 'evidence'));
    const evidence = JSON.parse(readFileSync(join(dir, 'evidence', evidenceFile!), 'utf8'));
    expect(evidence).toMatchObject({
      held: { size: cosigned.size, root: cosigned.root },
      received: { size: forged!.treeSize },
      proof: expect.any(Array),
    });
    expect(readFileSync(join(dir, 'witness.prom'), 'utf8')).toMatch(/^cco_witness_inconsistency_detected 1$/m);
    // Nothing was cosigned after the cosigned checkpoint.
    expect(witness.record.latest()).toEqual(cosigned);
  });

  it('catches a tail truncated after a cosigned checkpoint', async () => {
    const x = await startTestApp({ workers: false });
    try {
      const key = (await x.request('GET', '/v1/audit/checkpoint/key', { token: x.token('KH', 'auditor') })).body.verifierKey;
      const parsed = parseLogKey(key);
      if (typeof parsed === 'string') throw new Error(parsed);
      const witness = { ...witnessFor(cn.key), url: x.url, logKey: parsed, token: x.token('KH', 'auditor') };
      await deportationAt(x, 'handed_over');
      await chainAll(x.database.db);
      await x.app.transparency.issue();
      expect(await witnessRound(witness)).toMatchObject({ kind: 'cosigned', size: 3 });
      // The tail (and its checkpoint) removed; the log signs what is left.
      await x.database.db.connection().execute(async (conn) => {
        await sql`set session_replication_role = replica`.execute(conn);
        await sql`delete from events where position = (select position from event_chain where seq = 3)`.execute(conn);
        await sql`delete from event_chain where seq = 3`.execute(conn);
        await sql`set session_replication_role = origin`.execute(conn);
      });
      // While the signed checkpoint is still there, the service's own check sees the cut too.
      const integrity = (await x.request('GET', '/v1/audit/integrity', { token: x.token('KH', 'auditor') })).body;
      expect(integrity).toMatchObject({ ok: false, firstBrokenLeaf: 2, detail: expect.stringMatching(/truncated/) });
      // The insider removes that checkpoint too, and the log signs what is left: only the witness can tell.
      await x.database.db.connection().execute(async (conn) => {
        await sql`set session_replication_role = replica`.execute(conn);
        await sql`delete from checkpoint_cosignatures`.execute(conn);
        await sql`delete from tree_checkpoints`.execute(conn);
        await sql`set session_replication_role = origin`.execute(conn);
      });
      await x.app.transparency.issue();
      expect(await witnessRound(witness)).toMatchObject({ kind: 'inconsistent', reason: expect.stringMatching(/shrank from 3 to 2/) });
    } finally {
      await x.close();
    }
  });
});
