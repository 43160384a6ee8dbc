import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const charsetOf = (contentType: string) => /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();

/**
 * Bodies are JSON in UTF-8 and nothing else. Any other media type (text/plain included, which
 * Fastify would otherwise hand to the schema as a string) and any other declared charset are
 * 415. Bytes that are not UTF-8 are a 400: decoding them leniently would silently turn a
 * name into U+FFFD and store the corrupted personal data as if it were what was sent.
 */
export const bodiesPlugin = fp(
  async function bodies(app: FastifyInstance) {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      const charset = charsetOf(request.headers['content-type'] ?? '');
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return done(new Problem('unsupported_media_type', `Bodies are JSON in UTF-8; charset=${charset} is not accepted`), undefined);
      }
      let text: string;
      try {
        text = utf8.decode(body as Buffer);
      } catch {
        return done(
          new Problem('validation', 'The body is not valid UTF-8', { errors: [{ path: 'body', message: 'not valid UTF-8' }] }),
          undefined,
        );
      }
      parseJson(request, text, done);
    });
  },
  { name: 'bodies' },
);
