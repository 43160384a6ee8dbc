import type { Executor } from '@cco/event-store';

export interface ChainLink {
  seq: string;
  position: string;
  hash: string;
}

/**
 * The latest link of the hash chain: what a ministry records outside this database (a
 * witness). A superuser who alters an event and recomputes every later link leaves a chain
 * that verifies on its own; it no longer contains the heads the ministries wrote down.
 */
export async function readChainHead(db: Executor<any>): Promise<ChainLink | null> {
  const row = await db.selectFrom('event_chain').select(['seq', 'position', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: String(row.seq), position: String(row.position), hash: row.hash } : null;
}

/** The link at `seq`, to hold against a witnessed head. */
export async function readChainLink(db: Executor<any>, seq: string): Promise<ChainLink | null> {
  const row = await db.selectFrom('event_chain').select(['seq', 'position', 'hash']).where('seq', '=', seq).executeTakeFirst();
  return row ? { seq: String(row.seq), position: String(row.position), hash: row.hash } : null;
}
