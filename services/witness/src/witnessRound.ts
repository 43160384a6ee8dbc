import { consistent, openCheckpoint, type LogKey } from './verify';
import type { WitnessKey } from './cosign';
import type { WitnessRecord } from './record';

export interface WitnessConfig {
  /** The service's base URL, e.g. https://cco.example.org */
  url: string;
  /** An auditor's bearer token. */
  token: string;
  logKey: LogKey;
  key: WitnessKey;
  record: WitnessRecord;
  log: (level: 'info' | 'warn' | 'error', msg: string, details?: object) => void;
}

export type RoundOutcome =
  | { kind: 'nothing_new'; size: number }
  | { kind: 'cosigned'; size: number; from: number }
  | { kind: 'inconsistent'; evidence: string; reason: string };

async function get(config: WitnessConfig, path: string): Promise<Response> {
  const response = await fetch(new URL(path, config.url), { headers: { authorization: `Bearer ${config.token}` } });
  return response;
}

/**
 * One round: fetch the latest checkpoint, check the log's signature with the pinned key, prove
 * it extends the last one this witness holds (its own RFC 9162 verification), record it, then
 * cosign and deliver the cosignature. A checkpoint that does not extend the held one — smaller,
 * same size with another root, or a proof that fails — is evidence: kept, and reported.
 */
export async function witnessRound(config: WitnessConfig): Promise<RoundOutcome> {
  const response = await get(config, '/v1/audit/checkpoint');
  if (response.status === 404) return { kind: 'nothing_new', size: 0 };
  if (!response.ok) throw new Error(`GET /v1/audit/checkpoint: ${response.status}`);
  const note = await response.text();
  const checkpoint = openCheckpoint(note, config.logKey);
  if (typeof checkpoint === 'string') throw new Error(`the log's checkpoint does not verify: ${checkpoint}`);

  const held = config.record.latest();
  const inconsistent = (reason: string, proof: string[] | null) => {
    const evidence = config.record.keepEvidence({
      reason,
      held,
      received: { size: checkpoint.size, root: checkpoint.root.toString('base64'), note },
      proof,
    });
    config.log('error', 'the log is inconsistent with a checkpoint this witness cosigned', { reason, evidence });
    return { kind: 'inconsistent' as const, evidence, reason };
  };
  if (held) {
    const heldRoot = Buffer.from(held.root, 'base64');
    if (checkpoint.size < held.size) return inconsistent(`the log's tree shrank from ${held.size} to ${checkpoint.size}`, null);
    if (checkpoint.size === held.size) {
      if (!checkpoint.root.equals(heldRoot)) return inconsistent(`two roots for tree size ${held.size}`, null);
      return { kind: 'nothing_new', size: held.size };
    }
    const proofResponse = await get(config, `/v1/audit/proofs/consistency?from=${held.size}&to=${checkpoint.size}`);
    if (!proofResponse.ok)
      return inconsistent(`the log gave no consistency proof from ${held.size} to ${checkpoint.size} (${proofResponse.status})`, null);
    const { path } = (await proofResponse.json()) as { path: string[] };
    const proof = path.map((h) => Buffer.from(h, 'hex'));
    if (!consistent(held.size, checkpoint.size, heldRoot, checkpoint.root, proof)) {
      return inconsistent(`the tree of ${checkpoint.size} does not extend the tree of ${held.size} this witness cosigned`, path);
    }
  }
  const time = Math.floor(Date.now() / 1000);
  config.record.append({ size: checkpoint.size, root: checkpoint.root.toString('base64'), note, cosignedAt: time });
  const signature = config.key.cosign(checkpoint.body, time);
  const posted = await fetch(new URL('/v1/audit/checkpoint/cosignatures', config.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ treeSize: checkpoint.size, signature }),
  });
  if (!posted.ok)
    config.log('warn', 'the log refused this witness’s cosignature (kept in the local record all the same)', {
      status: posted.status,
      body: await posted.text(),
    });
  else config.log('info', 'cosigned', { size: checkpoint.size, from: held?.size ?? 0 });
  return { kind: 'cosigned', size: checkpoint.size, from: held?.size ?? 0 };
}
