import { logStart, readPosition } from '@cco/event-store';
import { relayName } from '@cco/publishing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendConcurrently, serverProcess, type ServerProcess, sleep } from '@cco/testkit';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// `npm start` itself, without KAFKA_BROKERS.
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

it('npm start without KAFKA_BROKERS: the relay idles, says so in one line, and the backlog waits with its lag in /metrics', async () => {
  // The test kit's launcher starts it without KAFKA_BROKERS.
  let server: ServerProcess | undefined;
  try {
    server = await serverProcess({ DATABASE_URL: t.url });
    await server.start();
    const { url, logs: lines } = server;
    await appendConcurrently(t.db, 3, 4);
    await sleep(1_500); // time enough for a relay that should not be running to move

    const mentions = lines.filter((line) => line.includes('KAFKA_BROKERS'));
    expect(mentions).toHaveLength(1);
    expect(JSON.parse(mentions[0]!)).toMatchObject({ level: 30, msg: expect.stringMatching(/relay is idle; events wait in PostgreSQL/) });
    expect(await readPosition(t.db, relayName)).toEqual(logStart);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^cco_relay_lag_events 12$/m);
    expect(Number(/^cco_relay_lag_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(1);
    expect(metrics).not.toMatch(/^cco_relay_messages_published_total\{/m);
  } finally {
    await server?.stop();
  }
});
