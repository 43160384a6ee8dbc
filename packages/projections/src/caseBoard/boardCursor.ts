/**
 * The board's page cursor: the sort key of the last row served, (filed_at, case_id). Filing
 * times never change, so a case keeps its place while its status moves on; rows filed later
 * (even back-dated ones) land before or after the cursor, never twice. Opaque to clients.
 */
export interface BoardCursor {
  filedAt: Date;
  caseId: string;
}

export class InvalidCursor extends Error {
  constructor() {
    super('the cursor is not one this endpoint gave out');
  }
}

export const encodeCursor = ({ filedAt, caseId }: BoardCursor): string =>
  Buffer.from(JSON.stringify([filedAt.toISOString(), caseId])).toString('base64url');

export function decodeCursor(cursor: string): BoardCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursor();
  const [filedAt, caseId] = parsed as unknown[];
  // Exactly what encodeCursor writes, so nothing else reaches the database: a date it can
  // hold (years 0000–9999, in toISOString's form) and text it can store (no NUL, no lone surrogate).
  if (typeof filedAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(filedAt)) throw new InvalidCursor();
  const at = new Date(filedAt);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== filedAt) throw new InvalidCursor();
  if (
    typeof caseId !== 'string' ||
    caseId.length === 0 ||
    caseId.length > 200 ||
    !caseId.isWellFormed() ||
    /[\u0000-\u001f\u007f]/.test(caseId)
  ) {
    throw new InvalidCursor();
  }
  return { filedAt: at, caseId };
}
