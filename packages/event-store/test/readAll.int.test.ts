import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendToStream, logStart, readAll, type LogPosition } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 20 });
});
afterAll(() => t.close());

it('a tail reader under 16 concurrent appenders sees all 40,000 events exactly once', async () => {
  const total = 40_000;
  const writers = 16;
  const perAppend = 5;
  let writing = true;

  // Appenders hold their transaction open a random moment after taking positions, so later
  // positions often commit first: exactly what a position-ordered reader would skip.
  const appender = async (w: number) => {
    for (let i = 0; i < total / writers / perAppend; i++) {
      await t.db.transaction().execute(async (trx) => {
        const events = Array.from({ length: perAppend }, (_, k) => anEvent('Tailed', { w, i, k }));
        const result = await appendToStream(trx, randomUUID(), 'test', 'no_stream', events);
        expect(result.ok).toBe(true);
        if (Math.random() < 0.3) await sql`select pg_sleep(${Math.random() * 0.004})`.execute(trx);
      });
    }
  };

  const seen = new Map<string, number>();
  let inversions = 0;
  let maxPosition = 0n;
  const reader = async () => {
    let at: LogPosition = logStart;
    for (;;) {
      const stillWriting = writing;
      const { events, last } = await readAll(t.db, at, 1000);
      for (const e of events) {
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        if (BigInt(e.position) < maxPosition) inversions += 1;
        else maxPosition = BigInt(e.position);
      }
      at = last;
      if (events.length === 0 && !stillWriting) return;
      if (events.length === 0) await new Promise((r) => setTimeout(r, 2));
    }
  };

  const reading = reader();
  await Promise.all(Array.from({ length: writers }, (_, w) => appender(w)));
  writing = false;
  await reading;

  const [count] = (await sql<{ n: string }>`select count(*) as n from events where type = 'Tailed'`.execute(t.db)).rows;
  expect(Number(count!.n)).toBe(total);
  expect(seen.size).toBe(total);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  console.info(`tail reader: ${seen.size} events seen once each; ${inversions} arrived behind a higher position`);
});
