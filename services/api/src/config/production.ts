/**
 * What "production" means, decided once. Every check that production makes depends on this:
 * a spelling that slipped through as "not production" (`prod`, `Production`) would skip them
 * all and start on the published development keys without a word.
 */
export const deployments = ['production', 'development', 'test'] as const;
export type Deployment = (typeof deployments)[number];

/**
 * NODE_ENV as one of `deployments`. Case and surrounding blanks are forgiven (`Production` is
 * production: the safe reading of what the operator meant); anything else is refused, since
 * guessing between production and development is exactly the mistake to avoid. Unset or empty:
 * development (what `npm start` on a newcomer's machine wants).
 */
export function readDeployment(value: string | undefined): { deployment: Deployment } | { error: string } {
  const normalised = (value ?? '').trim().toLowerCase();
  if (normalised === '') return { deployment: 'development' };
  const known = deployments.find((d) => d === normalised);
  return known
    ? { deployment: known }
    : {
        error: `NODE_ENV=${JSON.stringify(value).slice(1, -1)} is none of ${deployments.join(', ')} (say which: production runs every check)`,
      };
}

/**
 * For the code that reads the environment on its own (CLIs, the checkpoint key): an unknown
 * NODE_ENV counts as production, so it can only make a process stricter (loadConfig refuses it).
 */
export function isProduction(env: NodeJS.ProcessEnv): boolean {
  const read = readDeployment(env.NODE_ENV);
  return !('deployment' in read) || read.deployment === 'production';
}

/** The `(NODE_ENV=production)` of a refusal, so the operator sees which rules applied. */
export const refusalPrefix = (production: boolean) => `refusing to start${production ? ' (NODE_ENV=production)' : ''}: `;

const loopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * A party's JWKS URL: `https://` always; plain `http://` only outside production and only to
 * this machine (a development identity provider). Over plain HTTP anyone on the path could hand
 * the service their own keys and sign tokens for that ministry.
 */
export function jwksUrlRefusal(variable: string, value: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${variable}: not a URL (${value})`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${variable}: an https:// URL or a file path, not ${url.protocol}`;
  if (production) return `${variable}: plain http:// is refused in production (https:// or a file)`;
  if (!loopback(url.hostname)) return `${variable}: plain http:// only to this machine (127.0.0.1, localhost, [::1]); use https://`;
  return undefined;
}

/** What DATABASE_URL and MIGRATIONS_DATABASE_URL may be, and that production runs on PostgreSQL. */
export function databaseRefusals(
  urls: Record<'DATABASE_URL' | 'MIGRATIONS_DATABASE_URL', string | undefined>,
  production: boolean,
): string[] {
  const refusals: string[] = [];
  for (const [variable, value] of Object.entries(urls)) {
    if (value === undefined) continue;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
    if (scheme !== 'postgres' && scheme !== 'postgresql')
      refusals.push(`${variable} must be a postgres:// or postgresql:// URL (not ${scheme ?? 'this'}: the service runs on PostgreSQL)`);
  }
  if (production && urls.DATABASE_URL === undefined)
    refusals.push('DATABASE_URL is required: production does not run on the embedded PGlite (one process, no backups, no replicas)');
  return refusals;
}
