// Loaded into the service with --import when a benchmark runs with --profile (never in
// production): SIGWINCH starts V8's CPU profiler, the next SIGWINCH writes the profile to
// CCO_PROFILE_DIR, so the profile covers the measured window only, not start-up.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.CCO_PROFILE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  let running = false;
  let n = 0;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `window-${++n}.cpuprofile`), JSON.stringify(result.profile));
      process.stdout.write(`${JSON.stringify({ profileWritten: !error })}\n`);
    });
  });
}
