import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { paths } from './openapi';

export type { components, operations, paths } from './openapi';

/** A client of the whole API, every path, parameter, body and answer typed from openapi/openapi.json. */
export type CooperationClient = Client<paths>;

export type Token = string | (() => string | Promise<string>);

export interface CooperationClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the service answers, e.g. https://cco.example.gov.kh (no trailing /v1). */
  baseUrl: string;
  /** The caller's bearer JWT, or a function asked before every request (for tokens that expire). */
  token?: Token;
}

/**
 * The typed client: `client.GET('/v1/cases/{id}', { params: { path: { id } } })` answers
 * `{ data, error, response }` with `data` the case and `error` the problem document.
 */
export function createCooperationClient({ token, ...options }: CooperationClientOptions): CooperationClient {
  const client = createClient<paths>(options);
  if (token !== undefined) client.use(bearer(token));
  return client;
}

/** Middleware that sends `Authorization: Bearer <token>` on every request. */
export function bearer(token: Token): Middleware {
  return {
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
      return request;
    },
  };
}

/** A fresh Idempotency-Key; send the same one with every retry of the same command. */
export const newIdempotencyKey = (): string => crypto.randomUUID();

/** The If-Match value for the case version a command was decided on: 3 → `"3"`. */
export const ifMatch = (version: number): string => `"${version}"`;

/** The case version an answer's ETag names (`"3"` or `W/"3"` → 3); undefined without one. */
export function versionOf(response: Response): number | undefined {
  const match = /^(?:W\/)?"(\d+)"$/.exec(response.headers.get('etag') ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The headers a command takes: an Idempotency-Key (a fresh one unless given) and, with a
 * version, If-Match. `params: { header: commandHeaders({ version }) }`.
 */
export function commandHeaders(options: { idempotencyKey?: string; version?: number } = {}): {
  'idempotency-key': string;
  'if-match'?: string;
} {
  return {
    'idempotency-key': options.idempotencyKey ?? newIdempotencyKey(),
    ...(options.version !== undefined ? { 'if-match': ifMatch(options.version) } : {}),
  };
}
