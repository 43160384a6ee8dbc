import { createHash, generateKeyPairSync } from 'node:crypto';
import { appendToStream, readStream } from '@cco/event-store';
import { sql } from 'kysely';
import { asInsider, rechain } from '@cco/testkit';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainAll as chainAllOf } from '../../../test/support/chainAll';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { deportationAt } from './support';
import { openCheckpoint, rootFromInclusion, verifyConsistency } from './tlogVerifier';

// A witness key made here (type 0x04, C2SP tlog-cosignature), signing with tweetnacl.
const witnessName = 'witness.kh.example/w1';
const witnessSeed = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
const witnessPair = nacl.sign.keyPair.fromSeed(witnessSeed);
const witnessId = createHash('sha256')
  .update(witnessName)
  .update('\n')
  .update(Uint8Array.of(4))
  .update(witnessPair.publicKey)
  .digest()
  .subarray(0, 4);
const witnessKey = `${witnessName}+${witnessId.toString('hex')}+${Buffer.concat([Uint8Array.of(4), witnessPair.publicKey]).toString('base64')}`;
function cosign(body: string, time: number | bigint, pair = witnessPair, id = witnessId, name = witnessName) {
  const sig = nacl.sign.detached(Buffer.from(`cosignature/v1\ntime ${BigInt(time)}\n${body}`), pair.secretKey);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(time));
  return `\u2014 ${name} ${Buffer.concat([id, ts, sig]).toString('base64')}`;
}

let t: TestApp;
let auditor: string;
let verifierKey: string;
beforeAll(async () => {
  t = await startTestApp({ workers: false, transparency: { witnessKeys: [witnessKey] } });
  auditor = t.token('KH', 'auditor');
  verifierKey = (await t.request('GET', '/v1/audit/checkpoint/key', { token: auditor })).body.verifierKey;
});
afterAll(() => t.close());

const chainAll = () => chainAllOf(t.database.db);
async function checkpointNow() {
  await chainAll();
  await t.app.transparency.issue();
  const response = await t.request('GET', '/v1/audit/checkpoint', { token: auditor });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return openCheckpoint(response.body, verifierKey);
}

describe('signed checkpoints and proofs', () => {
  it('signs C2SP checkpoints that a second Ed25519 verifies; every event is provably in them; each extends the last', async () => {
    expect((await t.request('GET', '/v1/audit/checkpoint', { token: auditor })).status).toBe(404);
    await deportationAt(t, 'handed_over');
    const first = await checkpointNow();
    expect(first.treeSize).toBeGreaterThanOrEqual(3);
    await deportationAt(t, 'identity_verified');
    const second = await checkpointNow();
    expect(second.treeSize).toBe(first.treeSize + 2);

    const { rows } = await sql<{ position: string }>`select position from event_chain order by seq`.execute(t.database.db);
    for (const { position } of rows) {
      const proof = await t.request('GET', `/v1/audit/proofs/inclusion?position=${position}&treeSize=${second.treeSize}`, {
        token: auditor,
      });
      expect(proof.status).toBe(200);
      const root = rootFromInclusion(
        proof.body.leafIndex,
        second.treeSize,
        Buffer.from(proof.body.leafHash, 'hex'),
        proof.body.path.map((h: string) => Buffer.from(h, 'hex')),
      );
      expect(root?.equals(second.root), `position ${position}`).toBe(true);
    }
    const consistency = await t.request('GET', `/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`, {
      token: auditor,
    });
    expect(consistency.status).toBe(200);
    const path = consistency.body.path.map((h: string) => Buffer.from(h, 'hex'));
    expect(verifyConsistency(first.treeSize, second.treeSize, first.root, second.root, path)).toBe(true);
    // The proof does not vouch for another history.
    expect(verifyConsistency(first.treeSize, second.treeSize, Buffer.alloc(32, 7), second.root, path)).toBe(false);
    // Every checkpoint issued stays available.
    const earlier = await t.request('GET', `/v1/audit/checkpoint?treeSize=${first.treeSize}`, { token: auditor });
    expect(openCheckpoint(earlier.body, verifierKey).root.equals(first.root)).toBe(true);
    // A signature by another key does not pass for the log's.
    const forged = (earlier.body as string).replace(/[A-Za-z0-9+/]{10}=*\n$/, (m) => `${m[0] === 'A' ? 'B' : 'A'}${m.slice(1)}`);
    expect(() => openCheckpoint(forged, verifierKey)).toThrow();
  });

  it('answers bad or impossible questions with problem+json, never a 500', async () => {
    const size = (await checkpointNow()).treeSize;
    const { rows } = await sql<{ position: string }>`select position from event_chain order by seq limit 1`.execute(t.database.db);
    const cases: [string, number][] = [
      [`/v1/audit/proofs/inclusion?position=${rows[0]!.position}&treeSize=${size + 1}`, 404],
      [`/v1/audit/proofs/inclusion?position=${rows[0]!.position}&treeSize=0`, 400],
      [`/v1/audit/proofs/inclusion?position=999999999&treeSize=${size}`, 404],
      ['/v1/audit/proofs/inclusion?position=abc&treeSize=1', 400],
      ['/v1/audit/proofs/inclusion?position=99999999999999999999&treeSize=1', 400],
      ['/v1/audit/proofs/inclusion?position=1&treeSize=99999999999999999999', 400],
      [`/v1/audit/proofs/consistency?from=${size}&to=${size + 5}`, 404],
      ['/v1/audit/proofs/consistency?from=5&to=2', 400],
      ['/v1/audit/proofs/consistency?from=-1&to=2', 400],
      ['/v1/audit/checkpoint?treeSize=123456', 404],
      ['/v1/audit/checkpoint?treeSize=x', 400],
    ];
    for (const [path, status] of cases) {
      const response = await t.request('GET', path, { token: auditor });
      expect(response.status, path).toBe(status);
      expect(response.headers.get('content-type'), path).toMatch(/problem\+json/);
    }
    expect((await t.request('GET', `/v1/audit/proofs/consistency?from=0&to=${size}`, { token: auditor })).body).toEqual({
      from: 0,
      to: size,
      path: [],
    });
    expect((await t.request('GET', '/v1/audit/checkpoint', { token: t.token('KH', 'officer') })).status).toBe(403);
    expect((await t.request('GET', '/v1/audit/checkpoint')).status).toBe(401);
  });
});

describe('witness cosignatures', () => {
  it('keeps a configured witness’s valid cosignature and serves the checkpoint with it; refuses any other', async () => {
    await deportationAt(t, 'filed');
    const cp = await checkpointNow();
    const now = Math.floor(Date.now() / 1000);
    const other = nacl.sign.keyPair();
    const refusals: [string, number][] = [
      [cosign(cp.body, now, other), 422], // right name and id, wrong key
      [cosign(cp.body.replace(/\n\d+\n/, `\n${cp.treeSize + 1}\n`), now), 422], // another checkpoint's body
      [cosign(cp.body, now, other, Buffer.from('00000000', 'hex'), 'witness.unknown/w'), 403],
      ['— not a signature', 400],
    ];
    for (const [signature, status] of refusals) {
      const r = await t.request('POST', '/v1/audit/checkpoint/cosignatures', {
        token: auditor,
        body: { treeSize: cp.treeSize, signature },
      });
      expect(r.status, signature).toBe(status);
    }
    expect(
      (
        await t.request('POST', '/v1/audit/checkpoint/cosignatures', {
          token: auditor,
          body: { treeSize: 999_999, signature: cosign(cp.body, now) },
        })
      ).status,
    ).toBe(404);

    const line = cosign(cp.body, now);
    const accepted = await t.request('POST', '/v1/audit/checkpoint/cosignatures', {
      token: auditor,
      body: { treeSize: cp.treeSize, signature: line },
    });
    expect(accepted.body).toMatchObject({ witness: witnessName, treeSize: cp.treeSize, duplicate: false });
    const served = await t.request('GET', '/v1/audit/checkpoint?cosigned=true', { token: auditor });
    expect(openCheckpoint(served.body, verifierKey).signatureLines).toEqual(expect.arrayContaining([line]));
    expect((await t.request('GET', '/v1/audit/checkpoint/key', { token: auditor })).body.witnesses).toEqual([witnessKey]);
  });
});

describe('cosignature edge cases', () => {
  it('a valid signature over an impossible time (2^62 s, next year, before the checkpoint) is a 422 saying so, not a 500', async () => {
    await deportationAt(t, 'filed');
    const cp = await checkpointNow();
    const now = Math.floor(Date.now() / 1000);
    for (const time of [2n ** 62n, now + 365 * 86_400, now - 365 * 86_400]) {
      const r = await t.request('POST', '/v1/audit/checkpoint/cosignatures', {
        token: auditor,
        body: { treeSize: cp.treeSize, signature: cosign(cp.body, time) },
      });
      expect(r.status, String(time)).toBe(422);
      expect(r.body).toMatchObject({
        type: 'urn:cco:problem:rule-violation',
        detail: expect.stringMatching(/outside the checkpoint's issue/),
      });
    }
  });

  it('a duplicate cosignature answers the time kept, not the one it brings', async () => {
    await deportationAt(t, 'filed');
    const cp = await checkpointNow();
    const now = Math.floor(Date.now() / 1000);
    const deliver = (time: number) =>
      t.request('POST', '/v1/audit/checkpoint/cosignatures', {
        token: auditor,
        body: { treeSize: cp.treeSize, signature: cosign(cp.body, time) },
      });
    const first = await deliver(now - 5);
    expect(first.body).toMatchObject({ duplicate: false, cosignedAt: new Date((now - 5) * 1000).toISOString() });
    const again = await deliver(now);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, cosignedAt: new Date((now - 5) * 1000).toISOString() });
  });

  it('?cosigned=true says when checkpoints exist but none has every witness’s cosignature', async () => {
    const x = await startTestApp({ workers: false, transparency: { witnessKeys: [witnessKey] } });
    try {
      const token = x.token('KH', 'auditor');
      const none = await x.request('GET', '/v1/audit/checkpoint?cosigned=true', { token });
      expect(none).toMatchObject({ status: 404, body: { detail: 'no checkpoint has been issued yet' } });
      await deportationAt(x, 'filed');
      await chainAllOf(x.database.db);
      await x.app.transparency.issue();
      const uncosigned = await x.request('GET', '/v1/audit/checkpoint?cosigned=true', { token });
      expect(uncosigned.status).toBe(404);
      expect(uncosigned.body.detail).toBe(`checkpoints were issued, but none is cosigned yet by every configured witness (${witnessName})`);
    } finally {
      await x.close();
    }
  });
});

describe('integrity never vouches for what it did not read', () => {
  async function tamper(statement: ReturnType<typeof sql>) {
    await t.database.db.connection().execute(async (conn) => {
      await sql`set session_replication_role = replica`.execute(conn);
      await statement.execute(conn);
      await sql`set session_replication_role = origin`.execute(conn);
    });
  }
  const integrity = async (query = '') => (await t.request('GET', `/v1/audit/integrity${query}`, { token: auditor })).body;

  it('re-reads every event on every call: an altered row is named each time, then a deleted one', async () => {
    await deportationAt(t, 'handed_over');
    await checkpointNow();
    const clean = await integrity();
    expect(clean).toMatchObject({ ok: true, firstBrokenPosition: null, reread: { fromLeaf: 0, complete: true } });
    expect(clean.checked).toBe(clean.reread.treeSize);
    const again = await integrity();
    expect(again.checked).toBe(clean.checked); // not "0 since last time"

    const [victim] = (
      await sql<{ position: string }>`select position from event_chain order by seq offset 3 limit 1`.execute(t.database.db)
    ).rows;
    await tamper(sql`update events set occurred_at = occurred_at - interval '1 day' where position = ${victim!.position}`);
    expect(await integrity()).toMatchObject({ ok: false, firstBrokenPosition: victim!.position, firstBrokenLeaf: 3 });
    expect(await integrity()).toMatchObject({ ok: false, firstBrokenPosition: victim!.position });
    await tamper(sql`update events set occurred_at = occurred_at + interval '1 day' where position = ${victim!.position}`);
    expect(await integrity()).toMatchObject({ ok: true });

    await tamper(sql`delete from events where position = ${victim!.position}`);
    expect(await integrity()).toMatchObject({ ok: false, firstBrokenPosition: victim!.position, firstBrokenLeaf: 3 });
  });
});

describe('an event deleted together with its link', () => {
  it('is named by its leaf (exact) and by the position of the link after the gap', async () => {
    const x = await startTestApp({ workers: false });
    try {
      await deportationAt(x, 'handed_over');
      await deportationAt(x, 'filed');
      await chainAllOf(x.database.db);
      await x.app.transparency.issue();
      const { rows } = await sql<{ position: string }>`select position from event_chain order by seq`.execute(x.database.db);
      await x.database.db.connection().execute(async (conn) => {
        await sql`set session_replication_role = replica`.execute(conn);
        await sql`delete from events where position = ${rows[1]!.position}`.execute(conn);
        await sql`delete from event_chain where seq = 2`.execute(conn);
        await sql`set session_replication_role = origin`.execute(conn);
      });
      const body = (await x.request('GET', '/v1/audit/integrity', { token: x.token('KH', 'auditor') })).body;
      expect(body).toMatchObject({ ok: false, firstBrokenLeaf: 1, firstBrokenPosition: rows[2]!.position });
    } finally {
      await x.close();
    }
  });
});

describe('an insider who rewrites events, chain and tree consistently', () => {
  it('is caught against a checkpoint signed before the rewrite', async () => {
    const x = await startTestApp({ workers: false });
    try {
      const a = x.token('KH', 'auditor');
      const id = await deportationAt(x, 'handed_over');
      await deportationAt(x, 'identity_verified');
      await chainAllOf(x.database.db);
      await x.app.transparency.issue();
      const before = (await x.request('GET', '/v1/audit/integrity?full=true', { token: a })).body;
      expect(before).toMatchObject({ ok: true });

      // The attacker alters the handover, recomputes the chain and its leaves and rebuilds the tree:
      // events, chain and tree agree again.
      const [victim] = (await readStream(x.database.db, id)).filter((e) => e.type === 'SuspectHandedOver');
      await asInsider(x.database.db, async (conn) => {
        await sql`update events set data = jsonb_set(data, '{place}', '"Bavet border crossing"') where position = ${victim!.position}`.execute(
          conn,
        );
        await rechain(conn);
      });
      await chainAllOf(x.database.db);
      const after = (await x.request('GET', '/v1/audit/integrity', { token: a })).body;
      expect(after).toMatchObject({ ok: false });
      expect(after.detail).toMatch(/checkpoint/);
      // The rewritten event is at or after the position named (the last leaf the checkpoints still vouch for).
      expect(BigInt(after.firstBrokenPosition)).toBeLessThanOrEqual(BigInt(victim!.position));
    } finally {
      await x.close();
    }
  });
});

describe('a log too large for one request', () => {
  it('says which leaves it re-read, resumes there next time, and keeps a whole run’s failure', async () => {
    const x = await startTestApp({ workers: false, transparency: { integrityBudgetMs: 0 } });
    try {
      const a = x.token('KH', 'auditor');
      for (let i = 0; i < 5; i++)
        await appendToStream(
          x.database.db,
          `s-${i}`,
          'test',
          'no_stream',
          Array.from({ length: 900 }, (_v, j) => ({
            type: 'T',
            data: { j },
            metadata: { actor: 'a', party: 'KH', correlationId: 'c', causationId: null },
            occurredAt: new Date(),
          })),
        );
      await chainAllOf(x.database.db);
      await x.app.transparency.issue();
      // A budget of 0: one page per call (2000 leaves), each call resuming where the last stopped.
      const first = (await x.request('GET', '/v1/audit/integrity', { token: a })).body;
      expect(first).toMatchObject({ ok: true, checked: 2000, reread: { fromLeaf: 0, toLeaf: 2000, treeSize: 4500, complete: false } });
      const second = (await x.request('GET', '/v1/audit/integrity', { token: a })).body;
      expect(second.reread).toMatchObject({ fromLeaf: 2000, toLeaf: 4000 });
      const third = (await x.request('GET', '/v1/audit/integrity', { token: a })).body;
      expect(third.reread).toMatchObject({ fromLeaf: 4000, toLeaf: 4500, complete: true });

      const [victim] = (await sql<{ position: string }>`select position from event_chain where seq = 4321`.execute(x.database.db)).rows;
      await x.database.db.connection().execute(async (conn) => {
        await sql`set session_replication_role = replica`.execute(conn);
        await sql`update events set data = '{"j": -1}' where position = ${victim!.position}`.execute(conn);
        await sql`set session_replication_role = origin`.execute(conn);
      });
      const full = (await x.request('GET', '/v1/audit/integrity?full=true', { token: a })).body;
      expect(full).toMatchObject({
        ok: false,
        firstBrokenPosition: victim!.position,
        firstBrokenLeaf: 4320,
        checked: 4320,
        reread: { fromLeaf: 0 },
      });
      // A partial re-read of the start does not clear the whole run's finding.
      const partial = (await x.request('GET', '/v1/audit/integrity', { token: a })).body;
      expect(partial).toMatchObject({ ok: false, firstBrokenPosition: victim!.position, reread: { fromLeaf: 0, toLeaf: 2000 } });
      const health = await x.request('GET', '/health');
      expect(health.body.integrity).toMatchObject({ ok: false, firstBrokenPosition: victim!.position, treeSize: 4500 });
      const metrics = await x.request('GET', '/metrics');
      expect(metrics.body).toMatch(/^cco_integrity_last_full_run_ok 0$/m);
    } finally {
      await x.close();
    }
  });
});

describe('the background signer', () => {
  it('signs a checkpoint covering new events within seconds, coalescing a burst into few checkpoints', async () => {
    const x = await startTestApp({ workers: true });
    try {
      const a = x.token('KH', 'auditor');
      const key = (await x.request('GET', '/v1/audit/checkpoint/key', { token: a })).body.verifierKey;
      const started = Date.now();
      for (let i = 0; i < 10; i++) await deportationAt(x, 'identity_verified');
      const {
        rows: [count],
      } = await sql<{ n: string }>`select count(*) as n from events`.execute(x.database.db);
      const deadline = Date.now() + 30_000;
      let size = 0;
      while (size < Number(count!.n)) {
        if (Date.now() > deadline) throw new Error(`no checkpoint covering ${count!.n} events within 30 s (latest: ${size})`);
        const r = await x.request('GET', '/v1/audit/checkpoint', { token: a });
        if (r.status === 200) size = openCheckpoint(r.body, key).treeSize;
        await new Promise((r) => setTimeout(r, 50));
      }
      // One checkpoint a second at most (plus the first): 20 commits did not make 20 checkpoints.
      const {
        rows: [issued],
      } = await sql<{ n: string }>`select count(*) as n from tree_checkpoints`.execute(x.database.db);
      expect(Number(issued!.n)).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    } finally {
      await x.close();
    }
  });
});
