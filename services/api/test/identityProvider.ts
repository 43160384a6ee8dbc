import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type Alg = 'RS256' | 'ES256' | 'EdDSA';

interface Key {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A ministry's identity provider as the service sees it: its JWKS served over HTTP on loopback
 * (port 0), or over HTTPS with `tls` (production refuses plain http), keys it can add and remove
 * (rotation), an outage switch, and a count of fetches.
 */
export class FakeIdentityProvider {
  readonly keys: Key[] = [];
  fetches = 0;
  down = false;
  /** Take each request and never answer it. */
  hanging = false;
  /** Serve a set this many bytes long (its real keys, then filler keys), streamed, without a length. */
  hugeBytes = 0;
  /** Bytes of huge sets written so far (what a client made it send before hanging up). */
  hugeBytesSent = 0;
  private server: Server | undefined;
  url = '';

  constructor(readonly issuer: string) {}

  async start(tls?: TestCertificate): Promise<this> {
    const serve = (request: IncomingMessage, response: ServerResponse) => {
      this.fetches += 1;
      // Down: the connection is dropped, as an unreachable identity provider would be.
      if (this.down) return void response.socket?.destroy();
      if (request.url !== '/jwks.json') return void response.writeHead(404).end();
      // Hanging: the request is taken and never answered (a provider stuck behind a proxy).
      if (this.hanging) return;
      if (this.hugeBytes > 0) return this.serveHuge(response);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks()));
    };
    this.server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, serve) : createServer(serve);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
    return this;
  }

  private serveHuge(response: ServerResponse): void {
    const filler = Buffer.from(`,${JSON.stringify({ kty: 'OKP', crv: 'Ed25519', kid: 'filler', x: 'A'.repeat(43) })}`.repeat(1000));
    const head = JSON.stringify(this.jwks()).slice(0, -2);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(head);
    let sent = head.length;
    const more = () => {
      while (sent < this.hugeBytes && !response.destroyed) {
        sent += filler.length;
        this.hugeBytesSent += filler.length;
        if (!response.write(filler)) return void response.once('drain', more);
      }
      if (!response.destroyed) response.end(']}');
    };
    response.on('close', () => response.destroy());
    more();
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
  }

  async addKey(kid: string, alg: Alg): Promise<Key> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const key = { kid, alg, privateKey, publicJwk: await exportJWK(publicKey) };
    this.keys.push(key);
    return key;
  }

  removeKey(kid: string): void {
    this.keys.splice(
      this.keys.findIndex((k) => k.kid === kid),
      1,
    );
  }

  /**
   * A token signed by this provider's key `kid` (the first key by default): iss, aud cco-api,
   * iat now, exp in an hour; `claims` on top, `header` on top of { alg, kid }.
   */
  async sign(claims: JWTPayload, options: { kid?: string; header?: Record<string, unknown> } = {}): Promise<string> {
    const key = options.kid ? this.keys.find((k) => k.kid === options.kid)! : this.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, aud: 'cco-api', iat: now, exp: now + 3600, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...options.header })
      .sign(key.privateKey);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls `check` until it returns true or the deadline passes (no sleeps that assume an idle machine). */
export async function eventually(check: () => Promise<boolean>, what: string, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A self-signed certificate for 127.0.0.1; a child process trusts it with NODE_EXTRA_CA_CERTS=certFile. */
export interface TestCertificate {
  key: string;
  cert: string;
  certFile: string;
}

export function testCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'cco-test-tls-'));
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
