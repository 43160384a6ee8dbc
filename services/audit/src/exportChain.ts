import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { toRecordedEvent, type EventRow, type Executor } from '@cco/event-store';
import { chainedContent, readInclusionProof, readLatestCheckpoint } from '@cco/transparency-log';
import { sql } from 'kysely';

export interface ExportSummary {
  links: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** The latest signed checkpoint, written beside the export; every line covered by it carries its inclusion proof. */
  checkpoint: { treeSize: number; file: string } | null;
}

/**
 * Writes the chained events recorded between `from` and `to` (UTC dates, inclusive) as NDJSON,
 * one link a line: { seq, prevHash, hash, event }, `event` being exactly what was hashed. The
 * range is contiguous in chain order, so the lines verify on their own from the first prevHash.
 *
 * The transparency log too: the latest signed checkpoint goes to `<out>.checkpoint` (the note as
 * served), and each line the checkpoint covers carries `leafIndex` and `inclusion` ({ treeSize,
 * leafHash, path }, RFC 9162), so an auditor proves each event is in the signed tree offline.
 */
export async function exportChain(db: Executor<any>, from: string, to: string, out: string): Promise<ExportSummary> {
  const bounds = await sql<{ first: string | null; last: string | null }>`
    select min(c.seq) as first, max(c.seq) as last from event_chain c join events e on e.position = c.position
    where e.recorded_at >= ${from}::date and e.recorded_at < ${to}::date + 1`.execute(db);
  const { first, last } = bounds.rows[0] ?? { first: null, last: null };
  const latest = await readLatestCheckpoint(db);
  const treeSize = latest ? latest.treeSize : 0;
  if (latest) await writeFile(`${out}.checkpoint`, latest.note);
  const file = createWriteStream(out);
  let links = 0;
  if (first !== null && last !== null) {
    for (let seq = BigInt(first) - 1n; seq < BigInt(last);) {
      const page = await sql<EventRow & { seq: string; prev_hash: string; hash: string }>`
        select c.seq, c.prev_hash, c.hash, e.* from event_chain c join events e on e.position = c.position
        where c.seq > ${seq.toString()}::int8 and c.seq <= ${last}::int8 order by c.seq limit 1000`.execute(db);
      if (page.rows.length === 0) break;
      for (const row of page.rows) {
        const leafIndex = Number(row.seq) - 1;
        const proof = leafIndex < treeSize ? await readInclusionProof(db, String(row.position), treeSize) : null;
        const inclusion = proof?.ok
          ? { treeSize, leafHash: proof.leafHash.toString('hex'), path: proof.path.map((h) => h.toString('hex')) }
          : null;
        const line = {
          seq: String(row.seq),
          prevHash: row.prev_hash,
          hash: row.hash,
          leafIndex,
          inclusion,
          event: chainedContent(toRecordedEvent(row)),
        };
        if (!file.write(`${JSON.stringify(line)}\n`)) await once(file, 'drain');
        links += 1;
        seq = BigInt(row.seq);
      }
    }
  }
  file.end();
  await once(file, 'finish');
  return {
    links,
    firstSeq: first === null ? null : String(first),
    lastSeq: last === null ? null : String(last),
    checkpoint: latest ? { treeSize, file: `${out}.checkpoint` } : null,
  };
}
