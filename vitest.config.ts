import { defineConfig } from 'vitest/config';

// Three tiers. `unit` needs nothing; `int` and `e2e` need a real PostgreSQL, which the
// global setup finds (DATABASE_URL, else testcontainers when Docker runs) or fails loudly,
// and a Kafka broker (KAFKA_BROKERS, else librdkafka's mock cluster on loopback).
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude: ['**/node_modules/**'] },
      },
      {
        test: {
          name: 'int',
          include: ['**/*.int.test.ts', '**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/support/globalSetup.ts', 'test/support/kafka/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
