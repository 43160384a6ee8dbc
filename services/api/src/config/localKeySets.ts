import type { Party } from '@cco/domain';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { maxJwksBytes } from '../auth/jwksFetch';
import { keysAmong, materialsOf } from '../auth/keyMaterial';
import type { JwksSource } from '../auth/partyKeySet';

/**
 * Refusals for the key sets known at start (files and inline sets): one that cannot be read
 * as a set (a missing file is loadConfig's own refusal), and keys listed by both parties (the same key could sign for either ministry: see
 * HeldKeys). Sets fetched from a URL are checked the same way when fetched.
 */
export function localKeySetRefusals(sources: Record<Party, JwksSource>): string[] {
  const refusals: string[] = [];
  const sets: Partial<Record<Party, Partial<JWK>[]>> = {};
  for (const [party, source] of Object.entries(sources) as [Party, JwksSource][]) {
    if ('keys' in source) sets[party] = source.keys.keys;
    else if ('file' in source && existsSync(source.file)) {
      const read = readSet(source.file);
      if (typeof read === 'string') refusals.push(`AUTH_${party}_JWKS: ${read}`);
      else sets[party] = read;
    }
  }
  const { KH, CN } = sets;
  if (KH && CN) {
    const shared = keysAmong(KH, materialsOf(CN));
    if (shared.length > 0)
      refusals.push(
        `AUTH_KH_JWKS and AUTH_CN_JWKS list the same key (${shared.map((k) => k.kid ?? '(no kid)').join(', ')}): each ministry signs with keys of its own`,
      );
  }
  return refusals;
}

function readSet(file: string): Partial<JWK>[] | string {
  try {
    if (statSync(file).size > maxJwksBytes) return `${file} is larger than ${maxJwksBytes} bytes`;
    const set = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
    return Array.isArray(set?.keys) ? (set.keys as Partial<JWK>[]) : `${file} is not a JSON Web Key Set (no "keys" array)`;
  } catch (error) {
    return `${file} cannot be read as a JSON Web Key Set (${(error as Error).message})`;
  }
}
