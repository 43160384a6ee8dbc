import { eventColumns, toRecordedEvent } from './rows';
import type { Executor, RecordedEvent } from './types';

export interface ReadStreamOptions {
  /** Only events recorded at or before this instant (an auditor's "as of" view). */
  recordedAtOrBefore?: Date;
  /** Only the stream's first versions, up to this one (the case as a command left it). */
  toVersion?: number;
}

/** A stream's events in version order; empty when the stream does not exist. */
export async function readStream(db: Executor<any>, streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').select(eventColumns).where('stream_id', '=', streamId);
  if (options.recordedAtOrBefore) query = query.where('recorded_at', '<=', options.recordedAtOrBefore);
  if (options.toVersion !== undefined) query = query.where('stream_version', '<=', String(options.toVersion));
  const rows = await query.orderBy('stream_version').execute();
  return rows.map(toRecordedEvent);
}
