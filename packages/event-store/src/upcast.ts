import type { RecordedEvent } from './types';

/** For each event type, the step from each old schema version to the next. */
export type Upcasters = Readonly<Record<string, Readonly<Record<number, (data: any) => unknown>>>>;

/** The schema version new events of `type` are written in: one past the last upcaster. */
export function currentSchemaVersion(upcasters: Upcasters, type: string): number {
  const steps = Object.keys(upcasters[type] ?? {}).map(Number);
  return steps.length === 0 ? 1 : Math.max(...steps) + 1;
}

/**
 * The event in the current shape of its type, stepping one version at a time. The stored row
 * is never touched: the hash chain covers what was stored, not this view of it.
 */
export function upcast(upcasters: Upcasters, event: RecordedEvent): RecordedEvent {
  const steps = upcasters[event.type];
  let { data, schemaVersion } = event;
  for (let step = steps?.[schemaVersion]; step; step = steps?.[schemaVersion]) {
    data = step(data);
    schemaVersion += 1;
  }
  return schemaVersion === event.schemaVersion ? event : { ...event, data, schemaVersion };
}
