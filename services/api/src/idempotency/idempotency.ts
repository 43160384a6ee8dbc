import { createHash } from 'node:crypto';
import type { AlongsideWrite, Executor } from '@cco/event-store';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import type { ApiTables } from '../tables';

export interface IdempotencyClaim {
  /** Keys are scoped to the caller: two officers may pick the same key. */
  principal: string;
  key: string;
  /** Method, path and canonical body: the same key with another request is refused. */
  requestHash: string;
}

/** What a key remembers of its first answer: the case and the version the command left it at. */
export interface RememberedAnswer {
  requestHash: string;
  caseId: string;
  version: number;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalize(body ?? null) ?? ''}`)
    .digest('hex');
}

export async function findAnswer(db: Executor<ApiTables>, claim: IdempotencyClaim): Promise<RememberedAnswer | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'case_id', 'version'])
    .where('principal', '=', claim.principal)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  return row ? { requestHash: row.request_hash, caseId: row.case_id, version: Number(row.version) } : null;
}

/**
 * The key's row, written alongside the command's append (appendToStream's `alongside`): it
 * commits with the events or not at all. A key already taken is a unique violation that undoes
 * the whole append (see isKeyTaken). The answer itself is not stored: it is the case as of
 * `version`, read again from the log on a replay, so this table holds no personal data (an
 * erased subject is erased from replays too).
 */
export function rememberAnswer(claim: IdempotencyClaim, caseId: string, version: number): AlongsideWrite {
  return (claimed) => sql`insert into idempotency_keys (principal, key, request_hash, case_id, version)
    select ${claim.principal}, ${claim.key}, ${claim.requestHash}, ${caseId}, ${version} from ${claimed}`;
}

/** The append failed because a request with the same key committed first. */
export function isKeyTaken(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'idempotency_keys_pkey';
}
