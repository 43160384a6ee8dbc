import { appendToStream, readStream } from '@cco/event-store';
import { hashEvent } from '@cco/transparency-log';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handover, subjectName, verification, victimFiling, victimName } from '../../../test/support/fixtures';
import { chainAll as chainAllOf } from '../../../test/support/chainAll';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import { projectionsCaughtUp } from './projectionsSupport';
import { deportationAt } from './support';

let t: TestApp;
let auditor: string;
beforeAll(async () => {
  t = await startTestApp({ workers: true });
  auditor = t.token('KH', 'auditor');
});
afterAll(() => t.close());

const chainAll = (db = t.database.db) => chainAllOf(db);

describe('asOf', () => {
  it('gives the case as recorded before and after a step (auditors only)', async () => {
    const id = await deportationAt(t, 'filed');
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await t.request('POST', `/v1/cases/${id}/identity-verification`, { token: t.token('KH', 'officer'), body: verification });
    const before = await t.request('GET', `/v1/cases/${id}?asOf=${between}`, { token: auditor });
    expect(before.body).toMatchObject({ status: 'filed', version: 1 });
    const after = await t.request('GET', `/v1/cases/${id}?asOf=${new Date().toISOString()}`, { token: auditor });
    expect(after.body).toMatchObject({ status: 'identity_verified', version: 2 });
    expect((await t.request('GET', `/v1/cases/${id}?asOf=2000-01-01T00:00:00Z`, { token: auditor })).status).toBe(404);
    expect((await t.request('GET', `/v1/cases/${id}?asOf=${between}`, { token: t.token('KH', 'officer') })).status).toBe(403);
  });
});

describe('access log', () => {
  it('records every read of a case’s personal data; auditors list it', async () => {
    const id = await deportationAt(t, 'filed');
    await t.request('GET', `/v1/cases/${id}`, { token: t.token('KH', 'officer') });
    await t.request('GET', `/v1/cases/${id}/events`, { token: t.token('CN', 'supervisor') });
    const log = await t.request('GET', `/v1/audit/access-log?caseId=${id}`, { token: auditor });
    expect(log.body.items.map((i: { resource: string; party: string }) => [i.resource, i.party])).toEqual([
      ['command-answer', 'CN'],
      ['case', 'KH'],
      ['case-events', 'CN'],
    ]);
    expect((await t.request('GET', '/v1/audit/access-log', { token: t.token('KH', 'officer') })).status).toBe(403);
  });
});

describe('integrity', () => {
  it('re-reads the events on every call (no "checked: 0" for rows read hours ago) and names the exact altered position', async () => {
    await deportationAt(t, 'handed_over');
    await chainAll();
    const first = await t.request('GET', '/v1/audit/integrity', { token: auditor });
    expect(first.body).toMatchObject({ ok: true, full: false, firstBrokenPosition: null, reread: { fromLeaf: 0, complete: true } });
    const again = await t.request('GET', '/v1/audit/integrity', { token: auditor });
    expect(again.body.checked).toBeGreaterThanOrEqual(first.body.checked); // everything again, not only what is new

    const [victim] = (
      await sql<{ position: string }>`select position from event_chain order by seq limit 1 offset 1`.execute(t.database.db)
    ).rows;
    await sql`alter table events disable trigger events_immutable`.execute(t.database.db);
    await sql`update events set occurred_at = occurred_at - interval '1 day' where position = ${victim!.position}`.execute(t.database.db);
    await sql`alter table events enable trigger events_immutable`.execute(t.database.db);

    // The plain check re-reads it as well as the full one.
    expect((await t.request('GET', '/v1/audit/integrity', { token: auditor })).body).toMatchObject({
      ok: false,
      firstBrokenPosition: victim!.position,
    });
    const full = await t.request('GET', '/v1/audit/integrity?full=true', { token: auditor });
    expect(full.body).toMatchObject({ ok: false, full: true, firstBrokenPosition: victim!.position });

    await sql`alter table events disable trigger events_immutable`.execute(t.database.db);
    await sql`update events set occurred_at = occurred_at + interval '1 day' where position = ${victim!.position}`.execute(t.database.db);
    await sql`alter table events enable trigger events_immutable`.execute(t.database.db);
    // The whole run that found it is superseded by the next whole run that finds the log intact.
    expect((await t.request('GET', '/v1/audit/integrity?full=true', { token: auditor })).body).toMatchObject({ ok: true });
  });
});

describe('witnessed chain heads', () => {
  it('a chain rewritten by a superuser no longer matches the Merkle tree, nor a head a ministry recorded', async () => {
    // A database of its own: the rewrite below is left in place.
    const t = await startTestApp({ workers: true });
    try {
      const id = await deportationAt(t, 'handed_over');
      await chainAll(t.database.db);
      const head = await t.request('GET', '/v1/audit/chain-head', { token: auditor });
      expect(head.body.witness).toBe(`${head.body.seq}:${head.body.hash}`);
      expect((await t.request('GET', `/v1/audit/integrity?full=true&witness=${head.body.witness}`, { token: auditor })).body).toMatchObject(
        { ok: true, witnessMatches: true },
      );

      // The attacker: alters the handover's place, then recomputes every link from there on.
      const [handoverEvent] = (await readStream(t.database.db, id)).filter((e) => e.type === 'SuspectHandedOver');
      await sql`alter table events disable trigger events_immutable`.execute(t.database.db);
      await sql`alter table event_chain disable trigger event_chain_immutable`.execute(t.database.db);
      await sql`update events set data = jsonb_set(data, '{place}', '"Bavet border crossing"') where position = ${handoverEvent!.position}`.execute(
        t.database.db,
      );
      const links = (
        await sql<{ seq: string; position: string; prev_hash: string }>`
      select seq, position, prev_hash from event_chain
      where seq >= (select seq from event_chain where position = ${handoverEvent!.position}) order by seq`.execute(t.database.db)
      ).rows;
      let prev = links[0]!.prev_hash;
      for (const link of links) {
        const [event] = (
          await sql<{ stream_id: string }>`select stream_id from events where position = ${link.position}`.execute(t.database.db)
        ).rows;
        const stored = (await readStream(t.database.db, event!.stream_id)).find((e) => e.position === link.position)!;
        const hash = hashEvent(prev, stored);
        await sql`update event_chain set prev_hash = ${prev}, hash = ${hash} where seq = ${link.seq}`.execute(t.database.db);
        prev = hash;
      }
      await sql`alter table events enable trigger events_immutable`.execute(t.database.db);
      await sql`alter table event_chain enable trigger event_chain_immutable`.execute(t.database.db);

      // The chain is self-consistent again, but the events no longer hash to the tree's leaves.
      expect((await t.request('GET', '/v1/audit/integrity?full=true', { token: auditor })).body).toMatchObject({
        ok: false,
        firstBrokenPosition: handoverEvent!.position,
      });
      const witnessed = await t.request('GET', `/v1/audit/integrity?full=true&witness=${head.body.witness}`, { token: auditor });
      expect(witnessed.body).toMatchObject({ ok: false, witnessMatches: false });
    } finally {
      await t.close();
    }
  });
});

describe('schema evolution', () => {
  it('a stored v1 filing (subject in clear) reads as v2 through the API, and its hash still verifies', async () => {
    const id = randomUUID();
    // As the core wrote filings before personal data was sealed: schema version 1.
    await appendToStream(t.database.db, id, 'deportation', 'no_stream', [
      {
        type: 'RequestFiled',
        schemaVersion: 1,
        occurredAt: new Date('2018-05-01T00:00:00Z'),
        metadata: { actor: 'cn-officer', party: 'CN', correlationId: randomUUID(), causationId: null },
        data: {
          kind: 'deportation',
          requestingParty: 'CN',
          requestedParty: 'KH',
          subject: {
            names: [{ script: 'Latn', value: 'WANG Old' }],
            nationality: 'CN',
            documents: [{ type: 'passport', number: 'G1', issuingCountry: 'CN' }],
          },
          offences: [{ category: 'online_gambling' }],
          warrant: { reference: 'W-1', issuedBy: 'PSB', issuedOn: '2018-01-01' },
        },
      },
    ]);
    const events = await t.request('GET', `/v1/cases/${id}/events`, { token: auditor });
    expect(events.body.items[0]).toMatchObject({
      schemaVersion: 2,
      data: { subject: { nationality: 'CN', names: [{ value: 'WANG Old' }] } },
    });
    const view = await t.request('GET', `/v1/cases/${id}`, { token: auditor });
    expect(view.body.subject.names[0].value).toBe('WANG Old');
    // The stored row is untouched (v1), and the chain, which hashes what is stored, verifies.
    const [row] = (await sql<{ schema_version: number }>`select schema_version from events where stream_id = ${id}`.execute(t.database.db))
      .rows;
    expect(row!.schema_version).toBe(1);
    await chainAll();
    expect((await t.request('GET', '/v1/audit/integrity?full=true', { token: auditor })).body).toMatchObject({ ok: true });
  });
});

describe('erasure of a victim’s personal data', () => {
  it('is asked for, confirmed, makes the data unreadable everywhere, and leaves the chain intact', async () => {
    const cn = t.token('CN', 'officer');
    const kh = t.token('KH', 'officer');
    const filed = await t.request('POST', '/v1/cases', { token: cn, body: { ...victimFiling, occurredAt: '2019-05-01T00:00:00Z' } });
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    await t.request('POST', `/v1/cases/${id}/identity-verification`, {
      token: kh,
      body: { ...verification, occurredAt: '2019-05-10T00:00:00Z' },
    });
    await t.request('POST', `/v1/cases/${id}/handover`, {
      token: kh,
      body: { ...handover, namesNotifiedAt: '2019-05-11T00:00:00Z', occurredAt: '2019-05-12T00:00:00Z' },
    });
    await t.request('POST', `/v1/cases/${id}/completion`, { token: cn, body: { occurredAt: '2019-05-12T08:00:00Z' } });
    expect((await t.request('GET', `/v1/cases/${id}`, { token: kh })).body.subject.names[0].value).toBe(victimName);

    // Personal data is never stored in clear, even before any erasure.
    const raw = await sql<{ text: string }>`select data::text as text from events where stream_id = ${id}`.execute(t.database.db);
    expect(raw.rows.map((r) => r.text).join('')).not.toContain(victimName);
    expect(raw.rows.map((r) => r.text).join('')).not.toContain(subjectName);

    await projectionsCaughtUp(t);
    const analyst = t.token('CN', 'analyst');
    const figuresBefore = (await t.request('GET', '/v1/statistics/victim-verifications?from=2019-01-01&to=2019-12-31', { token: analyst }))
      .body;
    expect(
      (await t.request('POST', `/v1/cases/${id}/erasure-request`, { token: t.token('CN', 'officer'), body: { reason: 'asked' } })).status,
    ).toBe(403);
    const asked = await t.request('POST', `/v1/cases/${id}/erasure-request`, {
      token: t.token('CN', 'supervisor'),
      body: { reason: 'the victim asked; case closed' },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.erasure).toMatchObject({ reason: 'the victim asked; case closed', erasedAt: null });
    const confirmed = await t.request('POST', `/v1/cases/${id}/erasure-confirmation`, { token: auditor, body: {} });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.subject).toEqual({ nationality: 'CN', names: [], documents: [], erased: true });

    for (const token of [kh, auditor]) {
      const view = await t.request('GET', `/v1/cases/${id}`, { token });
      expect(view.body).toMatchObject({ status: 'completed', subject: { erased: true, names: [] } });
      expect(JSON.stringify(view.body)).not.toContain(victimName);
    }
    const events = await t.request('GET', `/v1/cases/${id}/events`, { token: auditor });
    expect(JSON.stringify(events.body)).not.toContain(victimName);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'RequestFiled',
      'IdentityVerified',
      'SuspectHandedOver',
      'RepatriationCompleted',
      'ErasureRequested',
      'PersonalDataErased',
    ]);
    // The key row is gone (no version of it to read back once vacuumed); the erasure is kept apart.
    expect((await sql`select 1 from subject_keys where case_id = ${id}`.execute(t.database.db)).rows).toEqual([]);
    const [erased] = (
      await sql<{ destroyed_at: Date }>`select destroyed_at from erased_subjects where case_id = ${id}`.execute(t.database.db)
    ).rows;
    expect(erased).toMatchObject({ destroyed_at: expect.any(Date) });

    await chainAll();
    expect((await t.request('GET', '/v1/audit/integrity?full=true', { token: auditor })).body).toMatchObject({
      ok: true,
      firstBrokenPosition: null,
    });
    await projectionsCaughtUp(t);
    const figuresAfter = (await t.request('GET', '/v1/statistics/victim-verifications?from=2019-01-01&to=2019-12-31', { token: analyst }))
      .body;
    expect(figuresAfter).toEqual(figuresBefore);
    expect(figuresBefore.withinDeadline).toBe(1); // the victim above, verified in 9 days
    // A second erasure is refused: there is nothing left to destroy.
    expect(
      (await t.request('POST', `/v1/cases/${id}/erasure-request`, { token: t.token('CN', 'supervisor'), body: { reason: 'again' } }))
        .status,
    ).toBe(409);
  });

  it('reaches idempotent replays too: no answer body is kept under a key, a retry after erasure answers erased', async () => {
    const cn = t.token('CN', 'officer');
    const key = `erase-${randomUUID()}`;
    const filing = { ...victimFiling, occurredAt: '2019-06-01T00:00:00Z' };
    const filed = await t.request('POST', '/v1/cases', { token: cn, body: filing, headers: { 'idempotency-key': key } });
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    expect(JSON.stringify(filed.body)).toContain(victimName);
    const stored = await sql<{ row: string }>`select row_to_json(k)::text as row from idempotency_keys k where key = ${key}`.execute(
      t.database.db,
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.row).not.toContain(victimName);

    await t.request('POST', `/v1/cases/${id}/withdrawal`, { token: cn, body: { reason: 'the victim returned on her own' } });
    await t.request('POST', `/v1/cases/${id}/erasure-request`, {
      token: t.token('CN', 'supervisor'),
      body: { reason: 'the victim asked' },
    });
    expect((await t.request('POST', `/v1/cases/${id}/erasure-confirmation`, { token: auditor, body: {} })).status).toBe(200);

    // The retry still gets its first answer (same case, same version, same status) but erased.
    const retry = await t.request('POST', '/v1/cases', { token: cn, body: filing, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('location')).toBe(filed.headers.get('location'));
    expect(retry.body).toMatchObject({ id, version: 1, status: 'filed', subject: { erased: true, names: [] } });
    expect(JSON.stringify(retry.body)).not.toContain(victimName);
  });
});
