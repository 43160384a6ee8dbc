import { createHmac } from 'node:crypto';

// JWTs built by hand (base64url + node:crypto), so no library normalises what the tests send:
// headers, claims and signatures are exactly what each case needs, however wrong.

export const b64url = (input: string | Buffer) => Buffer.from(input).toString('base64url');

export type Json = Record<string, unknown>;

const hmacFor: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** header.payload.signature with the signature an HMAC of `secret` (the digest named by `hmac`). */
export function signHmac(header: Json, payload: Json | string, secret: string | Buffer, hmac: 'HS256' | 'HS384' | 'HS512' = 'HS256'): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${createHmac(hmacFor[hmac]!, secret).update(input).digest('base64url')}`;
}

/** Unsigned: header.payload. plus whatever `signature` is given. */
export function unsigned(header: Json, payload: Json, signature = ''): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
}

export interface TokenIssuer {
  secret: string;
  issuer: string;
}

/** A valid HS256 token for `claims` (iss, iat and a one-hour exp added unless given). */
export function validToken(auth: TokenIssuer, claims: Json): string {
  const now = Math.floor(Date.now() / 1000);
  return signHmac({ alg: 'HS256', typ: 'JWT' }, { iss: auth.issuer, iat: now, exp: now + 3600, ...claims }, auth.secret);
}
