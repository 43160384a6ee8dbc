import { caseFold } from '../lifecycleColumns';
import type { CaseProjection } from '../caseProjection';
import type { CaseBoardTable } from './caseBoard.table';

export type BoardRow = CaseBoardTable;

/** The case board: one row per case, the lifecycle plus offence categories and versions. */
export const caseBoard: CaseProjection<BoardRow> = {
  name: 'case_board',
  table: 'case_board',
  evolve: caseFold<BoardRow>({
    opened: (columns, filed, event) => ({
      ...columns,
      offences: (filed.data.offences ?? []).map((offence) => offence.category),
      version: event.version,
      created_at: event.recordedAt,
      updated_at: event.recordedAt,
    }),
    // The stream's own version, not a count of applications: a replayed event changes nothing.
    moved: (_row, event) => ({ version: event.version, updated_at: event.recordedAt }),
  }),
};
