import type { FastifyRequest } from 'fastify';
import type { VerifiedBearer } from '../auth/verifyBearer';

/** A verification's outcome: the token as verified, or why not. */
export type Verification = { ok: true; result: VerifiedBearer } | { ok: false; error: unknown };

/**
 * A request's bearer token is verified once: the rate limiter (the first hook) verifies it to
 * know whom to count the request against, and authentication then reuses that outcome for the
 * very same header instead of checking the signature again (or logging a key outage twice).
 * Kept per request object only.
 */
const verified = new WeakMap<FastifyRequest, { header: string; outcome: Verification }>();

export function rememberVerified(request: FastifyRequest, header: string, outcome: Verification): void {
  verified.set(request, { header, outcome });
}

/** The outcome of verifying exactly this Authorization header earlier in this request, if any. */
export function verifiedEarlier(request: FastifyRequest, header: string): Verification | undefined {
  const known = verified.get(request);
  return known && known.header === header ? known.outcome : undefined;
}

/** The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC 9110). */
export function bearerToken(header: string): string | undefined {
  return /^Bearer ([^\s]+)$/i.exec(header)?.[1];
}
