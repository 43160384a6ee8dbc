import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JwksSource } from '../src/auth/partyKeySet';
import { createVerifier, TokenRejected, type VerifierOptions } from '../src/auth/verifyBearer';

// A token verified once is remembered by its exact text; these say what the memory never spares:
// expiry, a key removed from the party's set, and a different token. Signature checks are counted
// where jose makes them (WebCrypto's verify).

const KH = 'https://idp.kh.example';
const CN = 'https://idp.cn.example';
let key: { privateKey: CryptoKey; jwk: JWK };

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { extractable: true });
  key = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'kh-1', alg: 'EdDSA' } };
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const sign = (claims: Record<string, unknown> = {}, lifetime = 600) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ party: 'KH', roles: ['officer'], ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'kh-1' })
    .setIssuer(KH)
    .setAudience('cco-api')
    .setSubject('kh-officer-1')
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key.privateKey);
};

const verifier = (kh: JwksSource, extra: Partial<VerifierOptions> = {}) =>
  createVerifier(
    {
      parties: { KH: { issuer: KH, jwks: kh }, CN: { issuer: CN, jwks: { keys: { keys: [] } } } },
      audience: 'cco-api',
      timing: { maxAgeMs: 60_000, cooldownMs: 0, fetchTimeoutMs: 1000 },
      ...extra,
    },
    () => ({ onFetchFailed: () => undefined, onKeysRefused: () => undefined }),
  );

const signatureChecks = () => vi.spyOn(SubtleCrypto.prototype, 'verify');

describe('verified tokens remembered', () => {
  it('the same token is checked once; another token of the same officer is checked afresh', async () => {
    const verify = verifier({ keys: { keys: [key.jwk] } });
    const checks = signatureChecks();
    const token = await sign();
    const first = await verify(token);
    expect(await verify(token)).toBe(first);
    expect(checks).toHaveBeenCalledTimes(1);
    await verify(await sign({ jti: 'another' }));
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it('what it hands out cannot be altered for the next request', async () => {
    const verify = verifier({ keys: { keys: [key.jwk] } });
    const verified = await verify(await sign());
    expect(Object.isFrozen(verified) && Object.isFrozen(verified.payload) && Object.isFrozen(verified.payload.roles)).toBe(true);
  });

  it('with rememberTokens 0 every use is checked', async () => {
    const verify = verifier({ keys: { keys: [key.jwk] } }, { rememberTokens: 0 });
    const checks = signatureChecks();
    const token = await sign();
    await verify(token);
    await verify(token);
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it('past exp (and the 60 s skew) a remembered token is refused', async () => {
    const verify = verifier({ keys: { keys: [key.jwk] } });
    const token = await sign({}, 120);
    await verify(token);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 179_000 });
    await expect(verify(token)).resolves.toBeDefined();
    vi.setSystemTime(Date.now() + 2_000);
    await expect(verify(token)).rejects.toThrow(TokenRejected);
  });

  it('a key removed from the party’s set stops vouching for remembered tokens at the next fetch', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cco-jwks-')), 'kh.json');
    writeFileSync(file, JSON.stringify({ keys: [key.jwk] }));
    const verify = verifier({ file });
    const token = await sign();
    await verify(token);
    writeFileSync(file, JSON.stringify({ keys: [] }));
    // Before the set's cache time the set is not read again, remembered or not.
    await expect(verify(token)).resolves.toBeDefined();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    // Past it, the next use starts the read in the background (and is served from the cached set);
    // once the read is done, the removed key vouches no more.
    await verify(token).catch(() => undefined);
    await expect
      .poll(() =>
        verify(token).then(
          () => 'accepted',
          (error: Error) => error.message,
        ),
      )
      .toMatch(/no key kh-1/);
  });

  it('keeps at most rememberTokens: the oldest is checked again', async () => {
    const verify = verifier({ keys: { keys: [key.jwk] } }, { rememberTokens: 2 });
    const tokens = [await sign({ jti: 'a' }), await sign({ jti: 'b' }), await sign({ jti: 'c' })];
    for (const token of tokens) await verify(token);
    const checks = signatureChecks();
    await verify(tokens[2]!);
    await verify(tokens[1]!);
    expect(checks).toHaveBeenCalledTimes(0);
    await verify(tokens[0]!);
    expect(checks).toHaveBeenCalledTimes(1);
  });
});
