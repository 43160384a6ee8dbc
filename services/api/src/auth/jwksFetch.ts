import { readFile, stat } from 'node:fs/promises';

/**
 * The largest key set read. A ministry's set holds a handful of keys (a few KiB); without a cap a
 * provider serving 100 MB made the service buffer and parse all of it on the event loop,
 * stalling every request of both parties for seconds and leaving some 500 MB resident.
 */
export const maxJwksBytes = 256 * 1024;
/** The most keys a set may list (rotation needs two or three). */
export const maxJwksKeys = 100;

/** Fetches a key set, reading at most `maxJwksBytes` of it: a larger body is abandoned as it arrives. */
export async function fetchJwks(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered ${response.status}`);
  }
  // A redirect from https to plain http would hand the choice of keys to anyone on the path.
  if (url.startsWith('https:') && !response.url.startsWith('https:')) {
    await response.body?.cancel();
    throw new Error(`${url} redirected to ${new URL(response.url).origin}: not https`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxJwksBytes) {
    await response.body?.cancel();
    throw new Error(`${url} sends ${declared} bytes: a key set may have at most ${maxJwksBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxJwksBytes) {
        await reader.cancel();
        throw new Error(`${url} sends more than ${maxJwksBytes} bytes: not read further`);
      }
      chunks.push(value);
    }
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Reads a key set from a file, under the same size cap. */
export async function readJwksFile(file: string): Promise<unknown> {
  const { size } = await stat(file);
  if (size > maxJwksBytes) throw new Error(`${file} has ${size} bytes: a key set may have at most ${maxJwksBytes}`);
  return JSON.parse(await readFile(file, 'utf8'));
}
