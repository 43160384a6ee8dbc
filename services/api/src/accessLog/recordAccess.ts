import type { AlongsideWrite, Executor } from '@cco/event-store';
import { sql } from 'kysely';
import type { Caller } from '../plugins/auth';
import type { ApiTables } from '../tables';

export type AccessedResource = 'case' | 'case-as-of' | 'case-events' | 'global-log' | 'command-answer' | 'command-replay';

/**
 * Records a read of personal data before the data leaves: if the record cannot be written,
 * the read fails rather than go unrecorded.
 */
export async function recordAccess(
  db: Executor<ApiTables>,
  actor: Caller,
  caseIds: Iterable<string>,
  resource: AccessedResource,
  correlationId: string,
): Promise<void> {
  const rows = accessRows(actor, caseIds, resource, correlationId);
  if (rows.length > 0) await db.insertInto('personal_data_access').values(rows).execute();
}

export interface AccessRow {
  case_id: string;
  actor: string;
  party: string;
  roles: string[];
  issuer: string;
  kid: string;
  resource: AccessedResource;
  correlation_id: string;
}

/** recordAccess as a write alongside a command's append: logged if and only if it commits. */
export function recordAccessAlongside(actor: Caller, caseId: string, resource: AccessedResource, correlationId: string): AlongsideWrite {
  return (claimed) => sql`insert into personal_data_access (case_id, actor, party, roles, issuer, kid, resource, correlation_id)
    select ${caseId}, ${actor.id}, ${actor.party}, ${actor.roles}::text[], ${actor.issuer}, ${actor.kid}, ${resource}, ${correlationId} from ${claimed}`;
}

/** The access-log rows of one read (one per case), for callers that insert them with more. */
export function accessRows(actor: Caller, caseIds: Iterable<string>, resource: AccessedResource, correlationId: string): AccessRow[] {
  return [...new Set(caseIds)].map((caseId) => ({
    case_id: caseId,
    actor: actor.id,
    party: actor.party,
    roles: actor.roles,
    issuer: actor.issuer,
    kid: actor.kid,
    resource,
    correlation_id: correlationId,
  }));
}
