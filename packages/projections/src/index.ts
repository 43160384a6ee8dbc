// @cco/projections: read models built from the global log, rebuildable from position zero.

export { caseBoard, type BoardRow } from './caseBoard/caseBoard';
export type { CaseBoardTable } from './caseBoard/caseBoard.table';
export { decodeCursor, encodeCursor, InvalidCursor, type BoardCursor } from './caseBoard/boardCursor';
export { listCases, type BoardPage, type BoardQuery } from './caseBoard/listCases';

export { statistics, type StatisticsRow } from './statistics/statistics';
export type { StatisticsCasesTable } from './statistics/statisticsCases.table';
export { utcDays, type DayWindow } from './statistics/window';
export type { Count } from './statistics/countCases';
export { countDeportations, type DeportationGrouping } from './statistics/countDeportations';
export { countRefusals } from './statistics/countRefusals';
export { measureDurations, type Durations } from './statistics/measureDurations';
export { countVictimVerifications, type VerificationCounts } from './statistics/countVictimVerifications';
export { listOverdueVerifications, type OverdueVerifications } from './statistics/listOverdueVerifications';

export { positionNameOf, liveTarget, runnerLockOf, type CaseProjection, type Target } from './caseProjection';
export { findProjection, projections, projectionTables } from './projections';
export type { ProjectionTables } from './tables';

export { foldRows } from './runner/foldRows';
export { projectBatch } from './runner/projectBatch';
export { startProjections, type ProjectionsOptions, type RunningProjections } from './runner/startProjections';

export { rebuildProjection, type RebuildOptions, type RebuildReport } from './rebuild/rebuildProjection';
export { RebuildSuperseded } from './rebuild/shadow';
export type { TableComparison } from './rebuild/compareTables';

export { readLag, type ProjectionLag } from './lag/readLag';
