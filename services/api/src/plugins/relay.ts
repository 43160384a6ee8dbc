import {
  registerRelayMetrics,
  startCheckpointRelay,
  startRelay,
  type CheckpointRelay,
  type KafkaSettings,
  type Relay,
} from '@cco/publishing';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RelayPluginOptions {
  /** From KAFKA_BROKERS and friends; undefined leaves the relay idle. */
  kafka?: KafkaSettings | undefined;
}

/**
 * Publishes the log to Kafka (see @cco/publishing). Without brokers it stays idle and says so
 * once: the backlog waits in PostgreSQL, its lag shows in /metrics, and publishing catches up
 * in order once a broker is configured.
 */
export const relayPlugin = fp(
  async function relay(app: FastifyInstance, options: RelayPluginOptions) {
    const metrics = registerRelayMetrics(app.metrics, app.database.db);
    const settings = options.kafka;
    if (!settings) {
      app.log.info(
        'KAFKA_BROKERS is not set: the Kafka relay is idle; events wait in PostgreSQL and are published once a broker is configured',
      );
      return;
    }
    if (app.database.kind === 'pglite') {
      // The relay holds its transaction while Kafka answers; PGlite has one session for everything.
      app.log.warn(
        'Kafka relay on embedded PGlite: while Kafka is unreachable, requests wait behind each publishing attempt; use DATABASE_URL with Kafka',
      );
    }
    let relay: Relay | undefined;
    let checkpoints: CheckpointRelay | undefined;
    app.addHook('onReady', async () => {
      relay = startRelay({ database: app.database, settings, log: app.log, metrics });
      // The transparency log's signed checkpoints, on their own topic (no event content).
      checkpoints = startCheckpointRelay({ database: app.database, settings, log: app.log });
      app.log.info({ brokers: settings.brokers, topics: settings.topics }, 'Kafka relay started');
    });
    app.addHook('onClose', async () => {
      await Promise.all([relay?.stop(), checkpoints?.stop()]);
    });
  },
  { name: 'relay', dependencies: ['database', 'metrics'] },
);
