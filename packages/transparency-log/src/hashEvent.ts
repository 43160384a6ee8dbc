import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from '@cco/event-store';

/** The previous hash of the first event in the chain. */
export const genesisHash = '0'.repeat(64);

/**
 * What the chain covers of one event: everything stored except the physical transaction id
 * (which a restore into another database would change). Timestamps are ISO 8601 UTC with
 * milliseconds, the precision of the columns; position is a decimal string (int8).
 */
export function chainedContent(event: RecordedEvent) {
  return {
    id: event.id,
    streamId: event.streamId,
    version: event.version,
    position: event.position,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
}

/**
 * JCS(content), RFC 8785 canonical JSON of what the chain covers: the bytes (UTF-8) that the
 * chain links hash and that are the event's leaf in the Merkle tree.
 */
export function canonicalContent(event: RecordedEvent): string {
  const canonical = canonicalize(chainedContent(event));
  if (canonical === undefined) throw new Error(`event ${event.id} has no canonical form`);
  return canonical;
}

/** hash = hex(SHA-256(prevHash ‖ "\n" ‖ JCS(content))), JCS being RFC 8785 canonical JSON. */
export function hashEvent(prevHash: string, event: RecordedEvent): string {
  return hashCanonical(prevHash, canonicalContent(event));
}

/** The chain link over content already canonicalised. */
export function hashCanonical(prevHash: string, canonical: string | Uint8Array): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}
