import { caseBoard } from './caseBoard/caseBoard';
import { tablesOf, type CaseProjection } from './caseProjection';
import { statistics } from './statistics/statistics';

/** Every projection the service keeps live, by name. */
export const projections: readonly CaseProjection[] = [caseBoard, statistics];

export const findProjection = (name: string): CaseProjection | undefined => projections.find((p) => p.name === name);

/**
 * Every read model's tables. Where the service does not own the log it owns these (they hold
 * nothing the log does not), so that a rebuild can swap them whole (see grantServiceRole).
 */
export const projectionTables: readonly string[] = projections.flatMap(tablesOf);
