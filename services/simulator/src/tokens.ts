import type { Party, Role } from '@cco/domain';
import { createSigner } from 'fast-jwt';

export type TokenFor = (party: Party, role: Role) => string;

/**
 * HS256 tokens with the claims the API checks (sub, party, roles, iss), one per party and
 * role, signed once and reused for the whole run.
 */
export function tokenSigner(secret: string, issuer: string): TokenFor {
  const sign = createSigner({ key: secret, algorithm: 'HS256', iss: issuer, expiresIn: 12 * 3_600_000 });
  const tokens = new Map<string, string>();
  return (party, role) => {
    const key = `${party}:${role}`;
    if (!tokens.has(key)) tokens.set(key, sign({ sub: `simulator-${party.toLowerCase()}-${role}`, party, roles: [role] }));
    return tokens.get(key)!;
  };
}
