import type { EventMetadata, RecordedEvent } from './types';

/** The column list every read selects, so each reader maps rows the same way. */
export const eventColumns = [
  'position',
  'transaction_id',
  'event_id',
  'stream_id',
  'stream_version',
  'type',
  'schema_version',
  'data',
  'metadata',
  'occurred_at',
  'recorded_at',
] as const;

export interface EventRow {
  position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: string | number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  occurred_at: Date;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    version: Number(row.stream_version),
    position: String(row.position),
    transactionId: String(row.transaction_id),
    schemaVersion: row.schema_version,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    data: row.data,
    metadata: row.metadata as EventMetadata,
  };
}
