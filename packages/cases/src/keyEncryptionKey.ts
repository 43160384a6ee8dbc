import { createHmac } from 'node:crypto';

/** The development key `npm start` uses when PERSONAL_DATA_KEY is unset (never in production). */
export const developmentKeyEncryptionKey = Buffer.alloc(32, 'cco-development-only-kek').toString('base64');

/**
 * Fewer distinct byte values than this and a key did not come from a random generator: 32 random
 * bytes hold about 30 distinct values, and fewer than 12 happens by chance about once in 10^25.
 * What it catches is a key typed by hand, a repeated pattern, or 32 zero bytes (which AES accepts
 * and anyone can guess). 12, not 16: the published development key, a repeated 24-character
 * phrase, has 13 (production refuses it by its value; development keeps working on it).
 */
const minimumDistinctBytes = 12;

/** PERSONAL_DATA_KEY: 32 bytes, base64. It wraps every subject key; losing it loses the data. */
export function parseKeyEncryptionKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('PERSONAL_DATA_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  const distinct = new Set(key).size;
  if (distinct < minimumDistinctBytes) {
    throw new Error(
      `PERSONAL_DATA_KEY has no entropy (${distinct} distinct byte values in 32): generate one with \`openssl rand -base64 32\``,
    );
  }
  return key;
}

const fingerprints = new WeakMap<Buffer, string>();

/**
 * What the database records of a key-encryption key: HMAC-SHA-256 keyed by the key over a label
 * of its own, hex. It tells keys apart without revealing anything of the key (nor of any AES
 * output under it: the label is never a wrapping context).
 */
export function keyFingerprint(kek: Buffer): string {
  let fingerprint = fingerprints.get(kek);
  if (!fingerprint) {
    fingerprint = createHmac('sha256', kek).update('cco:personal-data-key:fingerprint:v1').digest('hex');
    fingerprints.set(kek, fingerprint);
  }
  return fingerprint;
}

/** The fingerprint as messages show it: enough to tell keys apart. */
export const shortFingerprint = (fingerprint: string) => fingerprint.slice(0, 16);
