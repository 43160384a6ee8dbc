import type { Executor } from '@cco/event-store';
import { Counter, Gauge, type Registry } from 'prom-client';
import { measureRelayLag, type RelayLag } from './measureRelayLag';
import type { RelayedBatch } from './relayBatch';

export interface RelayMetrics {
  published(batch: RelayedBatch, topics: { events: string; analytics: string }): void;
  failed(): void;
}

/**
 * The relay's figures in `registry`: messages published per topic (throughput is their rate),
 * events left off the analytics topic, errors, and the lag in events and seconds. The lag is
 * measured from the database when scraped, so it shows even where no relay runs here.
 */
export function registerRelayMetrics(registry: Registry, db: Executor<any>): RelayMetrics {
  const registers = [registry];
  const messages = new Counter({
    name: 'cco_relay_messages_published_total',
    help: 'Messages acknowledged by Kafka, by topic',
    labelNames: ['topic'],
    registers,
  });
  const unlisted = new Counter({
    name: 'cco_relay_analytics_unlisted_total',
    help: 'Events kept off the analytics topic because their type has no allow-list',
    labelNames: ['type'],
    registers,
  });
  const errors = new Counter({
    name: 'cco_relay_errors_total',
    help: 'Relay steps that failed (broker or database); each is retried with backoff',
    registers,
  });

  // One measurement serves both gauges of a scrape; a failed one keeps the last values.
  let measuring: Promise<RelayLag | undefined> | undefined;
  const lag = () =>
    (measuring ??= measureRelayLag(db)
      .catch(() => undefined)
      .finally(() => setTimeout(() => (measuring = undefined), 200)));
  new Gauge({
    name: 'cco_relay_lag_events',
    help: 'Committed events not yet acknowledged by Kafka',
    registers,
    async collect() {
      const now = await lag();
      if (now) this.set(now.events);
    },
  });
  new Gauge({
    name: 'cco_relay_lag_seconds',
    help: 'Age of the oldest event not yet acknowledged by Kafka (0 when caught up)',
    registers,
    async collect() {
      const now = await lag();
      if (now) this.set(now.seconds);
    },
  });

  return {
    published(batch, topics) {
      if (batch.events > 0) messages.inc({ topic: topics.events }, batch.events);
      if (batch.analytics > 0) messages.inc({ topic: topics.analytics }, batch.analytics);
      for (const type of batch.unlisted) unlisted.inc({ type });
    },
    failed: () => errors.inc(),
  };
}
