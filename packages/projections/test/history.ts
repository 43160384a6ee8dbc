import { randomUUID } from 'node:crypto';
import { appendToStream, type Executor, type NewEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { projectBatch, readLag, type CaseProjection } from '../src/index';
import { deportation, filed, refused, verified, withdrawn } from './support';

/** A varied history of `count` cases: completed, refused, withdrawn and open ones, 2014–2019. */
export function histories(count: number, seed = 0): NewEvent[][] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + seed;
    const at = new Date(Date.UTC(2014 + (n % 6), n % 12, 1 + (n % 27), n % 24)).toISOString();
    const later = (days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString();
    switch (n % 5) {
      case 0:
        return [filed({ at }), refused(later(3))];
      case 1:
        return [filed({ at }), verified(later(2)), withdrawn(later(4))];
      case 2:
        return [filed({ at, kind: 'victim_repatriation', by: 'KH' })];
      default:
        return deportation(at, 10 + (n % 30), n % 2 ? ['online_gambling'] : ['telecom_fraud', 'other']);
    }
  });
}

/** Appends each history as one case, one event per append (as the API does). */
export async function appendCases(db: Executor<any>, cases: NewEvent[][]): Promise<void> {
  for (const events of cases) {
    const id = randomUUID();
    for (const [i, event] of events.entries()) {
      const result = await appendToStream(db, id, 'deportation', i === 0 ? 'no_stream' : i, [event]);
      if (!result.ok) throw new Error(`append failed: ${JSON.stringify(result.error)}`);
    }
  }
}

/** Completed deportations counted straight from the raw log. */
export async function completedDeportationsInLog(db: Executor<any>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where type = 'DeportationCompleted'`.execute(db);
  return rows[0]!.n;
}

/**
 * Runs `projection` until nothing committed is left behind. Not "until a batch is empty": a
 * transaction running anywhere on the server (other test files) holds readAll's horizon back
 * for a moment, and an empty batch then only means "not yet".
 */
export async function catchUp(db: Executor<any>, projection: CaseProjection, batchSize = 500): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    if ((await projectBatch(db, projection, batchSize)) > 0) continue;
    if ((await readLag(db, [projection]))[0]!.eventsBehind === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${projection.name} did not catch up`);
}
