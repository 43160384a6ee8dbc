import { sql } from 'kysely';
import { genesisHash, hashEvent } from './hashEvent';
import { toRecordedEvent, type EventRow, type Executor } from '@cco/event-store';

export interface ChainVerification {
  ok: boolean;
  /** Links checked in this call. */
  checked: number;
  /** Global position of the first event whose content, link or presence is wrong. */
  firstBrokenPosition: string | null;
  /** Where a later call may resume (the last link checked), when everything was ok. */
  lastSeq: string;
  lastHash: string;
}

export interface VerifyFrom {
  seq: string;
  hash: string;
}

type LinkRow = Omit<EventRow, 'position'> & {
  seq: string;
  link_position: string;
  prev_hash: string;
  hash: string;
  position: string | null;
};

/**
 * Re-derives every link after `from` (default: the genesis) from the events as stored now.
 * Finds an event altered or removed behind the database's back, a link removed or rewritten,
 * and an event slipped into the chained range without a link.
 */
export async function verifyChain(
  db: Executor<any>,
  from: VerifyFrom = { seq: '0', hash: genesisHash },
  pageSize = 2000,
): Promise<ChainVerification> {
  let checked = 0;
  let seq = BigInt(from.seq);
  let prev = from.hash;
  for (;;) {
    const page = await sql<LinkRow>`
      select c.seq, c.position as link_position, c.prev_hash, c.hash, e.*
      from event_chain c left join events e on e.position = c.position
      where c.seq > ${seq.toString()}::int8 order by c.seq limit ${pageSize}`.execute(db);
    for (const row of page.rows) {
      const intact =
        BigInt(row.seq) === seq + 1n &&
        row.prev_hash === prev &&
        row.position !== null &&
        hashEvent(prev, toRecordedEvent(row as EventRow)) === row.hash;
      if (!intact) return broken(checked, row.link_position, seq, prev);
      checked += 1;
      seq = BigInt(row.seq);
      prev = row.hash;
    }
    if (page.rows.length < pageSize) break;
  }
  const unlinked = await firstUnlinkedEvent(db, BigInt(from.seq), seq);
  if (unlinked) return broken(checked, unlinked, seq, prev);
  return { ok: true, checked, firstBrokenPosition: null, lastSeq: seq.toString(), lastHash: prev };
}

function broken(checked: number, position: string, seq: bigint, prev: string): ChainVerification {
  return { ok: false, checked, firstBrokenPosition: String(position), lastSeq: seq.toString(), lastHash: prev };
}

/** An event inside the range just verified (after `fromSeq`'s link, up to the tip) with no link. */
export async function firstUnlinkedEvent(db: Executor<any>, fromSeq: bigint, tipSeq: bigint): Promise<string | null> {
  if (tipSeq === 0n || tipSeq === fromSeq) return null;
  const result = await sql<{ position: string }>`
    select e.position
    from events e,
      (select transaction_id, position from event_chain where seq = ${tipSeq.toString()}::int8) tip,
      (select coalesce(max(transaction_id::text), '0')::xid8 as transaction_id, coalesce(max(position), 0) as position
         from event_chain where seq = ${fromSeq.toString()}::int8) base
    where (e.transaction_id, e.position) <= (tip.transaction_id, tip.position)
      and (e.transaction_id, e.position) > (base.transaction_id, base.position)
      and not exists (select 1 from event_chain c where c.position = e.position)
    order by e.transaction_id, e.position limit 1`.execute(db);
  return result.rows[0]?.position ?? null;
}
