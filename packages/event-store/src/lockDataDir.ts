import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Another live process holds the embedded database's directory. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${pid} (the service, or another command): PGlite serves one process at a time. ` +
        "Use the running service's endpoints (e.g. POST /v1/projections/{name}/rebuild, GET /v1/audit/integrity) or stop it first.",
    );
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Makes this process the one owner of an embedded database's directory: PGlite has no locking
 * of its own, and a second process opening the same files (a CLI beside `npm start`) corrupts
 * what the first one has cached. A lock file beside the directory (not in it: PGlite decides
 * whether to initialise by what it finds there) holds the owner's pid, created exclusively; a
 * lock whose process is gone is taken over. The lock is on the directory's real path: another
 * name for the same directory (a symlink to it, or through a symlinked parent) must find the
 * same lock. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = realDirectory(dataDir);
  const lockFile = join(dirname(dir), `.${basename(dir)}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) throw new DataDirInUse(dataDir, owner);
      unlinkSync(lockFile); // left by a process that is gone (or by this one): stale
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
}

/** The real path of `dataDir` (its parent created if need be); a directory not made yet: its real parent and its name. */
function realDirectory(dataDir: string): string {
  const given = resolve(dataDir);
  mkdirSync(dirname(given), { recursive: true });
  try {
    return realpathSync(given);
  } catch {
    return join(realpathSync(dirname(given)), basename(given));
  }
}
