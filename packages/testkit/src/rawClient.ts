import http from 'node:http';

/** One answer as the wire gave it: nothing parsed away, nothing normalised. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: any;
}

export interface RawRequest {
  method: string;
  /** Sent as is: the caller percent-encodes what the HTTP grammar needs encoded. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Abort (and reject) after this many ms. */
  timeoutMs?: number;
}

/**
 * A plain node:http client with keep-alive. Unlike fetch it sends bodies on GET, any method,
 * raw bytes (invalid UTF-8 included), repeated headers and headers fetch forbids, so hostile
 * requests reach the server as they were generated.
 */
export class RawClient {
  readonly agent: http.Agent;
  private readonly origin: URL;

  constructor(baseUrl: string, options: { maxSockets?: number } = {}) {
    this.origin = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 });
  }

  send(request: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...request.headers };
      if (
        request.body !== undefined &&
        !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')
      ) {
        headers['content-length'] = String(Buffer.byteLength(request.body));
      }
      const req = http.request(
        { agent: this.agent, host: this.origin.hostname, port: this.origin.port, method: request.method, path: request.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      req.on('error', reject);
      if (request.timeoutMs) req.setTimeout(request.timeoutMs, () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
      req.end(request.body);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** A problem document per RFC 9457, as docs/api.md promises for every error. */
export function isProblem(response: RawResponse): boolean {
  const type = String(response.headers['content-type'] ?? '');
  const body = response.json;
  return (
    type.startsWith('application/problem+json') &&
    body !== null &&
    typeof body === 'object' &&
    typeof body.type === 'string' &&
    typeof body.title === 'string' &&
    body.status === response.status &&
    typeof body.detail === 'string'
  );
}

/** `"3"` → 3 (the ETag the commands answer with). */
export function etagVersion(response: RawResponse): number | undefined {
  const match = /^"(\d+)"$/.exec(String(response.headers.etag ?? ''));
  return match ? Number(match[1]) : undefined;
}
