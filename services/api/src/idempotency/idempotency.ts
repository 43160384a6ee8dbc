import { createHash } from 'node:crypto';
import type { Executor } from '@cco/event-store';
import canonicalize from 'canonicalize';
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

/** Saves the answer; false when a concurrent request with the same key saved first. */
export async function saveAnswer(db: Executor<ApiTables>, claim: IdempotencyClaim, answer: Answer): Promise<boolean> {
  const saved = await db
    .insertInto('idempotency_keys')
    .values({
      principal: claim.principal,
      key: claim.key,
      request_hash: claim.requestHash,
      status: answer.status,
      body: JSON.stringify(answer.body),
      headers: JSON.stringify(answer.headers),
    })
    .onConflict((c) => c.columns(['principal', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return saved !== undefined;
}
