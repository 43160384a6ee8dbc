import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Party = 'KH' | 'CN';
type Claims = { sub: string; party: Party; roles: string[] };

/**
 * Two identity providers of the bench's own, as production has them: a fresh Ed25519 key per
 * party, its JWKS written to a file (AUTH_<party>_JWKS), its issuer. `sign` issues a token as
 * the claims' party's provider would (EdDSA, kid, iss, aud, iat, exp).
 */
const made = new Map<string, BenchIdentities>();

export interface BenchIdentities {
  env: Record<string, string>;
  sign(claims: Claims, ttlSeconds?: number): string;
}

/** The identities for the services a run starts in `dir`: made once, so every process trusts the same keys. */
export function benchIdentities(dir: string): BenchIdentities {
  const known = made.get(dir);
  if (known) return known;
  const identities = makeIdentities(dir);
  made.set(dir, identities);
  return identities;
}

function makeIdentities(dir: string): BenchIdentities {
  const keys = {} as Record<Party, { privateKey: KeyObject; kid: string; issuer: string }>;
  const env: Record<string, string> = {};
  for (const party of ['KH', 'CN'] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const kid = `bench-${party.toLowerCase()}-1`;
    const issuer = `https://idp.${party.toLowerCase()}.bench.invalid`;
    const file = join(dir, `jwks-${party}.json`);
    writeFileSync(file, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' }] }));
    keys[party] = { privateKey, kid, issuer };
    env[`AUTH_${party}_JWKS`] = file;
    env[`AUTH_${party}_ISSUER`] = issuer;
  }
  return {
    env,
    sign(claims, ttlSeconds = 3600) {
      const { privateKey, kid, issuer } = keys[claims.party];
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const iat = Math.floor(Date.now() / 1000);
      const unsigned = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64({ ...claims, iss: issuer, aud: 'cco-api', iat, exp: iat + ttlSeconds })}`;
      return `${unsigned}.${sign(null, Buffer.from(unsigned), privateKey).toString('base64url')}`;
    },
  };
}
