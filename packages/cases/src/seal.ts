import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM ciphertext with what it needs to be opened, as stored inside event data. */
export interface SealedBox {
  alg: 'A256GCM';
  iv: string;
  ct: string;
  tag: string;
}

/** Seals `value` (JSON) under `key`, bound to `context` (authenticated, not encrypted). */
export function seal(key: Buffer, context: string, value: unknown): SealedBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { alg: 'A256GCM', iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export function open<T>(key: Buffer, context: string, box: SealedBox): T {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64')).setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(box.ct, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as T;
}

/** Key wrapping: the data key sealed under the key-encryption key, as iv ‖ tag ‖ ciphertext. */
export function wrapKey(kek: Buffer, context: string, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

export function unwrapKey(kek: Buffer, context: string, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12)).setAAD(Buffer.from(context));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
}
