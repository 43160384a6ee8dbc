import { compareLogPositions, type LogPosition } from './types';

/**
 * The next read of the log, started while the current batch is handled (sent to Kafka, applied
 * to a shadow table). A step takes it only if it starts exactly where the read started; it is
 * then what a fresh read would return first (commit-safe order: whatever commits later sorts
 * after it). Any other step reads afresh and the read ahead is dropped.
 */
export interface ReadAhead<T> {
  /** The read held for exactly `from`, else `read(from)`; what was held is spent either way. */
  take(from: LogPosition, read: (after: LogPosition) => Promise<T>): Promise<T>;
  /** Holds `read`, begun after `after`, for the next step; a failure only shows when taken. */
  hold(after: LogPosition, read: Promise<T>): void;
  /** Forgets what is held (after an error, or when the next step must read afresh). */
  drop(): void;
}

export function readAhead<T>(): ReadAhead<T> {
  let held: { after: LogPosition; read: Promise<T> } | undefined;
  return {
    take(from, read) {
      const ahead = held;
      held = undefined;
      return ahead && compareLogPositions(ahead.after, from) === 0 ? ahead.read : read(from);
    },
    hold(after, read) {
      read.catch(() => undefined); // awaited by the next step, or dropped
      held = { after, read };
    },
    drop() {
      held = undefined;
    },
  };
}
