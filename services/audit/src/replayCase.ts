import { readCaseEvents, toDomainEvent } from '@cco/cases';
import { caseView, type CaseView } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';

export interface ReplayStep {
  version: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  party: string;
  status: string;
}

/** The case rebuilt event by event from its stream, as an auditor re-derives it. */
export async function replayCase(db: Executor<any>, kek: Buffer, caseId: string): Promise<{ steps: ReplayStep[]; view: CaseView | null }> {
  const events = await readCaseEvents(db, kek, caseId);
  const domain = events.map(toDomainEvent);
  const steps = events.map((e, i) => ({
    version: e.version,
    type: e.type,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    actor: e.metadata.actor,
    party: e.metadata.party,
    status: caseView(caseId, domain.slice(0, i + 1))?.status ?? 'unknown',
  }));
  return { steps, view: caseView(caseId, domain) };
}

/** Whether the case has any event (checked before the access log records a replay of it). */
export async function caseExists(db: Executor<any>, caseId: string): Promise<boolean> {
  const { rows } = await sql`select 1 from events where stream_id = ${caseId} limit 1`.execute(db);
  return rows.length > 0;
}
