import type { ReceivedMessage } from '@cco/testkit';
import { expect } from 'vitest';

/** Per case (key): one partition, and versions 1..n in arrival order. */
export function expectPerCaseOrder(firsts: ReceivedMessage[], expected: Map<string, number>) {
  const byKey = new Map<string, { versions: number[]; partitions: Set<number> }>();
  for (const m of firsts) {
    const { streamId, version } = JSON.parse(m.value!) as { streamId: string; version: number };
    expect(m.key).toBe(streamId);
    const entry = byKey.get(streamId) ?? { versions: [], partitions: new Set() };
    entry.versions.push(version);
    entry.partitions.add(m.partition);
    byKey.set(streamId, entry);
  }
  expect([...byKey.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, { versions, partitions }] of byKey) {
    expect(versions, `versions of case ${key}`).toEqual(Array.from({ length: expected.get(key)! }, (_, i) => i + 1));
    expect(partitions.size, `partitions of case ${key}`).toBe(1);
  }
}
