import type { NoteSigner } from './noteKeys';

// C2SP signed-note and tlog-checkpoint: a text body of newline-terminated lines, a blank line,
// then one line per signature, `— <key name> <base64(4-byte key id ‖ signature)>`.

export const signaturePrefix = '\u2014 ';

/** The checkpoint body: origin, tree size in decimal, base64 root hash, each line ending in \n. */
export function checkpointBody(origin: string, treeSize: number, rootHash: Buffer): string {
  return `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
}

export function signatureLine(name: string, keyId: Buffer, signature: Buffer): string {
  return `${signaturePrefix}${name} ${Buffer.concat([keyId, signature]).toString('base64')}`;
}

/** The body signed by `signer`, as a note. */
export function signNote(body: string, signer: NoteSigner): string {
  if (!body.endsWith('\n') || body.includes('\n\n')) throw new Error('a note body is non-empty lines, each ending in a newline');
  return `${body}\n${signatureLine(signer.name, signer.keyId, signer.sign(body))}\n`;
}

export interface ParsedNote {
  body: string;
  signatures: { name: string; keyId: Buffer; signature: Buffer; line: string }[];
}

/** A note split into its body and signature lines, or why it is not one. */
export function parseNote(text: string): ParsedNote | string {
  const split = text.lastIndexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) return 'not a signed note: no blank line before the signatures, or no final newline';
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  const signatures = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) return `not a signature line: ${JSON.stringify(line.slice(0, 80))}`;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length < 5) return 'a signature is too short';
    signatures.push({ name: m[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4), line });
  }
  return { body, signatures };
}

/** origin, size and root of a checkpoint body (extension lines ignored), or why not. */
export function parseCheckpointBody(body: string): { origin: string; treeSize: number; rootHash: Buffer } | string {
  const lines = body.split('\n');
  if (lines.length < 4) return 'a checkpoint has an origin, a tree size and a root hash line';
  const [origin, size, root] = lines as [string, string, string];
  if (!/^(0|[1-9]\d{0,15})$/.test(size)) return 'the tree size is not a decimal number';
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root) return 'the root hash is not base64 of 32 bytes';
  return { origin, treeSize: Number(size), rootHash };
}
