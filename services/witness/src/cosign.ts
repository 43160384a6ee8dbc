import { createHash, createPrivateKey, sign } from 'node:crypto';

/** The witness's own key: `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 ‖ seed)>` (C2SP tlog-cosignature, Ed25519). */
export interface WitnessKey {
  name: string;
  keyId: Buffer;
  /** `<name>+<hex id>+<base64(0x04 ‖ public key)>`, for the service's CHECKPOINT_WITNESS_KEYS. */
  verifierKey: string;
  cosign(body: string, time: number): string;
}

export function parseWitnessKey(text: string): WitnessKey | string {
  const m = /^PRIVATE\+KEY\+([^\s+]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  if (!m) return 'expected PRIVATE+KEY+<name>+<hex key id>+<base64(0x04 ‖ seed)>';
  const [, name, hexId, b64] = m as unknown as [string, string, string, string];
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 33 || raw[0] !== 0x04) return 'a witness key is 0x04 (cosignature/v1) followed by a 32-byte Ed25519 seed';
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = privateKey.export({ format: 'jwk' }).x!;
  const pub = Buffer.from(publicKey, 'base64url');
  const keyId = createHash('sha256').update(name).update('\n').update(Uint8Array.of(4)).update(pub).digest().subarray(0, 4);
  if (keyId.toString('hex') !== hexId) return 'the key id does not match the key';
  return {
    name,
    keyId,
    verifierKey: `${name}+${hexId}+${Buffer.concat([Uint8Array.of(4), pub]).toString('base64')}`,
    cosign(body, time) {
      const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${body}`), privateKey);
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(time));
      return `\u2014 ${name} ${Buffer.concat([keyId, timestamp, signature]).toString('base64')}`;
    },
  };
}
