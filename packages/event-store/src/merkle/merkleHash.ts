import { createHash } from 'node:crypto';

// RFC 9162 §2.1.1: domain-separated hashes, so a leaf can never pass for an inner node.

/** SHA-256(0x00 ‖ data): the hash of one leaf. */
export function leafHash(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export const emptyRoot: Buffer = createHash('sha256').digest();
