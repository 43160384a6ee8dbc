import type { FastifyRequest } from 'fastify';

/**
 * A request's bearer token is verified once: the rate limiter (the first hook) verifies it to
 * know whom to count the request against, and authentication then reuses those claims for the
 * very same header instead of checking the signature again. Kept per request object only.
 */
const verified = new WeakMap<FastifyRequest, { header: string; claims: unknown }>();

export function rememberVerified(request: FastifyRequest, header: string, claims: unknown): void {
  verified.set(request, { header, claims });
}

/** The claims verified earlier in this request for exactly this Authorization header, if any. */
export function verifiedEarlier(request: FastifyRequest, header: string): unknown {
  const known = verified.get(request);
  return known && known.header === header ? known.claims : undefined;
}
