import type { Party, Role } from '@cco/domain';
import { validToken } from '@cco/testkit';

export type TokenFor = (party: Party, role: Role) => string;

const twelveHours = 12 * 3600;

/**
 * Tokens with the claims the API checks (sub, party, roles), each signed by its party's
 * development key as that party's identity provider would (the keys `npm start` trusts while
 * AUTH_<party>_JWKS is unset) with the test kit's one signer, one per party and role, signed
 * once and reused for the whole run (12 h: the longest lifetime the API accepts).
 */
export function tokenSigner(): TokenFor {
  const tokens = new Map<string, string>();
  return (party, role) => {
    const key = `${party}:${role}`;
    if (!tokens.has(key))
      tokens.set(key, validToken({ sub: `simulator-${party.toLowerCase()}-${role}`, party, roles: [role] }, twelveHours));
    return tokens.get(key)!;
  };
}
