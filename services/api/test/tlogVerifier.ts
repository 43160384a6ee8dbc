import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';

// An auditor's verifier, written from RFC 9162 §2.1.3.2 / §2.1.4.2 and the C2SP signed-note
// spec without the service's code; signatures through tweetnacl, a second Ed25519.

const sha = (...parts: (Uint8Array | string)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
export const hashLeaf = (data: Uint8Array | string) => sha(Uint8Array.of(0), data);
const hashNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);

export function rootFromInclusion(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = hashNode(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else {
      r = hashNode(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyConsistency(m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: Buffer[]): boolean {
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0) return proof.length === 0;
  if (m > n || proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
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
      fr = hashNode(c, fr);
      sr = hashNode(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else {
      sr = hashNode(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  root: Buffer;
  body: string;
  signatureLines: string[];
}

/** Checks the note's signature by `verifierKey` (`name+hexid+base64(0x01‖pub)`); returns the checkpoint. */
export function openCheckpoint(note: string, verifierKey: string): Checkpoint {
  const [name, hexId] = verifierKey.split('+') as [string, string];
  const b64 = verifierKey.slice(name.length + hexId.length + 2);
  const key = Buffer.from(b64, 'base64');
  if (key[0] !== 1) throw new Error('not an Ed25519 note key');
  const pub = key.subarray(1);
  const id = sha(name, '\n', Uint8Array.of(1), pub).subarray(0, 4);
  if (id.toString('hex') !== hexId) throw new Error('key id does not match');
  const split = note.indexOf('\n\n');
  const body = note.slice(0, split + 1);
  const signatureLines = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  const mine = signatureLines.find((l) => l.startsWith(`\u2014 ${name} `));
  if (!mine) throw new Error('no signature by the log');
  const raw = Buffer.from(mine.split(' ')[2]!, 'base64');
  if (!raw.subarray(0, 4).equals(id)) throw new Error('signature key id differs');
  if (!nacl.sign.detached.verify(Buffer.from(body), raw.subarray(4), pub)) throw new Error('bad signature');
  const [origin, size, root] = body.split('\n') as [string, string, string];
  if (origin !== name) throw new Error('origin is not the key name');
  return { origin, treeSize: Number(size), root: Buffer.from(root, 'base64'), body, signatureLines };
}
