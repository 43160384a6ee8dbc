import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// An auditor's verifier, written from the README's description alone: it imports nothing of
// the service. RFC 8785 (JCS) for the JSON this log holds: strings, integers, booleans, null,
// arrays and objects with keys sorted by UTF-16 code units.

function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jcs(v)}`).join(',')}}`;
}

export interface Verdict {
  ok: boolean;
  links: number;
  firstBrokenPosition: string | null;
}

/** Checks every line's hash from its event and the previous line's hash, and that seq runs on. */
export function verifyExport(file: string): Verdict {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  let prev: string | undefined;
  let prevSeq: bigint | undefined;
  for (const line of lines) {
    const expectedPrev = prev ?? line.prevHash; // an export may start mid-chain: anchor on its first prevHash
    const hash = createHash('sha256')
      .update(`${expectedPrev}\n${jcs(line.event)}`)
      .digest('hex');
    const seqOk = prevSeq === undefined || BigInt(line.seq) === prevSeq + 1n;
    if (line.prevHash !== expectedPrev || hash !== line.hash || !seqOk) {
      return { ok: false, links: lines.length, firstBrokenPosition: String(line.event.position) };
    }
    prev = line.hash;
    prevSeq = BigInt(line.seq);
  }
  return { ok: true, links: lines.length, firstBrokenPosition: null };
}
