import { createHash } from 'node:crypto';
import type { Executor } from '@cco/event-store';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import type { AccessRow } from '../audit/recordAccess';
import type { ApiTables } from '../tables';

export interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface IdempotencyClaim {
  /** Keys are scoped to the caller: two officers may pick the same key. */
  principal: string;
  key: string;
  /** Method, path and canonical body: the same key with another request is refused. */
  requestHash: string;
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalize(body ?? null) ?? ''}`)
    .digest('hex');
}

export async function findAnswer(db: Executor<ApiTables>, claim: IdempotencyClaim) {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status', 'body', 'headers'])
    .where('principal', '=', claim.principal)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  return row ? { requestHash: row.request_hash, answer: { status: row.status, body: row.body, headers: row.headers } } : null;
}

/**
 * Saves the answer; false when a concurrent request with the same key saved first. `access`:
 * access-log rows for this answer's personal data, inserted by the same statement (one round
 * trip instead of two; the caller rolls both back when the key was taken).
 */
export async function saveAnswer(db: Executor<ApiTables>, claim: IdempotencyClaim, answer: Answer, access: readonly AccessRow[] = []): Promise<boolean> {
  const { rows } = await sql<{ key: string }>`
    with access as (
      insert into personal_data_access (case_id, actor, party, roles, resource, correlation_id)
      select * from jsonb_to_recordset(${JSON.stringify(access)}::jsonb)
        as a(case_id text, actor text, party text, roles text[], resource text, correlation_id text)
    )
    insert into idempotency_keys (principal, key, request_hash, status, body, headers)
    values (${claim.principal}, ${claim.key}, ${claim.requestHash}, ${answer.status}, ${JSON.stringify(answer.body)}, ${JSON.stringify(answer.headers)})
    on conflict (principal, key) do nothing
    returning key`.execute(db);
  return rows.length > 0;
}
