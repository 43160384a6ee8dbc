import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Party } from '@cco/domain';
import { developmentJwks, developmentSigningKey } from '@cco/dev-auth';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeySetTiming } from '../src/auth/partyKeySet';
import { createVerifier, PartyKeysUnavailable, TokenRejected, type PartyTrust } from '../src/auth/verifyBearer';
import { FakeIdentityProvider } from './identityProvider';

// Each party's key set as the verifier holds it, against identity providers on loopback: keys
// compared by what they are (not how they are spelled), a key two parties list trusted by
// neither, and a provider that hangs or sends 100 MB costing neither party its requests.

const dir = mkdtempSync(join(tmpdir(), 'cco-party-key-sets-'));
const officer = (party: Party) => ({ sub: `${party.toLowerCase()}-officer`, party, roles: ['officer'] });
const providers: FakeIdentityProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop()));
});

async function provider(issuer: string, kid: string): Promise<FakeIdentityProvider> {
  const p = new FakeIdentityProvider(issuer);
  await p.addKey(kid, 'EdDSA');
  providers.push(p);
  return p;
}

function file(name: string, set: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(set));
  return path;
}

function verifierOf(kh: PartyTrust, cn: PartyTrust, options: { timing?: Partial<KeySetTiming>; refusedKeys?: object[] } = {}) {
  const contested: Record<string, string[]> = {};
  const verify = createVerifier(
    {
      parties: { KH: kh, CN: cn },
      audience: 'cco-api',
      timing: { maxAgeMs: 600_000, cooldownMs: 30_000, fetchTimeoutMs: 3000, ...options.timing },
      refusedKeys: options.refusedKeys,
      rememberTokens: 0,
    },
    (party) => ({
      onFetchFailed: () => undefined,
      onKeysRefused: () => undefined,
      onKeysContested: (kids) => (contested[party] = kids),
    }),
  );
  return { verify, contested };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error) => (error instanceof TokenRejected ? 'rejected' : error instanceof PartyKeysUnavailable ? 'unavailable' : String(error)),
  );

describe('the development keys are refused in any spelling', () => {
  const cnDev = developmentJwks('CN').keys[0]!;
  const signedWithCnDevelopmentKey = (issuer: string) => {
    const now = Math.floor(Date.now() / 1000);
    const key = developmentSigningKey('CN');
    return new SignJWT({ ...officer('CN'), iss: issuer, aud: 'cco-api', iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(createPrivateKey(key.pem));
  };

  it.each([
    ['as published', cnDev.x],
    ['with = padding', `${cnDev.x}=`],
    ['in standard base64', Buffer.from(cnDev.x, 'base64url').toString('base64')],
  ])('%s', async (_name, x) => {
    const kh = await provider('https://idp.kh.example', 'kh-1');
    const cnFile = file(`cn-dev-${x.length}-${x.at(-1)}`, { keys: [{ ...cnDev, x }] });
    const { verify } = verifierOf(
      { issuer: kh.issuer, jwks: { keys: kh.jwks() } },
      { issuer: 'https://idp.cn.example', jwks: { file: cnFile } },
      { refusedKeys: [...developmentJwks('KH').keys, ...developmentJwks('CN').keys] },
    );
    const token = await signedWithCnDevelopmentKey('https://idp.cn.example');
    expect(await outcome(verify(token))).toBe('rejected');
  });
});

describe('a key both parties list is trusted by neither', () => {
  it('KH’s provider lists CN’s key: CN’s tokens under it and KH-issued ones under it are rejected; KH’s own key serves; removed, CN’s key serves again', async () => {
    const kh = await provider('https://idp.kh.example', 'kh-1');
    const cn = await provider('https://idp.cn.example', 'cn-1');
    await kh.start();
    const cnKey = cn.jwks().keys[0]!;
    // The same key, spelled with padding and under another kid, in KH's set.
    const copied = [{ ...cnKey, kid: 'kh-copy', x: `${cnKey.x}=` }];
    const ownKeys = kh.jwks.bind(kh);
    kh.jwks = () => ({ keys: [...ownKeys().keys, ...copied] });
    const { verify, contested } = verifierOf(
      { issuer: kh.issuer, jwks: { url: kh.url } },
      { issuer: cn.issuer, jwks: { file: file('cn-contested', cn.jwks()) } },
      { timing: { maxAgeMs: 200, cooldownMs: 100 } },
    );
    expect(await outcome(verify(await kh.sign(officer('KH'))))).toBe('accepted');
    expect(await outcome(verify(await cn.sign(officer('CN'))))).toBe('rejected');
    expect(await outcome(verify(await cn.sign({ ...officer('KH'), iss: kh.issuer }, { header: { kid: 'kh-copy' } })))).toBe('rejected');
    expect(contested).toEqual({ KH: ['kh-copy'], CN: ['cn-1'] });

    copied.length = 0;
    await new Promise((r) => setTimeout(r, 250));
    await verify(await kh.sign(officer('KH'))); // past the cache period: refreshed in the background
    const deadline = Date.now() + 5000;
    while ((await outcome(verify(await cn.sign(officer('CN'))))) !== 'accepted' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await outcome(verify(await cn.sign(officer('CN'))))).toBe('accepted');
    expect(contested).toEqual({ KH: [], CN: [] });
  });
});

describe('a slow or huge key set costs nobody their requests', () => {
  it('a provider that hangs after the cache period: its party is served from the cached set at once', async () => {
    const kh = await provider('https://idp.kh.example', 'kh-1');
    await kh.start();
    const { verify } = verifierOf(
      { issuer: kh.issuer, jwks: { url: kh.url } },
      { issuer: 'https://idp.cn.example', jwks: { keys: { keys: [] } } },
      { timing: { maxAgeMs: 200, cooldownMs: 100, fetchTimeoutMs: 3000 } },
    );
    const token = await kh.sign(officer('KH'));
    expect(await outcome(verify(token))).toBe('accepted');
    kh.hanging = true;
    await new Promise((r) => setTimeout(r, 250));
    const fetchesBefore = kh.fetches;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      expect(await outcome(verify(token))).toBe('accepted');
      expect(performance.now() - started).toBeLessThan(1000); // the fetch it started hangs for 3 s
    }
    expect(kh.fetches).toBe(fetchesBefore + 1); // one background refresh, not one per request
  });

  it('a 100 MB key set: read no further than the cap, the other party unaffected, memory bounded, the cached set still served', async () => {
    const kh = await provider('https://idp.kh.example', 'kh-1');
    const cn = await provider('https://idp.cn.example', 'cn-1');
    await kh.start();
    const { verify } = verifierOf(
      { issuer: kh.issuer, jwks: { url: kh.url } },
      { issuer: cn.issuer, jwks: { file: file('cn-huge', cn.jwks()) } },
      { timing: { maxAgeMs: 200, cooldownMs: 100, fetchTimeoutMs: 20_000 } },
    );
    const khToken = await kh.sign(officer('KH'));
    const cnToken = await cn.sign(officer('CN'));
    expect(await outcome(verify(khToken))).toBe('accepted');
    expect(await outcome(verify(cnToken))).toBe('accepted');
    kh.hugeBytes = 100 * 1024 * 1024;
    await new Promise((r) => setTimeout(r, 250));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;

    // KH's next token starts the background refresh; CN's tokens are verified meanwhile.
    expect(await outcome(verify(khToken))).toBe('accepted');
    let slowest = 0;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      const started = performance.now();
      expect(await outcome(verify(cnToken))).toBe('accepted');
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(slowest).toBeLessThan(500);
    expect(kh.hugeBytesSent).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    // The refused refresh left KH's cached set serving; a new KH provider (no set held) gets a 503.
    expect(await outcome(verify(khToken))).toBe('accepted');
    const fresh = verifierOf({ issuer: kh.issuer, jwks: { url: kh.url } }, { issuer: cn.issuer, jwks: { keys: cn.jwks() } });
    expect(await outcome(fresh.verify(khToken))).toBe('unavailable');
  });
});
