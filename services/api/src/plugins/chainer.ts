import { eventsChannel, runCatchUp, type CatchUp } from '@cco/event-store';
import { chainEvents } from '@cco/transparency-log';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const chainBatch = 2000;

/** Keeps the hash chain caught up with the log (see chainEvents for why it is not inline). */
export const chainerPlugin = fp(
  async function chainer(app: FastifyInstance) {
    let loop: CatchUp | undefined;
    app.addHook('onReady', async () => {
      loop = runCatchUp({
        step: () => chainEvents(app.database.db, chainBatch),
        wake: (nudge) => app.database.listen(eventsChannel, nudge),
        idleMs: 2000,
        // Under a stream of commands, one chaining step per 200 ms rather than one per commit: each
        // step costs ~8 statements whatever its size (bench append-http, "statements sent"), and
        // a checkpoint is issued once a second anyway. An idle log is chained at once.
        minIntervalMs: 200,
        fullBatch: chainBatch,
        onError: (error, attempt) => app.log.warn({ err: error, attempt }, 'hash chainer failed; backing off'),
      });
    });
    app.addHook('onClose', async () => loop?.stop());
  },
  { dependencies: ['database'] },
);
