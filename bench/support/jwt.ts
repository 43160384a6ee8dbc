import { createHmac } from 'node:crypto';

/** An HS256 JWT as the service expects it (CONTRACT.md: sub, party, roles; iss checked). */
export function signToken(secret: string, issuer: string, claims: { sub: string; party: 'KH' | 'CN'; roles: string[] }, ttlSeconds = 3600): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, iss: issuer, iat, exp: iat + ttlSeconds })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
