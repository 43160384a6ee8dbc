export interface CatchUpOptions {
  /** Does one batch of work; returns how much it did (0 = caught up, wait for a wake-up). */
  step: () => Promise<number>;
  /** Subscribes to wake-ups (LISTEN/NOTIFY); resolves to an unsubscribe. Optional. */
  wake?: (nudge: () => void) => Promise<() => Promise<void>>;
  /** Polling fallback when no wake-up comes (a lost NOTIFY, a reconnect). */
  idleMs?: number;
  maxBackoffMs?: number;
  /**
   * Steps start at least this far apart (default 0). Under a stream of appends every commit
   * wakes the loop, and a step per commit costs its fixed round trips for an event or two; this
   * lets wake-ups gather into one batch, for at most this much added delay. A step that takes
   * longer (a backlog) is followed at once.
   */
  minIntervalMs?: number;
  /**
   * The step's batch size: a step that did this much left more waiting (a backlog: a burst, or a
   * catch-up after an outage), so the next one starts at once instead of after minIntervalMs,
   * which would otherwise cap a catch-up at fullBatch per interval.
   */
  fullBatch?: number;
  onError?: (error: unknown, attempt: number) => void;
}

export interface CatchUp {
  /** Run a step now rather than at the next wake-up. */
  nudge(): void;
  /** Stops after the step in progress; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * A loop that keeps a reader of the global log caught up: steps while there is work, then
 * sleeps until NOTIFY or the polling interval. On error it backs off exponentially with full
 * jitter, so a database restart is survived without a thundering herd of instances.
 */
export function runCatchUp(options: CatchUpOptions): CatchUp {
  const idleMs = options.idleMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 15_000;
  const minIntervalMs = options.minIntervalMs ?? 0;
  let running = true;
  let wakeUp: (() => void) | null = null;
  let endPause: (() => void) | null = null;
  let pending = false;
  const nudge = () => {
    pending = true;
    wakeUp?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending || !running) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  /** A pause that wake-ups do not cut short (only stop does). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endPause = null;
        resolve();
      }
      endPause = done;
    });

  let unsubscribe: (() => Promise<void>) | null = null;
  let lastStart = -Infinity;
  const loop = (async () => {
    let attempt = 0;
    while (running) {
      try {
        if (!unsubscribe && options.wake) unsubscribe = await options.wake(nudge);
        // A timer may fire a millisecond early by the wall clock: wait until the interval has
        // really passed, so steps are never closer than minIntervalMs.
        for (let since = Date.now() - lastStart; running && since < minIntervalMs; since = Date.now() - lastStart)
          await pause(minIntervalMs - since);
        if (!running) break;
        lastStart = Date.now();
        pending = false;
        const done = await options.step();
        attempt = 0;
        if (done === 0) await sleep(idleMs);
        else if (options.fullBatch !== undefined && done >= options.fullBatch) lastStart = -Infinity;
      } catch (error) {
        attempt += 1;
        // A wake-up that came before the failure must not cut the backoff short: without this
        // every sleep returns at once and an outage turns into a busy loop.
        pending = false;
        options.onError?.(error, attempt);
        if (unsubscribe) {
          await unsubscribe().catch(() => undefined);
          unsubscribe = null;
        }
        await sleep(Math.random() * Math.min(maxBackoffMs, 100 * 2 ** attempt));
      }
    }
    await unsubscribe?.().catch(() => undefined);
  })();

  return {
    nudge,
    async stop() {
      running = false;
      wakeUp?.();
      endPause?.();
      await loop;
    },
  };
}
