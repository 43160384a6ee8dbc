import type { CaseKind, CaseStatus, Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import type { ProjectionTables } from '../tables';
import { decodeCursor, encodeCursor } from './boardCursor';
import type { BoardRow } from './caseBoard';

export interface BoardQuery {
  status?: CaseStatus | undefined;
  kind?: CaseKind | undefined;
  /** The requesting party (the other one is then the requested party). */
  party?: Party | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface BoardPage {
  items: BoardRow[];
  nextCursor: string | null;
}

/** A page of the board, newest filing first; keyset-paged so pages never shift under a client. */
export async function listCases(db: Executor<any>, query: BoardQuery): Promise<BoardPage> {
  const board = db as Executor<ProjectionTables>;
  let select = board.selectFrom('case_board').selectAll();
  if (query.status) select = select.where('status', '=', query.status);
  if (query.kind) select = select.where('kind', '=', query.kind);
  if (query.party) select = select.where('requesting_party', '=', query.party);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    select = select.where((eb) => eb(eb.refTuple('filed_at', 'case_id'), '<', eb.tuple(after.filedAt, after.caseId)));
  }
  // One more than asked tells whether a next page exists without a count.
  const rows = await select
    .orderBy('filed_at', 'desc')
    .orderBy('case_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor({ filedAt: last.filed_at, caseId: last.case_id }) : null };
}
