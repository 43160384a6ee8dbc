import { createHash, createPublicKey, verify } from 'node:crypto';

// The witness's own verification, written from RFC 9162 §2.1.4.2 and the C2SP signed-note and
// tlog-checkpoint specifications. It shares no code with the service on purpose: a witness
// that ran the log's own code would vouch for the log's own mistakes.

const sha256 = (...parts: (Uint8Array | string)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const node = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);

export interface LogKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

/** `<name>+<hex id>+<base64(0x01 ‖ key)>`: the log's verifier key, pinned in the witness's config. */
export function parseLogKey(text: string): LogKey | string {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return 'expected <name>+<hex key id>+<base64 key>';
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  const raw = Buffer.from(text.slice(second + 1), 'base64');
  if (raw.length !== 33 || raw[0] !== 0x01) return 'the log key must be an Ed25519 note key (0x01)';
  const keyId = sha256(name, '\n', Uint8Array.of(1), raw.subarray(1)).subarray(0, 4);
  if (keyId.toString('hex') !== hexId) return 'the key id does not match the key';
  return { name, keyId, publicKey: raw.subarray(1) };
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** The note body: the three checkpoint lines (and any extension lines), newline-terminated. */
  body: string;
  note: string;
}

/** A checkpoint note whose signature by `key` verifies, or why not. */
export function openCheckpoint(note: string, key: LogKey): SignedCheckpoint | string {
  const split = note.indexOf('\n\n');
  if (split < 0) return 'not a signed note';
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return 'a checkpoint has an origin, a size and a root';
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin !== key.name) return `origin ${JSON.stringify(origin)} is not the pinned log's (${key.name})`;
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText)) return 'bad tree size';
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32) return 'bad root hash';
  const publicKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.publicKey]),
    format: 'der',
    type: 'spki',
  });
  for (const line of note.slice(split + 2).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || m[1] !== key.name) continue;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length === 68 && raw.subarray(0, 4).equals(key.keyId) && verify(null, Buffer.from(body), publicKey, raw.subarray(4))) {
      return { origin, size: Number(sizeText), root, body, note };
    }
  }
  return 'no valid signature by the pinned log key';
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (n, newRoot) extends (m, oldRoot)? */
export function consistent(m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(m)) ? [oldRoot, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}
