import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';

/** Who runs `npm run audit -- replay`: the name they give, their party, and the OS account that ran it. */
export interface ReplayOperator {
  name: string;
  party: 'KH' | 'CN';
}

/**
 * A replay opens the case's personal data, so it is recorded in the access log (Art. 9) before
 * anything is printed, like every answer of the API. The CLI has no token: the operator names
 * themselves (`--operator`, `--party`), and the OS account and host that ran it stand where the
 * token's issuer and key would (`issuer` = `os:<user>@<host>`, `kid` null). The OS user alone
 * would name a shared service account (root in a container) more often than a person.
 */
export async function recordReplayAccess(db: Executor<any>, caseId: string, operator: ReplayOperator): Promise<string> {
  const correlationId = randomUUID();
  await sql`insert into personal_data_access (case_id, actor, party, roles, issuer, kid, resource, correlation_id)
    values (${caseId}, ${operator.name}, ${operator.party}, ${['auditor']}::text[], ${`os:${osUser()}@${hostname()}`}, null, 'audit-replay', ${correlationId})`.execute(
    db,
  );
  return correlationId;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
