import { sql } from 'kysely';
import { genesisHash } from './hashEvent';
import type { Executor } from './types';
import { verifyChain, type ChainVerification } from './verifyChain';

/**
 * Verifies the links added since the last successful check (or all of them when `full`), and
 * remembers where it got to, so a repeated check costs only the new events. A failure is not
 * remembered as progress: the next call finds it again.
 *
 * Incremental checks prove the new links and their attachment to the verified prefix; only a
 * full check re-reads the prefix itself (an event altered after it was verified). Auditors
 * should run both: incremental often, full on their own schedule.
 */
export async function verifyChainIncrementally(db: Executor<any>, options: { full?: boolean; name?: string } = {}): Promise<ChainVerification & { from: string }> {
  const name = options.name ?? 'integrity';
  const saved = options.full
    ? undefined
    : await db.selectFrom('chain_verifications').select(['seq', 'hash']).where('name', '=', name).executeTakeFirst();
  const from = saved ? { seq: String(saved.seq), hash: saved.hash } : { seq: '0', hash: genesisHash };
  const result = await verifyChain(db, from);
  if (result.ok) {
    await sql`
      insert into chain_verifications (name, seq, hash) values (${name}, ${result.lastSeq}::int8, ${result.lastHash})
      on conflict (name) do update set seq = excluded.seq, hash = excluded.hash, verified_at = now()`.execute(db);
  }
  return { ...result, from: from.seq };
}
