import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

// C2SP signed-note keys (the format of Go's golang.org/x/mod/sumdb/note), Ed25519 through
// node:crypto. A key's name may hold no whitespace and no '+'; its id is the first 4 bytes of
// SHA-256(name ‖ "\n" ‖ type ‖ public key), type 0x01 for a log's Ed25519 key and 0x04 for a
// witness's cosignature/v1 key (C2SP tlog-cosignature).

export const ed25519Type = 0x01;
export const cosignatureV1Type = 0x04;

const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSigner {
  name: string;
  /** 4 bytes. */
  keyId: Buffer;
  publicKey: Buffer;
  /** `<name>+<hex key id>+<base64(type ‖ public key)>` */
  verifierKey: string;
  sign(message: Buffer | string): Buffer;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  type: number;
  publicKey: Buffer;
  verify(message: Buffer | string, signature: Buffer): boolean;
}

/** Splits on the first `count - 1` '+' only: base64 has '+' of its own (as Go's chop does). */
function chop(text: string, count: number): string[] | null {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}

export const validKeyName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

export function keyIdOf(name: string, type: number, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name).update('\n').update(Uint8Array.of(type)).update(publicKey).digest().subarray(0, 4);
}

export const publicKeyObject = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });

/** A signer from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Buffer, type = ed25519Type): NoteSigner {
  if (!validKeyName(name)) throw new Error(`key name ${JSON.stringify(name)} must be non-empty, with no spaces and no '+'`);
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = keyIdOf(name, type, publicKey);
  return {
    name,
    keyId,
    publicKey,
    verifierKey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Uint8Array.of(type), publicKey]).toString('base64')}`,
    sign: (message) => sign(null, Buffer.from(message), privateKey),
  };
}

/** `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ seed)>` → a signer, or why not. */
export function parseSignerKey(text: string, expectType = ed25519Type): NoteSigner | string {
  const parts = chop(text.trim(), 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    return 'not a note signer key: expected PRIVATE+KEY+<name>+<hex key id>+<base64 key>';
  const [, , name, hexId, b64] = parts as [string, string, string, string, string];
  const raw = Buffer.from(b64, 'base64');
  if (raw.toString('base64') !== b64) return 'the key is not canonical base64';
  if (!/^[0-9a-f]{8}$/.test(hexId)) return 'the key id must be 8 lowercase hex digits';
  if (raw.length !== 33 || raw[0] !== expectType) return `the key must be base64 of 0x0${expectType} followed by a 32-byte Ed25519 seed`;
  if (!validKeyName(name)) return "the key name must be non-empty, with no spaces and no '+'";
  const signer = signerFromSeed(name, raw.subarray(1), expectType);
  if (signer.keyId.toString('hex') !== hexId)
    return `the key id ${hexId} does not match the key (expected ${signer.keyId.toString('hex')})`;
  return signer;
}

/** A fresh key in the note signer format, and its signer. */
export function generateSignerKey(name: string, type = ed25519Type): { privateKey: string; signer: NoteSigner } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const signer = signerFromSeed(name, seed, type);
  return {
    privateKey: `PRIVATE+KEY+${name}+${signer.keyId.toString('hex')}+${Buffer.concat([Uint8Array.of(type), seed]).toString('base64')}`,
    signer,
  };
}

/** `<name>+<hex key id>+<base64(type ‖ public key)>` → a verifier, or why not. */
export function parseVerifierKey(text: string): NoteVerifier | string {
  const parts = chop(text.trim(), 3);
  if (!parts) return 'not a verifier key: expected <name>+<hex key id>+<base64 key>';
  const [name, hexId, b64] = parts as [string, string, string];
  const raw = Buffer.from(b64, 'base64');
  if (raw.toString('base64') !== b64) return 'the key is not canonical base64';
  if (!validKeyName(name) || !/^[0-9a-f]{8}$/.test(hexId)) return 'a verifier key needs a name and an 8-digit hex key id';
  if (raw.length !== 33 || (raw[0] !== ed25519Type && raw[0] !== cosignatureV1Type))
    return 'only Ed25519 (0x01) and cosignature/v1 (0x04) keys are supported';
  const type = raw[0]!;
  const publicKey = raw.subarray(1);
  const keyId = keyIdOf(name, type, publicKey);
  if (keyId.toString('hex') !== hexId) return 'the key id does not match the key';
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId,
    type,
    publicKey,
    verify: (message, signature) => signature.length === 64 && verify(null, Buffer.from(message), key, signature),
  };
}
