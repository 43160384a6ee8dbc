import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { developmentAudience, developmentIssuers, developmentSigningKey } from '@cco/dev-auth';

// The one token signer of the tests, the benchmarks and the simulator. JWTs are built by hand
// (base64url + node:crypto's Ed25519), so no library normalises what the tests send: headers,
// claims and signatures are exactly what each case needs, however wrong.

export const b64url = (input: string | Buffer) => Buffer.from(input).toString('base64url');

export type Json = Record<string, unknown>;
export type Party = 'KH' | 'CN';

const hmacFor: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** header.payload.signature with the signature an HMAC of `secret` (the digest named by `hmac`). */
export function signHmac(
  header: Json,
  payload: Json | string,
  secret: string | Buffer,
  hmac: 'HS256' | 'HS384' | 'HS512' = 'HS256',
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${createHmac(hmacFor[hmac]!, secret).update(input).digest('base64url')}`;
}

/** header.payload.signature signed (Ed25519) with `party`'s development key, whatever the header says. */
export function signEd25519(
  header: Json,
  payload: Json | string,
  party: Party = 'KH',
  key = createPrivateKey(developmentSigningKey(party).pem),
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** The header a party's development key signs with (EdDSA, its kid). */
export const developmentHeader = (party: Party = 'KH'): Json => ({ alg: 'EdDSA', typ: 'JWT', kid: developmentSigningKey(party).kid });

/** A party's development public key, PEM (what an algorithm-confusion attack uses as an HMAC secret). */
export const developmentPublicPem = (party: Party = 'KH') =>
  createPublicKey(developmentSigningKey(party).pem).export({ format: 'pem', type: 'spki' }).toString();

/** Unsigned: header.payload. plus whatever `signature` is given. */
export function unsigned(header: Json, payload: Json, signature = ''): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
}

/**
 * A token as the service accepts it unless `claims` break it: signed with the development key of
 * the party the claims name (KH when they name none), with that party's iss, the audience, iat
 * and an hour's exp; `claims` go on top (undefined drops one).
 */
export function validToken(claims: Json, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const party: Party = claims.party === 'CN' ? 'CN' : 'KH';
  return signEd25519(
    developmentHeader(party),
    { iss: developmentIssuers[party], aud: developmentAudience, iat: now, exp: now + ttlSeconds, ...claims },
    party,
  );
}

export type Claims = { sub: string; party: Party; roles: string[] };

export interface IdentityProviders {
  /** AUTH_<party>_JWKS (a file) and AUTH_<party>_ISSUER for the service to trust these providers. */
  env: Record<string, string>;
  /** A token as the claims' party's provider issues it (EdDSA, kid, iss, aud, iat, exp). */
  sign(claims: Claims, ttlSeconds?: number): string;
}

const providers = new Map<string, IdentityProviders>();

/**
 * Two identity providers of the caller's own, as production has them: a fresh Ed25519 key per
 * party, its JWKS written to a file in `dir`, its issuer (`https://idp.<party>.<name>.invalid`).
 * Made once per `dir` and name, so that every service a run starts there trusts the same keys.
 */
export function identityProviders(dir: string, name = 'bench'): IdentityProviders {
  const key = `${dir}\0${name}`;
  const known = providers.get(key);
  if (known) return known;
  const made = makeIdentityProviders(dir, name);
  providers.set(key, made);
  return made;
}

function makeIdentityProviders(dir: string, name: string): IdentityProviders {
  const keys = {} as Record<Party, { privateKey: KeyObject; kid: string; issuer: string }>;
  const env: Record<string, string> = {};
  for (const party of ['KH', 'CN'] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const kid = `${name}-${party.toLowerCase()}-1`;
    const issuer = `https://idp.${party.toLowerCase()}.${name}.invalid`;
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
      const iat = Math.floor(Date.now() / 1000);
      return signEd25519(
        { alg: 'EdDSA', typ: 'JWT', kid },
        { ...claims, iss: issuer, aud: developmentAudience, iat, exp: iat + ttlSeconds },
        claims.party,
        privateKey,
      );
    },
  };
}
