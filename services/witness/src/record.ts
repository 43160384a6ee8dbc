import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, fsyncSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The witness's own memory, on its own machine: every checkpoint it accepted (append-only
// NDJSON, fsynced), the evidence of any inconsistency, and a metrics file for node_exporter's
// textfile collector.

export interface Held {
  size: number;
  root: string;
  note: string;
  cosignedAt: number;
}

export class WitnessRecord {
  readonly file: string;
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'evidence'), { recursive: true });
    this.file = join(dir, 'checkpoints.ndjson');
  }

  /** The last checkpoint accepted, or null before the first. */
  latest(): Held | null {
    if (!existsSync(this.file)) return null;
    const lines = readFileSync(this.file, 'utf8').trimEnd().split('\n').filter(Boolean);
    return lines.length ? (JSON.parse(lines[lines.length - 1]!) as Held) : null;
  }

  /** Appends and forces to disk before anything is cosigned. */
  append(held: Held): void {
    appendFileSync(this.file, `${JSON.stringify(held)}\n`, { mode: 0o600 });
    const fd = openSync(this.file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Keeps both checkpoints and the failing proof; returns the file written. */
  keepEvidence(evidence: object): string {
    const file = join(this.dir, 'evidence', `inconsistency-${new Date().toISOString().replaceAll(':', '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ detectedAt: new Date().toISOString(), ...evidence }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return file;
  }

  writeMetrics(values: { size: number; inconsistent: boolean; lastSuccess: number | null }): void {
    const text = [
      '# HELP cco_witness_inconsistency_detected 1 once the log showed this witness a history inconsistent with one it cosigned',
      '# TYPE cco_witness_inconsistency_detected gauge',
      `cco_witness_inconsistency_detected ${values.inconsistent ? 1 : 0}`,
      '# HELP cco_witness_tree_size Tree size of the latest checkpoint this witness cosigned',
      '# TYPE cco_witness_tree_size gauge',
      `cco_witness_tree_size ${values.size}`,
      '# HELP cco_witness_last_success_timestamp_seconds When this witness last verified and cosigned',
      '# TYPE cco_witness_last_success_timestamp_seconds gauge',
      `cco_witness_last_success_timestamp_seconds ${values.lastSuccess ?? 0}`,
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'witness.prom'), text);
  }
}
