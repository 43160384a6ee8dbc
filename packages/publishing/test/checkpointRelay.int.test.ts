import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { checkpointMessageSchema, startCheckpointRelay, type CheckpointMessage } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { capturedLog, fastRetries, readWholeTopic, testKafka, testSettings } from '@cco/testkit';

// Checkpoints go out in tree-size order, each once, carrying the signed note and nothing else.
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const note = (size: number, root: Buffer) => `example.org/log\n${size}\n${root.toString('base64')}\n\n\u2014 example.org/log AAAAAA==\n`;
async function issue(size: number) {
  const root = Buffer.alloc(32, size % 256);
  await sql`insert into tree_checkpoints (tree_size, root_hash, note) values (${size}, decode(${root.toString('hex')}, 'hex'), ${note(size, root)})`.execute(
    t.db,
  );
}

it('publishes every checkpoint once, in order, resuming after a stop', async () => {
  const settings = {
    ...testSettings(inject('kafkaBrokers')),
    checkpointsTopic: `cooperation.checkpoints.v1.test-${randomUUID().slice(0, 8)}`,
  };
  for (const size of [3, 5, 8]) await issue(size);
  const first = startCheckpointRelay({ database: t, settings, log: capturedLog().log, kafka: fastRetries, idleMs: 50 });
  try {
    await expect
      .poll(
        async () => (await sql<{ tree_size: string }>`select tree_size from checkpoint_publications`.execute(t.db)).rows[0]?.tree_size,
        { timeout: 20_000, interval: 50 },
      )
      .toBe('8');
  } finally {
    await first.stop();
  }
  await issue(13);
  const second = startCheckpointRelay({ database: t, settings, log: capturedLog().log, kafka: fastRetries, idleMs: 50 });
  try {
    await expect
      .poll(
        async () => (await sql<{ tree_size: string }>`select tree_size from checkpoint_publications`.execute(t.db)).rows[0]?.tree_size,
        { timeout: 20_000, interval: 50 },
      )
      .toBe('13');
  } finally {
    await second.stop();
  }
  const { kafka } = testKafka(settings.brokers);
  const messages = await readWholeTopic(kafka, settings.checkpointsTopic);
  const values = messages.map((m) => JSON.parse(String(m.value)) as CheckpointMessage);
  expect(values.map((v) => v.treeSize)).toEqual([3, 5, 8, 13]);
  expect(values[3]).toEqual({
    origin: 'example.org/log',
    treeSize: 13,
    rootHash: Buffer.alloc(32, 13).toString('hex'),
    note: note(13, Buffer.alloc(32, 13)),
    issuedAt: expect.any(String),
  });
  expect(Object.keys(values[0]!).sort()).toEqual(['issuedAt', 'note', 'origin', 'rootHash', 'treeSize']);
  // What openapi/asyncapi.json describes for the topic.
  for (const value of values) expect(checkpointMessageSchema.safeParse(value).error).toBeUndefined();
});
