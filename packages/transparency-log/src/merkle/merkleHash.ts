import { createHash, hash } from 'node:crypto';

// RFC 9162 §2.1.1: domain-separated hashes, so a leaf can never pass for an inner node.

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

const innerPrefix = Uint8Array.of(1);

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // One-shot: a third cheaper than a Hash object for 65 bytes, and the chainer and the import
  // compute about one inner node per event.
  return hash('sha256', Buffer.concat([innerPrefix, left, right]), 'buffer');
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export const emptyRoot: Buffer = createHash('sha256').digest();
