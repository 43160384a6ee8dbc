import { sql, type Kysely } from 'kysely';
import { eventsChannel } from './database';

export interface Announcer {
  /** Appends have committed: wake the log's readers (soon, once for many calls). */
  appended(): void;
  /** Sends what is still owed, then stops. */
  close(): Promise<void>;
}

export interface AnnounceOptions {
  /** At most one NOTIFY per this many ms (default 5); calls in between are folded into the next. */
  minGapMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Wakes every reader of the log (chainer, projections, relay, in this process or another) after
 * appends COMMITTED, with a NOTIFY of its own. Not from inside the appending transaction (the
 * store's first design, a trigger): PostgreSQL serializes the commits of every transaction that
 * sent a NOTIFY on one database-wide lock, held through its WAL flush, so concurrent commands
 * could no longer share a flush (measured: 8 writers spent 69 % of their time on Lock:object).
 * Here one NOTIFY at a time goes out on its own, outside any command's transaction, at most one
 * per `minGapMs`, and with synchronous_commit off: it carries no data to make durable, and a
 * lost one costs a reader only its polling interval, never an event (readers read the log).
 */
export function announceAppends(db: Kysely<any>, options: AnnounceOptions = {}): Announcer {
  const minGapMs = options.minGapMs ?? 5;
  let owed = false;
  let sending: Promise<void> | null = null;
  let closed = false;
  let lastSent = -Infinity;

  const send = async () => {
    while (owed) {
      const wait = lastSent + minGapMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      owed = false;
      lastSent = Date.now();
      try {
        await sql`select set_config('synchronous_commit', 'off', true), pg_notify(${eventsChannel}, '')`.execute(db);
      } catch (error) {
        options.onError?.(error);
      }
    }
    sending = null;
  };

  return {
    appended() {
      owed = true;
      if (!sending && !closed) sending = send();
    },
    async close() {
      await sending;
      closed = true;
    },
  };
}
