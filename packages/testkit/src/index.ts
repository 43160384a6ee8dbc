// The one kit of test and benchmark data: tests of every workspace, the benchmarks and the
// simulator import it by this package path (`@cco/testkit`), never by a relative reach into
// another workspace's test/. Production code never imports it (eslint refuses that), so it
// stays out of the service bundle.
export * from './random';
export * from './fixtures';
export * from './sampleEvents';
export * from './storeEvents';
export * from './caseHistories';
export * as caseEvents from './caseEvents';
export * from './logCounts';
export * from './tokens';
export * from './rawClient';
export * from './walk';
export * from './serverProcess';
export * from './relay';
export * from './kafka';
export * from './insider';
