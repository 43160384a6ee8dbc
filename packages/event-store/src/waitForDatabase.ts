import { sql, type Kysely } from 'kysely';

/**
 * Errors that say the server is not there yet (starting, restarting, its name not resolvable
 * yet in an orchestrator), as opposed to one that answers and refuses (a wrong password, no
 * such database): only these are worth waiting out.
 */
const notYetThere = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P03']);

/** The reason of a connection failure in a few words (a refused connection to `localhost` is an AggregateError with no message). */
export function connectionFailure(error: unknown): string {
  return [codeOf(error), (error as Error).message].filter((s) => s).join(': ') || String(error);
}

const codeOf = (error: unknown) => {
  const e = error as { code?: string; errors?: { code?: string }[] };
  return e.code ?? e.errors?.[0]?.code;
};

/** Where a postgres:// URL points, without its credentials (for messages). */
export function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export class DatabaseUnreachable extends Error {}

/**
 * Waits until the database answers `select 1`, retrying a server that is not there yet with
 * back-off (0.5 s doubling, at most 5 s apart) for up to `timeoutMs`: a service started beside
 * its database (compose, an orchestrator) must not die because it came up first. `onWaiting` is
 * told once, at the first failure; past the time, DatabaseUnreachable. Any other failure (the
 * server answered and refused) is thrown at once.
 */
export async function waitForDatabase(
  db: Kysely<any>,
  options: { timeoutMs: number; address: string; onWaiting?: (line: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 500, attempt = 1; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      await sql`select 1`.execute(db);
      return;
    } catch (error) {
      if (!notYetThere.has(codeOf(error) ?? '')) throw error;
      if (Date.now() + delay > deadline)
        throw new DatabaseUnreachable(
          `the database at ${options.address} did not answer within ${Math.round(options.timeoutMs / 1000)} s (${attempt} attempts; ${connectionFailure(error)})`,
        );
      if (attempt === 1)
        options.onWaiting?.(
          `waiting for the database at ${options.address} (${connectionFailure(error)}): retrying for up to ${Math.round(options.timeoutMs / 1000)} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
