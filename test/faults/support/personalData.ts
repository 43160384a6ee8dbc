import { expect } from 'vitest';
import { personalData as fixtureValues } from '@cco/testkit';

/**
 * The personal data a test file used (the shared fixtures' values plus its own generated
 * subjects), and the scan of every log line it produced for any of them.
 */
export class PersonalData {
  private readonly values = new Set<string>(fixtureValues);

  /** Records a subject's name(s), document number(s) and date of birth as used in a request. */
  addSubject(subject: { names?: { value: string }[]; dateOfBirth?: string; documents?: { number: string }[] }) {
    for (const n of subject.names ?? []) this.add(n.value);
    for (const d of subject.documents ?? []) this.add(d.number);
    if (subject.dateOfBirth) this.add(subject.dateOfBirth);
  }

  add(value: string) {
    // Short values (one or two characters) would match by chance; every generator here makes
    // names, numbers and dates long enough to be unmistakable.
    if (value.length >= 6) this.values.add(value);
  }

  get size() {
    return this.values.size;
  }

  /** Fails naming every value found and a line holding it; returns what was scanned. */
  assertAbsentFrom(logs: readonly string[]): { lines: number; bytes: number; values: number } {
    // One pass over the logs, candidates looked up by their first four characters (every value
    // is at least six long): thousands of values over megabytes of logs in well under a second.
    const needles = new Set<string>();
    for (const v of this.values) {
      needles.add(v);
      needles.add(JSON.stringify(v).slice(1, -1)); // as it would appear inside a JSON log line
    }
    const byPrefix = new Map<string, string[]>();
    for (const n of needles) byPrefix.set(n.slice(0, 4), [...(byPrefix.get(n.slice(0, 4)) ?? []), n]);
    const found = new Map<string, string>();
    let bytes = 0;
    for (const line of logs) {
      bytes += line.length;
      for (let i = 0; i + 4 <= line.length; i++) {
        const candidates = byPrefix.get(line.slice(i, i + 4));
        if (!candidates) continue;
        for (const c of candidates) if (!found.has(c) && line.startsWith(c, i)) found.set(c, line.slice(0, 400));
      }
    }
    expect(
      [...found.entries()].map(([value, line]) => `${value} in: ${line}`),
      'personal data in the logs',
    ).toEqual([]);
    return { lines: logs.length, bytes, values: this.values.size };
  }
}

let counter = 0;
/** A realistic subject whose every personal value is unique to this run (and so cannot match by chance). */
export function uniqueSubject(seed = `${process.pid}${Date.now() % 1e6}${counter++}`) {
  const tag = seed.replace(/\D/g, '').slice(-8).padStart(8, '0');
  const letters = [...tag].map((d) => 'ABCDEFGHIJ'[Number(d)]).join('');
  const year = 1950 + (Number(tag) % 50);
  const month = String(1 + (Number(tag) % 12)).padStart(2, '0');
  // Never the 1st: 1970-01-01 (which these numbers once made) is a day the fuzzers send anyway
  // and that shows up in logged URLs, so it cannot stand for a subject's birth date in a scan.
  const day = String(2 + (Number(tag) % 27)).padStart(2, '0');
  return {
    names: [
      { script: 'Latn', value: `LI ${letters}` },
      { script: 'Hans', value: `李${[...tag].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}` },
    ],
    nationality: 'CN',
    dateOfBirth: `${year}-${month}-${day}`,
    documents: [{ type: 'passport', number: `P${tag}`, issuingCountry: 'CN' }],
  };
}
