import { caseBoard } from './caseBoard/caseBoard';
import type { CaseProjection } from './projection';
import { statistics } from './statistics/statistics';

/** Every projection the service keeps live, by name. */
export const projections: readonly CaseProjection[] = [caseBoard, statistics];

export const findProjection = (name: string): CaseProjection | undefined => projections.find((p) => p.name === name);
