import { readCaseEvents, toDomainEvent } from '@cco/cases';
import { caseView, type CaseView } from '@cco/domain';
import type { Executor } from '@cco/event-store';

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
