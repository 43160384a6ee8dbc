import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  b64url,
  deportationFiling,
  developmentHeader,
  developmentPublicPem,
  etagVersion,
  handover,
  isProblem,
  RawClient,
  type RawRequest,
  type RawResponse,
  signEd25519,
  signHmac,
  unsigned,
  validToken,
  verification,
} from '@cco/testkit';
import { startTestApp, type TestApp } from '../support/testApp';
import { printFigures } from './support/figures';
import {
  contentTypes,
  encodeLoose,
  fromSchema,
  headerSafe,
  hostileString,
  hostileValue,
  ifMatchValues,
  injections,
  looksPersonal,
  mutate,
  pathTricks,
  serialisation,
  serialise,
  structuralMutation,
  type StructuralMutation,
  uuidTricks,
} from './support/hostile';
import { PersonalData, uniqueSubject } from './support/personalData';
import { fillPath, operationsOf, type Operation, type Parameter } from './support/spec';

// Item 1: property-based fuzzing of every operation the live app documents. Each run sends a
// batch of hostile requests at once; every answer must be 2xx or 4xx problem+json (never 5xx),
// and every event appended during the batch must belong to a 2xx command of that batch (by
// correlation id), each 2xx command to exactly one event (by case id and ETag version).
//
// FUZZ_REQUESTS (default 10000) and FUZZ_BATCH (32) size the run; FUZZ_SEED and FUZZ_PATH
// replay a reported failure (fast-check prints both).

const requestsWanted = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const batchSize = Number(process.env.FUZZ_BATCH ?? 32);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (process.pid << 8);
const replayPath = process.env.FUZZ_PATH;

let t: TestApp;
let writers: Caller[] = [];
let client: RawClient;
let ops: Operation[];
const caseIds: string[] = [];
/** Each case's status as the last 2xx answer gave it, so clean requests can pick a fitting case. */
const caseStatus = new Map<string, string>();
const personal = new PersonalData();

beforeAll(async () => {
  // Rate limiting is item 6's subject (limits.e2e.test.ts); here it would only hide input bugs.
  const saved = process.env.RATE_LIMIT_MAX;
  process.env.RATE_LIMIT_MAX = '10000000';
  try {
    t = await startTestApp();
  } finally {
    if (saved === undefined) delete process.env.RATE_LIMIT_MAX;
    else process.env.RATE_LIMIT_MAX = saved;
  }
  client = new RawClient(t.url, { maxSockets: batchSize * 2 });
  ops = operationsOf(t.app.swagger());

  // Real cases in every stage, so commands can be valid and reads can find something.
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');
  for (let i = 0; i < 24; i++) {
    const subject = uniqueSubject();
    personal.addSubject(subject);
    const filed = await t.request('POST', '/v1/cases', { token: cn, body: { ...deportationFiling, subject } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    caseIds.push(filed.body.id);
    caseStatus.set(filed.body.id, 'filed');
    if (i % 3 === 0) continue;
    expect((await t.request('POST', `/v1/cases/${filed.body.id}/identity-verification`, { token: kh, body: verification })).status).toBe(
      200,
    );
    caseStatus.set(filed.body.id, 'identity_verified');
    if (i % 3 === 1) continue;
    expect((await t.request('POST', `/v1/cases/${filed.body.id}/handover`, { token: kh, body: handover })).status).toBe(200);
    caseStatus.set(filed.body.id, 'handed_over');
  }
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

// ---------------------------------------------------------------------------------------------
// Who calls: valid tokens of every party and role (and combinations), none, and bad ones.

interface Caller {
  label: string;
  authorization?: string;
  valid: boolean;
}

function callers(): Caller[] {
  const valid: Caller[] = [];
  for (const party of ['KH', 'CN'] as const) {
    for (const role of ['officer', 'supervisor', 'auditor', 'analyst'] as const) {
      valid.push({ label: `${party}-${role}`, authorization: `Bearer ${t.token(party, role)}`, valid: true });
    }
    valid.push({ label: `${party}-officer+supervisor`, authorization: `Bearer ${t.token(party, 'officer', 'supervisor')}`, valid: true });
    valid.push({
      label: `${party}-fuzz-sub`,
      authorization: `Bearer ${validToken({ sub: `fuzz-${party}-${randomUUID()}`, party, roles: ['officer', 'auditor'] })}`,
      valid: true,
    });
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'fuzz', party: 'KH', roles: ['supervisor'] };
  const bad: Caller[] = [
    { label: 'none', valid: false },
    { label: 'garbage', authorization: 'Bearer garbage', valid: false },
    { label: 'expired', authorization: `Bearer ${validToken({ ...claims, exp: now - 60 })}`, valid: false },
    { label: 'alg-none', authorization: `Bearer ${unsigned({ alg: 'none', typ: 'JWT' }, claims)}`, valid: false },
    { label: 'forged', authorization: `Bearer ${signHmac({ alg: 'HS256' }, claims, 'not-the-secret')}`, valid: false },
    {
      label: 'hs256-public-key',
      authorization: `Bearer ${signHmac({ alg: 'HS256', kid: developmentHeader('KH').kid }, claims, developmentPublicPem('KH'))}`,
      valid: false,
    },
    { label: 'basic', authorization: 'Basic dXNlcjpwYXNz', valid: false },
    { label: 'bearer-only', authorization: 'Bearer', valid: false },
    { label: 'empty', authorization: '', valid: false },
    { label: 'huge', authorization: `Bearer ${'a'.repeat(9000)}`, valid: false },
    { label: 'payload-array', authorization: `Bearer ${signEd25519(developmentHeader('KH'), '[1,2]')}`, valid: false },
    {
      label: 'sub-with-nul',
      authorization: `Bearer ${validToken({ ...claims, sub: 'a\u0000b', roles: ['officer', 'supervisor', 'auditor'] })}`,
      valid: false,
    },
    {
      label: 'sub-lone-surrogate',
      authorization: `Bearer ${validToken({ ...claims, sub: 'a\ud800', roles: ['officer', 'supervisor', 'auditor'] })}`,
      valid: false,
    },
    {
      label: 'header-injection',
      authorization: `Bearer ${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(claims))}.${'%00'}`,
      valid: false,
    },
  ];
  return [...valid, ...bad];
}

// ---------------------------------------------------------------------------------------------
// One generated request.

interface Generated {
  /** A well-formed request by a writer (the domain may still refuse it), pristine or with one fault. */
  clean: boolean;
  method: string;
  pathValues: Record<string, string>;
  pathSuffix: string | null;
  query: string[];
  caller: Caller;
  ifMatch: string | null;
  idempotencyKey: string | null;
  correlation: string | null;
  contentType: string | null | undefined;
  body: unknown;
  mutations: StructuralMutation[];
  serialisation: Parameters<typeof serialise>[1];
  omitBody: boolean;
  getBody: unknown;
  accept: string | null;
}

/** `arb` with probability `p`, else null (fc.option's freq is the inverse: the chance of null is 1/freq). */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: Math.round((1 - p) * 100), arbitrary: fc.constant(null) }, { weight: Math.round(p * 100), arbitrary: arb });

const realCaseId = () => fc.nat().map((i) => caseIds[i % caseIds.length]!);
const uuidArb = () => fc.oneof({ weight: 5, arbitrary: realCaseId() }, { weight: 1, arbitrary: fc.uuid() });

function pathValue(p: Parameter): fc.Arbitrary<string> {
  const valid = p.schema.format === 'uuid' ? uuidArb() : fromSchema(p.schema, { uuid: uuidArb() }).map((v) => encodeLoose(String(v)));
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 2, arbitrary: fc.constantFrom(...pathTricks) },
    { weight: 1, arbitrary: realCaseId().chain((id) => fc.constantFrom(...uuidTricks(id))) },
    { weight: 1, arbitrary: hostileString.map(encodeLoose) },
    { weight: 1, arbitrary: fc.integer({ min: 150, max: 20_000 }).map((n) => 'a'.repeat(n)) },
  );
}

function queryParts(params: Parameter[]): fc.Arbitrary<string[]> {
  const perParam = params.map((p) =>
    sometimes(
      fc.oneof(
        { weight: 6, arbitrary: fromSchema(p.schema, { uuid: uuidArb() }).map((v) => [`${p.name}=${encodeLoose(String(v))}`]) },
        { weight: 2, arbitrary: hostileString.map((v) => [`${p.name}=${encodeLoose(v)}`]) },
        {
          weight: 1,
          arbitrary: fc.tuple(hostileString, hostileString).map(([a, b]) => [`${p.name}=${encodeLoose(a)}`, `${p.name}=${encodeLoose(b)}`]),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(
              '%',
              '%zz',
              '%00',
              '',
              '%ED%A0%80',
              '-1',
              '1e3',
              '99999999999999999999',
              '9223372036854775808',
              '1.5',
              '%201',
              '+1',
            )
            .map((v) => [`${p.name}=${v}`]),
        },
      ),
      2 / 3,
    ),
  );
  const extra = sometimes(
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom('__proto__', 'constructor', '__proto__[admin]', 'constructor[prototype][x]', 'x', '', '$where'),
          hostileString,
        )
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeLoose(v)}`),
      fc.constantFrom('&&&', '%', '=', '?', 'a[b]=1', '__proto__[x]=1', 'a=1&a=2&a=3'),
    ),
    0.2,
  );
  return fc.tuple(fc.tuple(...perParam), extra).map(([parts, e]) => [...parts.flatMap((x) => x ?? []), ...(e ? [e] : [])]);
}

function generatedFor(op: Operation, everyone: Caller[]): fc.Arbitrary<Generated> {
  const valid = everyone.filter((c) => c.valid);
  const bad = everyone.filter((c) => !c.valid);
  const ctx = { uuid: uuidArb() };
  return fc.record({
    clean: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    method: fc.oneof(
      { weight: 14, arbitrary: fc.constant(op.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
    ),
    pathValues: fc.record(Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p)]))),
    pathSuffix: sometimes(fc.constantFrom('/', '%00', ';x=1', '/..', '/%2e%2e', '//', '.json', '%20'), 0.07),
    query: queryParts(op.params.filter((p) => p.in === 'query')),
    caller: fc.oneof({ weight: 7, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: fc.constantFrom(...bad) }),
    ifMatch: sometimes(
      fc.oneof(
        fc.constantFrom(...ifMatchValues),
        fc.nat(6).map((n) => `"${n}"`),
        hostileString.map(headerSafe),
      ),
      1 / 3,
    ),
    idempotencyKey: sometimes(
      fc.oneof(
        { weight: 4, arbitrary: fc.uuid() },
        { weight: 2, arbitrary: fc.constantFrom('k1', 'k2', 'k3') },
        { weight: 1, arbitrary: hostileString.map(headerSafe) },
        { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a'.repeat(201), 'ключ', 'k\t1') },
      ),
      0.5,
    ),
    correlation: sometimes(fc.oneof(hostileString.map(headerSafe), fc.constantFrom(...injections).map(headerSafe)), 0.1),
    contentType: fc.oneof(
      { weight: 12, arbitrary: fc.constant('application/json') },
      { weight: 3, arbitrary: fc.constantFrom(...contentTypes) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    body: op.body ? fromSchema(op.body, ctx) : fc.constant(undefined),
    mutations: fc.oneof(
      { weight: 2, arbitrary: fc.constant<StructuralMutation[]>([]) },
      { weight: 5, arbitrary: fc.array(structuralMutation, { minLength: 1, maxLength: 3 }) },
    ),
    serialisation,
    omitBody: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    getBody: sometimes(hostileValue, 0.1),
    accept: sometimes(fc.constantFrom('application/xml', 'text/html', '*/*', 'application/problem+json', '', 'application/json;q=0'), 0.12),
  });
}

/** A header value as a client would send it: UTF-8 bytes, read by the server as Latin-1. */
const asHeader = (value: string) => Buffer.from(value, 'utf8').toString('latin1');

let sequence = 0;
/** For clean requests on the known actions: who may act and in which states (others: any writer, any case). */
const actionHints: Record<string, { party: 'KH' | 'CN'; role: 'officer' | 'supervisor'; statuses: string[] }> = {
  'identity-verification': { party: 'KH', role: 'officer', statuses: ['filed'] },
  handover: { party: 'KH', role: 'officer', statuses: ['identity_verified'] },
  completion: { party: 'CN', role: 'officer', statuses: ['handed_over'] },
  refusal: { party: 'KH', role: 'supervisor', statuses: ['filed', 'identity_verified'] },
  withdrawal: { party: 'CN', role: 'officer', statuses: ['filed', 'identity_verified'] },
};

function cleanCase(op: Operation, pick: number): string {
  const hint = actionHints[op.path.split('/').pop()!];
  const fitting = hint ? caseIds.filter((id) => hint.statuses.includes(caseStatus.get(id) ?? '')) : [];
  const pool = fitting.length ? fitting : caseIds;
  return pool[pick % pool.length]!;
}

function cleanCaller(op: Operation, given: Caller, pick: number): Caller {
  const hint = actionHints[op.path.split('/').pop()!];
  if (hint) {
    const fitting = writers.filter((c) => c.label.startsWith(hint.party) && c.label.includes(hint.role));
    return fitting[pick % fitting.length]!;
  }
  return given.valid && /officer|supervisor/.test(given.label) ? given : writers[pick % writers.length]!;
}

/** The request to send, and the generated values it was built from (normalised when clean). */
function build(op: Operation, generated: Generated): { request: RawRequest; correlation: string; g: Generated } {
  const g: Generated = generated.clean
    ? {
        ...generated,
        method: op.method,
        pathValues: Object.fromEntries(
          Object.entries(generated.pathValues).map(([k, v]) => [k, cleanCase(op, v.length + generated.query.length)]),
        ),
        // Business time defaults to now; a generated past one mostly breaks the chronology rule.
        body:
          op.path.includes('{') && generated.body && typeof generated.body === 'object'
            ? { ...generated.body, occurredAt: undefined }
            : generated.body,
        pathSuffix: null,
        query: generated.query.filter((q) => /^[\w]+=[\w.%-]*$/.test(q)),
        caller: cleanCaller(op, generated.caller, generated.query.length + (generated.idempotencyKey?.length ?? 0)),
        ifMatch: generated.ifMatch !== null && /^"\d"$/.test(generated.ifMatch) ? generated.ifMatch : null,
        idempotencyKey:
          generated.idempotencyKey !== null && /^[\w-]{1,64}$/.test(generated.idempotencyKey) ? generated.idempotencyKey : null,
        correlation: null,
        contentType: 'application/json',
        // Half pristine, half single-fault: one structural mutation of an otherwise valid request.
        mutations: generated.serialisation.n % 2 === 0 ? [] : generated.mutations.slice(0, 1),
        serialisation: { how: 'json', n: 0, value: null },
        omitBody: false,
        getBody: null,
        accept: null,
      }
    : generated;
  const correlation = `fz-${process.pid}-${++sequence}`;
  const path = `${fillPath(op.path, g.pathValues)}${g.pathSuffix ?? ''}${g.query.length ? `?${g.query.join('&')}` : ''}`;
  const headers: Record<string, string> = { 'x-correlation-id': g.correlation ?? correlation };
  if (g.caller.authorization !== undefined) headers.authorization = g.caller.authorization;
  if (g.ifMatch !== null) headers['if-match'] = asHeader(g.ifMatch);
  if (g.idempotencyKey !== null) headers['idempotency-key'] = asHeader(g.idempotencyKey);
  if (g.accept !== null) headers.accept = g.accept;
  let body: string | Buffer | undefined;
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(g.method) && !g.omitBody) {
    let value = g.body;
    for (const m of g.mutations) value = mutate(value, m);
    body = serialise(value, g.serialisation);
    for (const [, v] of personalStrings(value)) personal.add(v);
  } else if (g.getBody !== null) {
    body = JSON.stringify(g.getBody) ?? 'null';
  }
  if (body !== undefined && g.contentType !== undefined) headers['content-type'] = g.contentType ?? 'application/json';
  return { request: { method: g.method, path, headers, ...(body !== undefined ? { body } : {}), timeoutMs: 20_000 }, correlation, g };
}

/** The generated personal values in a body (names, document numbers, dates of birth). */
function personalStrings(value: unknown, key = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string' && looksPersonal(key, value)) out.push([key, value]);
  else if (Array.isArray(value)) value.forEach((v) => personalStrings(v, key, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) personalStrings(v, k, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

const tally = {
  requests: 0,
  clean: 0,
  batches: 0,
  unsendable: 0,
  byStatus: new Map<number, number>(),
  byOperation: new Map<string, number>(),
  commands2xx: 0,
  replays2xx: 0,
  reads2xx: 0,
  eventsAppended: 0,
  eventsVerified: 0,
  withoutValidToken: 0,
};
const acknowledged = new Set<string>();
const unsendableSamples: string[] = [];
const debugSamples = new Map<string, string>();

const eventsSince = async (position: string) =>
  (
    await sql<{ position: string; stream_id: string; stream_version: string; correlation: string | null }>`
      select position, stream_id, stream_version, metadata->>'correlationId' as correlation
      from events where position > ${position}::int8 order by position`.execute(t.database.db)
  ).rows;
const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(t.database.db)).rows[0]!.n);
const lastPosition = async () =>
  (await sql<{ p: string }>`select coalesce(max(position), 0)::text as p from events`.execute(t.database.db)).rows[0]!.p;

const describeRequest = (r: RawRequest) =>
  JSON.stringify({
    ...r,
    headers: { ...r.headers, authorization: r.headers?.authorization?.slice(0, 40) },
    body: r.body === undefined ? undefined : String(r.body).slice(0, 300),
  });

it(`${requestsWanted} hostile requests over every documented operation: 2xx or 4xx problem+json, never 5xx; events only from 2xx commands`, async () => {
  const everyone = callers();
  writers = everyone.filter((c) => c.valid && /officer|supervisor/.test(c.label));
  const perOp = new Map(ops.map((op) => [op.name, generatedFor(op, everyone)]));
  const request = fc.constantFrom(...ops).chain((op) => perOp.get(op.name)!.map((g) => ({ op, g })));
  const startedAt = Date.now();
  const eventsBefore = await eventCount();
  let position = await lastPosition();
  console.info(
    `[faults] fuzz: seed=${seed}${replayPath ? ` path=${replayPath}` : ''} operations=${ops.length} batch=${batchSize} (replay with FUZZ_SEED=${seed})`,
  );

  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: batchSize, maxLength: batchSize }), async (batch) => {
      const built = batch.map(({ op, g }) => ({ op, ...build(op, g) }));
      const answers = await Promise.all(
        built.map(({ request: r }) =>
          client.send(r).then(
            (response) => ({ response }) as { response: RawResponse; error?: undefined },
            (error: Error & { code?: string }) => ({ error }) as { response?: undefined; error: Error & { code?: string } },
          ),
        ),
      );
      tally.batches += 1;
      const okCorrelations = new Set<string>();
      const commandAnswers: { id: string; version: number }[] = [];
      for (const [i, { op, g, request: r }] of built.entries()) {
        const { response, error } = answers[i]!;
        if (error) {
          // node:http refusing to send what was generated is the generator's fault, not the server's.
          if (error.code?.startsWith('ERR_')) {
            tally.unsendable += 1;
            if (unsendableSamples.length < 5) unsendableSamples.push(`${error.code}: ${describeRequest(r).slice(0, 200)}`);
            continue;
          }
          throw new Error(`no answer (${error.message}) to ${describeRequest(r)}`);
        }
        tally.requests += 1;
        if (g.clean) tally.clean += 1;
        tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
        tally.byOperation.set(op.name, (tally.byOperation.get(op.name) ?? 0) + 1);
        if (!g.caller.valid) tally.withoutValidToken += 1;
        if (process.env.FUZZ_DEBUG) {
          const sampleKey = `${g.clean ? 'clean ' : ''}${op.name} ${response.status}`;
          if (!debugSamples.has(sampleKey))
            debugSamples.set(sampleKey, `${response.text.slice(0, 400)} <= ${describeRequest(r).slice(0, 700)}`);
        }
        const context = `${response.status} ${response.text.slice(0, 300)} for ${describeRequest(r)}`;
        expect(response.status >= 500, context).toBe(false);
        const ok = response.status >= 200 && response.status < 300;
        expect(ok || (response.status >= 400 && response.status < 500), context).toBe(true);
        if (!ok) {
          expect(isProblem(response), `not problem+json: ${context}`).toBe(true);
          if (op.requiresAuth && !g.caller.valid) expect(response.status, context).not.toBe(403);
          continue;
        }
        // A 2xx: only for a documented method of this path (a swapped method may name another
        // operation, e.g. GET /v1/cases), only with a valid token where one is needed.
        const answered = g.method === op.method ? op : ops.find((o) => o.path === op.path && o.method === g.method);
        expect(answered, `2xx for an undocumented method: ${context}`).toBeDefined();
        if (answered!.requiresAuth) expect(g.caller.valid, context).toBe(true);
        if (g.method === 'GET') {
          tally.reads2xx += 1;
          continue;
        }
        const correlation = String(response.headers['x-correlation-id']);
        okCorrelations.add(correlation);
        if (answered!.caseCommand && g.method === op.method) {
          const version = etagVersion(response);
          expect(version, context).toBeGreaterThan(0);
          expect(response.json?.version, context).toBe(version);
          commandAnswers.push({ id: String(response.json.id), version: version! });
          if (version === 1 && !caseIds.includes(String(response.json.id))) caseIds.push(String(response.json.id));
          caseStatus.set(String(response.json.id), String(response.json.status));
        }
      }

      // The log moved by exactly what the 2xx commands of this batch appended.
      const appended = await eventsSince(position);
      for (const e of appended) {
        expect(
          okCorrelations.has(String(e.correlation)),
          `event ${e.stream_id}#${e.stream_version} appended by a request that got no 2xx (${e.correlation})`,
        ).toBe(true);
      }
      const appendedKeys = new Set(appended.map((e) => `${e.stream_id}#${e.stream_version}`));
      const fresh = commandAnswers.filter((a) => !acknowledged.has(`${a.id}#${a.version}`));
      for (const a of fresh) {
        expect(appendedKeys.has(`${a.id}#${a.version}`), `2xx ${a.id} version ${a.version} has no event`).toBe(true);
        acknowledged.add(`${a.id}#${a.version}`);
      }
      tally.replays2xx += commandAnswers.length - fresh.length;
      tally.commands2xx += fresh.length;
      const fromCommands = appended.filter((e) => fresh.some((a) => a.id === e.stream_id));
      expect(fromCommands.length).toBe(new Set(fresh.map((a) => `${a.id}#${a.version}`)).size);
      tally.eventsAppended += appended.length;
      tally.eventsVerified += fromCommands.length;
      if (appended.length) position = appended[appended.length - 1]!.position;
    }),
    {
      seed,
      numRuns: Math.ceil(requestsWanted / batchSize),
      ...(replayPath ? { path: replayPath } : {}),
      interruptAfterTimeLimit: 150_000,
      markInterruptAsFailure: true,
    },
  );

  const statuses = [...tally.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}:${n}`)
    .join(',');
  printFigures('fuzz', {
    seed,
    requests: tally.requests,
    batches: tally.batches,
    operations: ops.length,
    withoutValidToken: tally.withoutValidToken,
    clean: tally.clean,
    statuses,
    commands2xx: tally.commands2xx,
    replayed2xx: tally.replays2xx,
    reads2xx: tally.reads2xx,
    eventsAppended: tally.eventsAppended,
    eventsVerified: tally.eventsVerified,
    unsendable: tally.unsendable,
    seconds: ((Date.now() - startedAt) / 1000).toFixed(1),
  });
  printFigures('fuzz/per-operation', Object.fromEntries([...tally.byOperation.entries()].map(([k, v]) => [k.replaceAll(' ', '_'), v])));
  for (const [k, v] of debugSamples) console.info(`[faults] fuzz/sample ${k}: ${v}`);
  if (unsendableSamples.length)
    console.info(`[faults] fuzz: node:http refused to send ${tally.unsendable}, e.g. ${unsendableSamples.join(' | ')}`);
  const eventsAfter = await eventCount();
  expect(eventsAfter - eventsBefore).toBe(tally.eventsAppended);
  expect(tally.eventsAppended).toBe(tally.commands2xx);
  expect(tally.requests).toBeGreaterThanOrEqual(requestsWanted * 0.98);
  // Every documented operation was exercised.
  for (const op of ops) expect(tally.byOperation.get(op.name) ?? 0, op.name).toBeGreaterThan(requestsWanted / ops.length / 4);
}, 240_000);

it('no personal data in the fuzzed server’s logs', () => {
  const scanned = personal.assertAbsentFrom(t.logs);
  printFigures('fuzz/personal-data', scanned);
});

// What the fuzzing (and reading the code behind its findings) turned up, kept as plain
// regressions: each was a 5xx or an answer that was not problem+json before its fix.
describe('inputs that once broke the service', () => {
  const cases: [string, () => Promise<RawRequest>][] = [
    [
      'a URL that is not valid UTF-8 once decoded (was application/json, not problem+json)',
      async () => ({ method: 'GET', path: '/v1/cases/%ED%A0%80/events' }),
    ],
    [
      'a path parameter over maxParamLength (was application/json 414)',
      async () => ({ method: 'GET', path: `/v1/cases/${'a'.repeat(300)}` }),
    ],
    [
      'a refusal reason with a lone surrogate (was 500: jsonb refuses \\ud800)',
      async () => ({
        method: 'POST',
        path: `/v1/cases/${await filed()}/refusal`,
        caller: 'KH-supervisor',
        body: '{"ground":"security","reason":"\\ud800"}',
      }),
    ],
    [
      'a withdrawal reason with a NUL (was 500)',
      async () => ({ method: 'POST', path: `/v1/cases/${await filed()}/withdrawal`, caller: 'CN-officer', body: '{"reason":"a\\u0000b"}' }),
    ],
    [
      'a warrant reference with a lone surrogate (was 500)',
      async () => ({
        method: 'POST',
        path: '/v1/cases',
        caller: 'CN-officer',
        body: JSON.stringify({ ...deportationFiling, warrant: { ...deportationFiling.warrant, reference: 'GZ\ud800' } }),
      }),
    ],
    [
      'a business time in year 0 UTC, 0001-01-01T00:00:00+14:00 (was 500: PostgreSQL has no year 0)',
      async () => ({
        method: 'POST',
        path: '/v1/cases',
        caller: 'CN-officer',
        body: JSON.stringify({ ...deportationFiling, occurredAt: '0001-01-01T00:00:00+14:00' }),
      }),
    ],
    [
      'the same on an action',
      async () => ({
        method: 'POST',
        path: `/v1/cases/${await filed()}/withdrawal`,
        caller: 'CN-officer',
        body: '{"reason":"r","occurredAt":"0001-01-01T00:00:00+14:00"}',
      }),
    ],
    [
      'an asOf in year 0 UTC',
      async () => ({ method: 'GET', path: `/v1/cases/${await filed()}?asOf=0001-01-01T00%3A00%3A00%2B14%3A00`, caller: 'KH-auditor' }),
    ],
    [
      'an access-log cursor beyond int8 (was 500)',
      async () => ({ method: 'GET', path: '/v1/audit/access-log?after=9223372036854775808', caller: 'KH-auditor' }),
    ],
    [
      'a global-log position beyond int8 (was 500)',
      async () => ({ method: 'GET', path: '/v1/events?after=9999999999999999999', caller: 'KH-auditor' }),
    ],
    [
      'a global-log cursor whose position is beyond int8 (was 500)',
      async () => ({ method: 'GET', path: '/v1/events?after=1.9999999999999999999', caller: 'KH-auditor' }),
    ],
  ].map(([name, make]) => [name as string, make as () => Promise<RawRequest & { caller?: string }>]);

  async function filed(): Promise<string> {
    const subject = uniqueSubject();
    personal.addSubject(subject);
    const response = await t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: { ...deportationFiling, subject } });
    return response.body.id;
  }

  it.each(cases)('%s: 4xx problem+json, nothing appended', async (_name, make) => {
    const { caller, ...request } = (await make()) as RawRequest & { caller?: string };
    const before = await eventCount();
    const headers: Record<string, string> = { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}) };
    if (caller) {
      const [party, role] = caller.split('-') as ['KH' | 'CN', 'officer' | 'supervisor' | 'auditor'];
      headers.authorization = `Bearer ${t.token(party, role)}`;
    }
    const response = await client.send({ ...request, headers });
    expect(response.status, response.text).toBeGreaterThanOrEqual(400);
    expect(response.status, response.text).toBeLessThan(500);
    expect(isProblem(response), response.text).toBe(true);
    expect(await eventCount()).toBe(before);
  });

  it('figures', () => printFigures('fuzz/regressions', { inputs: cases.length, answered4xxProblem: cases.length, eventsAppended: 0 }));
});
