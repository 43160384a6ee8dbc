import type { Executor } from '@cco/event-store';
import { readRootHash } from './merkle/readProofs';
import { readTreeSize } from './merkle/treeStore';
import { sql } from 'kysely';
import { cosignatureV1Type, type NoteSigner, type NoteVerifier } from './noteKeys';
import { checkpointBody, parseNote, signatureLine, signNote } from './signedNote';

export interface Checkpoint {
  treeSize: number;
  rootHash: Buffer;
  /** The signed note as issued (the log's signature only). */
  note: string;
  issuedAt: Date;
}

/**
 * Signs and keeps a checkpoint of the tree as it stands, if it grew since the last one.
 * Returns the new checkpoint, or null when there was nothing new (or another instance signed
 * this size first: the table keeps one checkpoint per size, so two signers cannot diverge).
 */
export async function issueCheckpoint(db: Executor<any>, signer: NoteSigner): Promise<Checkpoint | null> {
  const [size, latest] = await Promise.all([readTreeSize(db), readLatestCheckpoint(db)]);
  if (latest && latest.treeSize >= size) return null;
  if (!latest && size === 0) return null;
  const rootHash = await readRootHash(db, size);
  const note = signNote(checkpointBody(signer.name, size, rootHash), signer);
  const { rows } = await sql<{ issued_at: Date }>`
    insert into tree_checkpoints (tree_size, root_hash, note) values (${String(size)}::int8, decode(${rootHash.toString('hex')}, 'hex'), ${note})
    on conflict (tree_size) do nothing returning issued_at`.execute(db);
  return rows[0] ? { treeSize: size, rootHash, note, issuedAt: new Date(rows[0].issued_at) } : null;
}

type Row = { tree_size: string; root_hash: string; note: string; issued_at: Date };
const toCheckpoint = (r: Row): Checkpoint => ({
  treeSize: Number(r.tree_size),
  rootHash: Buffer.from(r.root_hash, 'hex'),
  note: r.note,
  issuedAt: new Date(r.issued_at),
});

export async function readLatestCheckpoint(db: Executor<any>): Promise<Checkpoint | null> {
  const { rows } =
    await sql<Row>`select tree_size, encode(root_hash, 'hex') as root_hash, note, issued_at from tree_checkpoints order by tree_size desc limit 1`.execute(
      db,
    );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

export async function readCheckpointAt(db: Executor<any>, treeSize: number): Promise<Checkpoint | null> {
  const { rows } =
    await sql<Row>`select tree_size, encode(root_hash, 'hex') as root_hash, note, issued_at from tree_checkpoints where tree_size = ${String(treeSize)}::int8`.execute(
      db,
    );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/** The checkpoints issued after tree size `after` (-1: all), in tree-size order, at most `limit`. */
export async function readCheckpointsAfter(db: Executor<any>, after: number, limit: number): Promise<Checkpoint[]> {
  const { rows } = await sql<Row>`
    select tree_size, encode(root_hash, 'hex') as root_hash, note, issued_at from tree_checkpoints
    where tree_size > ${String(after)}::int8 order by tree_size limit ${limit}`.execute(db);
  return rows.map(toCheckpoint);
}

/** The latest checkpoint cosigned by every one of `witnesses` (none configured: null). */
export async function readLatestCosignedBy(db: Executor<any>, witnesses: readonly string[]): Promise<Checkpoint | null> {
  if (witnesses.length === 0) return null;
  const { rows } = await sql<Row>`
    select c.tree_size, encode(c.root_hash, 'hex') as root_hash, c.note, c.issued_at from tree_checkpoints c
    where (select count(distinct s.witness) from checkpoint_cosignatures s where s.tree_size = c.tree_size and s.witness = any(${witnesses}::text[])) = ${witnesses.length}
    order by c.tree_size desc limit 1`.execute(db);
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/** The note with every cosignature received for it appended (C2SP signed-note allows many signatures). */
export async function withCosignatures(db: Executor<any>, checkpoint: Checkpoint): Promise<string> {
  const { rows } = await sql<{ signature_line: string }>`
    select signature_line from checkpoint_cosignatures where tree_size = ${String(checkpoint.treeSize)}::int8 order by witness`.execute(db);
  return rows.length === 0 ? checkpoint.note : `${checkpoint.note}${rows.map((r) => `${r.signature_line}\n`).join('')}`;
}

/** The message a witness signs for cosignature/v1 (C2SP tlog-cosignature). */
export const cosignedMessage = (body: string, timestamp: bigint) => `cosignature/v1\ntime ${timestamp}\n${body}`;

export type CosignatureOutcome =
  | { ok: true; witness: string; treeSize: number; cosignedAt: Date; duplicate: boolean }
  | { ok: false; reason: 'no_such_checkpoint' | 'unknown_witness' | 'bad_signature' | 'implausible_time' | 'malformed'; detail: string };

/** Witnesses' clocks drift from the log's: a cosignature may claim a time this far off. */
const COSIGNATURE_CLOCK_SKEW_S = 600n;

/**
 * Checks a witness's cosignature line against a kept checkpoint and the configured witness
 * keys, and keeps it. Only cosignatures that verify are kept, so anyone may deliver them.
 */
export async function acceptCosignature(
  db: Executor<any>,
  witnesses: readonly NoteVerifier[],
  treeSize: number,
  line: string,
): Promise<CosignatureOutcome> {
  const checkpoint = await readCheckpointAt(db, treeSize);
  if (!checkpoint) return { ok: false, reason: 'no_such_checkpoint', detail: `no checkpoint of tree size ${treeSize} was issued` };
  const parsed = parseNote(`x\n\n${line.trim()}\n`);
  if (typeof parsed === 'string' || parsed.signatures.length !== 1)
    return { ok: false, reason: 'malformed', detail: typeof parsed === 'string' ? parsed : 'one signature line' };
  const sig = parsed.signatures[0]!;
  const witness = witnesses.find((w) => w.type === cosignatureV1Type && w.name === sig.name && w.keyId.equals(sig.keyId));
  if (!witness)
    return {
      ok: false,
      reason: 'unknown_witness',
      detail: `${sig.name} with key id ${sig.keyId.toString('hex')} is not a configured witness`,
    };
  if (sig.signature.length !== 72)
    return { ok: false, reason: 'malformed', detail: 'a cosignature/v1 is an 8-byte timestamp and a 64-byte Ed25519 signature' };
  const timestamp = sig.signature.readBigUInt64BE(0);
  const body = (parseNote(checkpoint.note) as { body: string }).body;
  if (timestamp >= 2n ** 63n || !witness.verify(cosignedMessage(body, timestamp), sig.signature.subarray(8))) {
    return {
      ok: false,
      reason: 'bad_signature',
      detail: `the cosignature does not verify with ${witness.name}'s key over checkpoint ${treeSize}`,
    };
  }
  // A witness cosigns a checkpoint it has seen: not before the log issued it, nor after now. A
  // time outside that window is no valid cosignature time, however well signed (and 2^62 s is no
  // date at all: kept, it would break every reader of the row).
  const issued = BigInt(Math.floor(checkpoint.issuedAt.getTime() / 1000));
  const now = BigInt(Math.floor(Date.now() / 1000));
  if (timestamp < issued - COSIGNATURE_CLOCK_SKEW_S || timestamp > now + COSIGNATURE_CLOCK_SKEW_S) {
    return {
      ok: false,
      reason: 'implausible_time',
      detail: `the cosignature's time ${timestamp} lies outside the checkpoint's issue (${issued}) to now (${now}), give or take ${COSIGNATURE_CLOCK_SKEW_S} s`,
    };
  }
  const cosignedAt = new Date(Number(timestamp) * 1000);
  const { rows } = await sql<{ cosigned_at: Date }>`
    insert into checkpoint_cosignatures (tree_size, witness, key_id, signature_line, cosigned_at)
    values (${String(treeSize)}::int8, ${witness.name}, ${witness.keyId.toString('hex')}, ${signatureLine(sig.name, sig.keyId, sig.signature)}, ${cosignedAt})
    on conflict (tree_size, witness) do nothing returning cosigned_at`.execute(db);
  if (rows[0]) return { ok: true, witness: witness.name, treeSize, cosignedAt: new Date(rows[0].cosigned_at), duplicate: false };
  // A second delivery: the cosignature kept is the first one, and so is its time.
  const kept = await sql<{ cosigned_at: Date }>`
    select cosigned_at from checkpoint_cosignatures where tree_size = ${String(treeSize)}::int8 and witness = ${witness.name}`.execute(db);
  return { ok: true, witness: witness.name, treeSize, cosignedAt: new Date(kept.rows[0]!.cosigned_at), duplicate: true };
}
