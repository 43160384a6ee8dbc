// Reads vitest's JSON report: fails when no test ran, or when a test was skipped (an
// integration test that skips has not checked its component). The one exception is a test
// whose title says it needs Docker ([needs docker]): it runs only where a Docker engine is.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) =>
  file.assertionResults.map((t) => ({ file: file.name.replace(process.cwd() + '/', ''), title: t.fullName, status: t.status })),
);
const count = (status) => tests.filter((t) => t.status === status).length;
const skipped = tests.filter((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo');
const excused = skipped.filter((t) => t.title.includes('[needs docker]'));
const unexcused = skipped.filter((t) => !t.title.includes('[needs docker]'));

for (const t of excused) console.log(`skipped here (no Docker engine): ${t.file} › ${t.title}`);
for (const t of unexcused) console.log(`SKIPPED WITHOUT CAUSE: ${t.file} › ${t.title}`);
const failedFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((t) => t.status !== 'failed'));
for (const f of failedFiles) console.log(`FILE FAILED OUTSIDE A TEST: ${f.name} ${f.message ?? ''}`);

console.log(`vitest: ${count('passed')} passed, ${count('failed')} failed, ${skipped.length} skipped`);
if (tests.length === 0 || count('passed') === 0) {
  console.log('no test ran');
  process.exit(1);
}
if (unexcused.length > 0 || count('failed') > 0 || failedFiles.length > 0 || !report.success) process.exit(1);
