import { readLag, startProjections, type ProjectionLag, type RunningProjections } from '@cco/projections';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';

/**
 * Keeps the read models (case board, statistics) caught up with the log beside the API, and
 * publishes how far behind each is. Several instances may run it: an advisory lock per
 * projection lets one apply at a time, the others skip their turn.
 */
export const projectionsPlugin = fp(
  async function projections(app: FastifyInstance) {
    let running: RunningProjections | undefined;
    app.addHook('onReady', async () => {
      running = startProjections(app.database, {
        onError: (projection, error, attempt) => app.log.warn({ err: error, projection, attempt }, 'projection failed; backing off'),
      });
    });
    app.addHook('onClose', async () => running?.stop());

    // Measured at scrape time, once for both gauges (each scrape collects them one after the other).
    let measuring: { at: number; lag: Promise<ProjectionLag[]> } | undefined;
    const lag = () => {
      if (!measuring || Date.now() - measuring.at > 1000) measuring = { at: Date.now(), lag: readLag(app.database.db) };
      return measuring.lag;
    };
    const gauge = (name: string, help: string, value: (l: ProjectionLag) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers: [app.metrics],
        async collect() {
          // The database unreachable: keep the last values rather than fail the whole scrape.
          const lags = await lag().catch(() => []);
          for (const l of lags) this.set({ projection: l.projection }, value(l));
        },
      });
    gauge('cco_projection_lag_events', 'Committed events not yet applied to the read model', (l) => l.eventsBehind);
    gauge(
      'cco_projection_lag_seconds',
      'Age of the oldest event not yet applied to the read model (0 when caught up)',
      (l) => l.secondsBehind,
    );
  },
  { dependencies: ['database', 'metrics'] },
);
