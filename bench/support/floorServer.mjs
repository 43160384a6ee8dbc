// The floor route of `append-http` (issue 18): the least a Fastify 5 + zod service can do to
// accept the same filing, as its own process so its CPU is measured alone. One route, the body
// validated by a zod schema of the filing's shape (fastify-type-provider-zod, as the service
// does), one prepared INSERT of the body into a table of its own on the same PostgreSQL, 201
// with the row's id serialised through its zod schema. No auth, no idempotency, no sealing, no
// logging, no background work. Plain JavaScript, as the service runs bundled JavaScript.
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import pg from 'pg';
import { z } from 'zod';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.FLOOR_POOL_SIZE ?? 10) });
await pool.query(
  'create table if not exists bench_floor (id bigint generated always as identity primary key, body jsonb not null, at timestamptz not null default now())',
);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const filing = z.object({
  kind: z.literal('deportation'),
  subject: z.object({
    names: z.array(z.object({ script: z.string().min(1), value: z.string().min(1) })).min(1),
    nationality: z.string().length(2),
    dateOfBirth: day,
    documents: z.array(z.object({ type: z.string(), number: z.string().min(1), issuingCountry: z.string().length(2) })),
  }),
  offences: z.array(z.object({ category: z.string(), description: z.string() })).min(1),
  warrant: z.object({ reference: z.string(), issuedBy: z.string(), issuedOn: day }),
  lastKnownLocation: z.object({ province: z.string() }),
});

const app = Fastify({ logger: false });
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.post('/v1/cases', { schema: { body: filing, response: { 201: z.object({ id: z.string() }) } } }, async (request, reply) => {
  const { rows } = await pool.query({
    name: 'floor-insert',
    text: 'insert into bench_floor (body) values ($1) returning id',
    values: [request.body],
  });
  return reply.code(201).send({ id: String(rows[0].id) });
});
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
