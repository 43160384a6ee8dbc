import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling } from '@cco/testkit';
import { startTestApp, type TestApp } from '../../../test/support/testApp';
import type { KeySetTiming } from '../src/auth/partyKeySet';
import type { AuthOptions } from '../src/plugins/auth';
import { eventually, FakeIdentityProvider } from './identityProvider';

// Each party's tokens verified with that party's own keys, fetched from its identity provider:
// here two fake providers serving JWKS over loopback. One test per rule (docs/api.md, "Who is
// calling"); each fails if its rule is removed.

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const officer = (party: 'KH' | 'CN', sub = `${party.toLowerCase()}-officer-1`) => ({ sub, party, roles: ['officer', 'auditor'] });

async function trusting(kh: FakeIdentityProvider, cn: FakeIdentityProvider, timing: Partial<KeySetTiming> = {}): Promise<TestApp> {
  const auth: AuthOptions = {
    parties: { KH: { issuer: kh.issuer, jwks: { url: kh.url } }, CN: { issuer: cn.issuer, jwks: { url: cn.url } } },
    audience: 'cco-api',
    timing: { maxAgeMs: 600_000, cooldownMs: 30_000, fetchTimeoutMs: 2000, ...timing },
  };
  return startTestApp({ auth });
}

/** GET /v1/events (auditors): 200 when the token is accepted. */
const statusWith = async (t: TestApp, token: string) => (await t.request('GET', '/v1/events?limit=1', { token })).status;

describe('two ministries, each with its own keys', () => {
  const kh = new FakeIdentityProvider('https://idp.kh.example');
  const cn = new FakeIdentityProvider('https://idp.cn.example');
  let t: TestApp;
  beforeAll(async () => {
    await kh.start();
    await cn.start();
    await kh.addKey('kh-es-1', 'ES256');
    await kh.addKey('kh-ed-1', 'EdDSA');
    await cn.addKey('cn-rs-1', 'RS256');
    t = await trusting(kh, cn);
  });
  afterAll(async () => {
    await t?.close();
    await kh.stop();
    await cn.stop();
  });

  it('serves both: KH with ES256 and EdDSA, CN with RS256', async () => {
    expect(await statusWith(t, await kh.sign(officer('KH'), { kid: 'kh-es-1' }))).toBe(200);
    expect(await statusWith(t, await kh.sign(officer('KH'), { kid: 'kh-ed-1' }))).toBe(200);
    expect(await statusWith(t, await cn.sign(officer('CN')))).toBe(200);
  });

  it('the scheme is case-insensitive (RFC 9110): `bearer <token>` is accepted', async () => {
    const response = await t.request('GET', '/v1/events?limit=1', { headers: { authorization: `bearer ${await kh.sign(officer('KH'))}` } });
    expect(response.status).toBe(200);
  });

  it('a KH key signing a CN-party token (KH issuer) is 401', async () => {
    const response = await t.request('GET', '/v1/events?limit=1', { token: await kh.sign(officer('CN')) });
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('urn:cco:problem:unauthorized');
  });

  it('a KH key with CN’s issuer is 401, under KH’s kid or under CN’s', async () => {
    expect(await statusWith(t, await kh.sign({ ...officer('CN'), iss: cn.issuer }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('CN'), iss: cn.issuer }, { header: { kid: 'cn-rs-1' } }))).toBe(401);
  });

  it('alg none is 401', async () => {
    const token = `${b64({ alg: 'none', kid: 'kh-es-1' })}.${b64({ ...officer('KH'), iss: kh.issuer, aud: 'cco-api', iat: now(), exp: now() + 600 })}.`;
    expect(await statusWith(t, token)).toBe(401);
  });

  it('HS256 signed with KH’s public key as the secret is 401', async () => {
    const publicKey = kh.jwks().keys.find((k) => k.kid === 'kh-ed-1')!;
    const input = `${b64({ alg: 'HS256', kid: 'kh-ed-1' })}.${b64({ ...officer('KH'), iss: kh.issuer, aud: 'cco-api', iat: now(), exp: now() + 600 })}`;
    for (const secret of [publicKey.x!, JSON.stringify(publicKey)]) {
      expect(await statusWith(t, `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`)).toBe(401);
    }
  });

  it('a token without kid is 401 (even though KH’s set would have one key for its alg)', async () => {
    const onlyEdKey = await kh.sign(officer('KH'), { kid: 'kh-ed-1', header: { kid: undefined } });
    expect(JSON.parse(Buffer.from(onlyEdKey.split('.')[0]!, 'base64url').toString())).not.toHaveProperty('kid');
    expect(await statusWith(t, onlyEdKey)).toBe(401);
  });

  it('exp and iat are required; a lifetime over 12 h is 401, 12 h exactly is accepted', async () => {
    const iat = now();
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat, exp: iat + 12 * 3600 }))).toBe(200);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat, exp: iat + 12 * 3600 + 1 }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), exp: 1e20 }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat: undefined }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), exp: undefined }))).toBe(401);
  });

  it('iat more than 60 s in the future is 401; within the skew it is accepted', async () => {
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat: now() + 30, exp: now() + 600 }))).toBe(200);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat: now() + 120, exp: now() + 600 }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), iat: now() + 86_400, exp: now() + 86_400 + 600 }))).toBe(401);
  });

  it('aud must contain cco-api', async () => {
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), aud: ['another-api', 'cco-api'] }))).toBe(200);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), aud: 'another-api' }))).toBe(401);
    expect(await statusWith(t, await kh.sign({ ...officer('KH'), aud: undefined }))).toBe(401);
  });

  it('unknown kids make KH’s set be fetched again at most once per cooldown (30 s)', async () => {
    expect(await statusWith(t, await kh.sign(officer('KH')))).toBe(200);
    const before = kh.fetches;
    for (let i = 0; i < 5; i++) {
      const forged = `${b64({ alg: 'ES256', kid: `kh-unknown-${i}` })}.${b64({ ...officer('KH'), iss: kh.issuer, aud: 'cco-api', iat: now(), exp: now() + 600 })}.${b64('x'.repeat(64))}`;
      expect(await statusWith(t, forged)).toBe(401);
    }
    expect(kh.fetches - before).toBeLessThanOrEqual(1);
    expect(cn.fetches).toBeLessThanOrEqual(1);
  });

  it('the access log and each event’s metadata record the verified issuer and kid beside sub', async () => {
    const filed = await t.request('POST', '/v1/cases', { token: await cn.sign(officer('CN', 'cn-filer')), body: deportationFiling });
    expect(filed.status).toBe(201);
    const read = await t.request('GET', `/v1/cases/${filed.body.id}`, {
      token: await kh.sign(officer('KH', 'kh-reader'), { kid: 'kh-ed-1' }),
    });
    expect(read.status).toBe(200);

    const events = await sql<{ metadata: Record<string, unknown> }>`select metadata from events where stream_id = ${filed.body.id}`.execute(
      t.database.db,
    );
    expect(events.rows[0]!.metadata).toMatchObject({ actor: 'cn-filer', party: 'CN', issuer: cn.issuer, kid: 'cn-rs-1' });
    const log = await t.request('GET', `/v1/audit/access-log?caseId=${filed.body.id}`, {
      token: await kh.sign(officer('KH', 'kh-auditor')),
    });
    expect(log.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'cn-filer', issuer: cn.issuer, kid: 'cn-rs-1', resource: 'command-answer' }),
        expect.objectContaining({ actor: 'kh-reader', issuer: kh.issuer, kid: 'kh-ed-1', resource: 'case' }),
      ]),
    );
  });
});

describe('rotation and removal, without a restart', () => {
  const kh = new FakeIdentityProvider('https://idp.kh.example');
  const cn = new FakeIdentityProvider('https://idp.cn.example');
  const cacheMs = 8000;
  let t: TestApp;
  beforeAll(async () => {
    await kh.start();
    await cn.start();
    await kh.addKey('kh-1', 'EdDSA');
    await cn.addKey('cn-1', 'ES256');
    t = await trusting(kh, cn, { maxAgeMs: cacheMs, cooldownMs: 200 });
  });
  afterAll(async () => {
    await t?.close();
    await kh.stop();
    await cn.stop();
  });

  it('a key added to KH’s set works as soon as a token names it', async () => {
    expect(await statusWith(t, await kh.sign(officer('KH'), { kid: 'kh-1' }))).toBe(200);
    await kh.addKey('kh-2', 'ES256');
    const rotated = await kh.sign(officer('KH'), { kid: 'kh-2' });
    // The first use may fall inside the 200 ms cooldown after the last fetch; it works right
    // after, long before the cache time would have brought the new set anyway.
    await eventually(async () => (await statusWith(t, rotated)) === 200, 'the new key verifies before the cache time', cacheMs / 2);
  });

  it('a key removed from KH’s set keeps working until the cache time, then 401', async () => {
    const old = await kh.sign(officer('KH'), { kid: 'kh-1' });
    expect(await statusWith(t, old)).toBe(200);
    const fetchesAtRemoval = kh.fetches;
    kh.removeKey('kh-1');
    const cached = await statusWith(t, old);
    // Still the cached set unless the cache time has passed meanwhile (only on a very slow machine).
    if (kh.fetches === fetchesAtRemoval) expect(cached).toBe(200);
    await eventually(async () => (await statusWith(t, old)) === 401, 'the removed key is refused', cacheMs + 15_000);
    expect(await statusWith(t, await kh.sign(officer('KH'), { kid: 'kh-2' }))).toBe(200);
  });
});

describe('identity provider outages', () => {
  const kh = new FakeIdentityProvider('https://idp.kh.example');
  const cn = new FakeIdentityProvider('https://idp.cn.example');
  let t: TestApp;
  beforeAll(async () => {
    await kh.start();
    await cn.start();
    await kh.addKey('kh-1', 'ES256');
    await cn.addKey('cn-1', 'EdDSA');
    cn.down = true;
    t = await trusting(kh, cn, { maxAgeMs: 300, cooldownMs: 100 });
  });
  afterAll(async () => {
    await t?.close();
    await kh.stop();
    await cn.stop();
  });

  it('KH’s JWKS down: its cached keys keep serving past the cache time', async () => {
    const token = await kh.sign(officer('KH'));
    expect(await statusWith(t, token)).toBe(200);
    kh.down = true;
    const fetchesWhenDown = kh.fetches;
    // Past the cache time the set is fetched again, fails, and the cached keys still verify.
    await eventually(async () => (await statusWith(t, token)) === 200 && kh.fetches > fetchesWhenDown, 'a failed refetch while serving');
    expect(await statusWith(t, token)).toBe(200);
    expect(t.logs.some((line) => line.includes('"party":"KH"') && line.includes('could not be fetched'))).toBe(true);
    kh.down = false;
  });

  it('CN’s JWKS down with no key ever fetched: 503 problem+json, a metric and a log line naming CN', async () => {
    const token = await cn.sign(officer('CN'));
    const response = await t.request('GET', '/v1/events?limit=1', { token });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:cco:problem:unavailable', status: 503 });
    expect(response.body.detail).toContain('CN');
    const metrics = (await t.request('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/cco_auth_keys_unavailable_total\{party="CN"\} [1-9]/);
    expect(metrics).toMatch(/cco_auth_jwks_fetch_failures_total\{party="CN",cached="false"\} [1-9]/);
    expect(t.logs.some((line) => line.includes('"party":"CN"') && line.includes('no usable signing key of CN'))).toBe(true);
    // KH is not affected.
    expect(await statusWith(t, await kh.sign(officer('KH')))).toBe(200);
  });

  it('CN back: its tokens verify again, no restart', async () => {
    cn.down = false;
    const token = await cn.sign(officer('CN'));
    await eventually(async () => (await statusWith(t, token)) === 200, 'CN verifies once its JWKS answers');
  });
});
