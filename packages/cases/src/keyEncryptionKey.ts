/** The development key `npm start` uses when PERSONAL_DATA_KEY is unset (never in production). */
export const developmentKeyEncryptionKey = Buffer.alloc(32, 'cco-development-only-kek').toString('base64');

/** PERSONAL_DATA_KEY: 32 bytes, base64. It wraps every subject key; losing it loses the data. */
export function parseKeyEncryptionKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('PERSONAL_DATA_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  return key;
}
