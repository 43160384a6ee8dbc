import { randomUUID } from 'node:crypto';
import { appendToStream, type Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { sampleData } from '@cco/testkit';
import type { MonthlyCount } from '../src/readMonthlyDeportations';

const DAY = 86_400_000;
const metadata = () => ({ actor: 'cn-officer-WANG-Fang', party: 'CN', correlationId: randomUUID(), causationId: null });

/**
 * `cases` histories appended as the API would, one event per transaction, the cases at once:
 * mostly deportations completed across 2019–2020 (some a minute before a UTC month ends, which
 * is already the next month in Phnom Penh), and extraditions, refusals and withdrawals that
 * must not count.
 */
export async function appendHistories(db: Executor<any>, cases: number): Promise<void> {
  await Promise.all(
    Array.from({ length: cases }, async (_, i) => {
      const kind = i % 5 === 4 ? 'extradition' : 'deportation';
      const completedAt = i % 3 === 0 ? Date.UTC(2019, (i % 14) + 1, 1) - 60_000 : Date.UTC(2019, i % 14, 1 + ((i * 7) % 27), 9);
      const [deportation, extradition] = sampleData.RequestFiled;
      const end =
        i % 6 === 5
          ? { type: 'RequestRefused', data: sampleData.RequestRefused[0] }
          : i % 8 === 7
            ? { type: 'RequestWithdrawn', data: sampleData.RequestWithdrawn[0] }
            : { type: kind === 'deportation' ? 'DeportationCompleted' : 'ExtraditionCompleted', data: {} };
      const steps = [
        { type: 'RequestFiled', data: kind === 'deportation' ? deportation : extradition },
        { type: 'IdentityVerified', data: sampleData.IdentityVerified[0] },
        ...(end.type.endsWith('Completed') ? [{ type: 'SuspectHandedOver', data: sampleData.SuspectHandedOver[0] }] : []),
        end,
      ];
      const id = randomUUID();
      for (const [n, step] of steps.entries()) {
        const occurredAt = new Date(completedAt - (steps.length - 1 - n) * 3 * DAY);
        const result = await appendToStream(db, id, kind, n === 0 ? 'no_stream' : n, [{ ...step, metadata: metadata(), occurredAt }]);
        if (!result.ok) throw new Error(`append lost: ${JSON.stringify(result.error)}`);
      }
    }),
  );
}

/** The oracle: completed deportations per UTC month of occurredAt, straight from the raw log. */
export async function countFromRawEvents(db: Executor<any>): Promise<MonthlyCount[]> {
  const result = await sql<MonthlyCount>`
    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM') as key, count(*)::int as count
    from events where type = 'DeportationCompleted' group by 1 order by 1`.execute(db);
  return result.rows;
}
