import { countPendingPurges, startErasurePurge } from '@cco/cases';
import type { Vacuumer } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** An erasure committed here: vacuum its key row's last versions away (a no-op without a vacuumer). */
    erasureCommitted: () => void;
  }
}

export interface ErasurePurgeOptions {
  /** Runs VACUUM as the owner of subject_keys (main.ts: MIGRATIONS_DATABASE_URL, else DATABASE_URL). */
  vacuum: Vacuumer | undefined;
}

/**
 * Erasure made final in the live database: after each erasure this process commits (and every
 * minute, for other processes' and retries) subject_keys is vacuumed until no dead version of a
 * destroyed key is left. `cco_erasures_pending_purge` counts erasures still waiting for that.
 */
export const erasurePurgePlugin = fp(
  async function erasurePurge(app: FastifyInstance, options: ErasurePurgeOptions) {
    new Gauge({
      name: 'cco_erasures_pending_purge',
      help: 'Erasures whose destroyed key may still sit in a dead row version of subject_keys (a VACUUM has not yet removed it)',
      registers: [app.metrics],
      async collect() {
        this.set(await countPendingPurges(app.database.db).catch(() => 0));
      },
    });
    if (!options.vacuum) {
      app.decorate('erasureCommitted', () => undefined);
      return;
    }
    let warned = '';
    const purge = startErasurePurge({
      db: app.database.db,
      vacuum: options.vacuum,
      onOutcome: (outcome) => {
        if (outcome.kind === 'purged')
          app.log.info({ erasures: outcome.erasures }, 'erased keys purged: no version of them is left in subject_keys');
        // Once per reason: a snapshot held open keeps them pending, and the retries say nothing new.
        if (outcome.kind === 'pending' && outcome.reason !== warned) {
          warned = outcome.reason;
          app.log.warn({ erasures: outcome.erasures, reason: outcome.reason }, 'erased keys not yet purged; retrying');
        }
      },
      onError: (error) => app.log.warn({ err: error }, 'could not purge erased keys; retrying'),
    });
    app.decorate('erasureCommitted', () => purge.wake());
    app.addHook('onClose', async () => purge.stop());
  },
  { name: 'erasurePurge', dependencies: ['database'] },
);
