import {
  readConsistencyProof,
  readInclusionProof,
  type ProofRefusal,
  acceptCosignature,
  readCheckpointAt,
  readLatestCheckpoint,
  readLatestCosignedBy,
  withCosignatures,
} from '@cco/transparency-log';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { problems, withinInt8 } from '../schemas/common';

const auditors = requireRoles('auditor');
/** A tree size or leaf count: a decimal that stays exact in a JavaScript number. */
const size = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})$/, 'a tree size: a decimal number')
  .transform(Number);
const hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe('SHA-256, lowercase hex');

function refused(refusal: ProofRefusal): never {
  switch (refusal.reason) {
    case 'beyond_tree':
      throw new Problem('not_found', `the tree holds ${refusal.treeSize} leaves: no tree of that size yet`, { treeSize: refusal.treeSize });
    case 'no_such_leaf':
      throw new Problem('not_found', 'no event at that position is in the tree (yet)');
    case 'after_tree_size':
      throw new Problem('not_found', `that event is leaf ${refusal.leafIndex}, not in a tree of the size asked for`, {
        leafIndex: refusal.leafIndex,
      });
  }
}

/** The transparency log (RFC 9162 tree, C2SP checkpoints and cosignatures) for auditors and witnesses. */
export async function transparencyRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/audit/checkpoint',
    {
      onRequest: auditors,
      schema: {
        tags: ['audit'],
        operationId: 'getCheckpoint',
        summary: 'The latest signed checkpoint of the Merkle tree: C2SP tlog-checkpoint in a signed note (auditors)',
        description:
          "text/plain: origin line, tree size, base64 root hash, a blank line, then the log's Ed25519 signature and any witnesses' cosignatures. " +
          '`treeSize` asks for an earlier checkpoint (every one issued is kept); `cosigned=true` for the latest one that every configured witness has cosigned.',
        querystring: z.strictObject({
          treeSize: size.optional(),
          cosigned: z.enum(['true', 'false']).default('false'),
        }),
        response: { 200: z.string().describe('The signed note (text/plain)'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const db = request.server.database.db;
      const { treeSize, cosigned } = request.query;
      const checkpoint =
        treeSize !== undefined
          ? await readCheckpointAt(db, treeSize)
          : cosigned === 'true'
            ? await readLatestCosignedBy(
                db,
                request.server.transparency.witnesses.map((w) => w.name),
              )
            : await readLatestCheckpoint(db);
      if (!checkpoint) throw new Problem('not_found', await whyNoCheckpoint(request.server, treeSize, cosigned === 'true'));
      return reply.type('text/plain; charset=utf-8').send(await withCosignatures(db, checkpoint));
    },
  );

  routes.get(
    '/v1/audit/checkpoint/key',
    {
      onRequest: auditors,
      schema: {
        tags: ['audit'],
        operationId: 'getCheckpointKey',
        summary: "The checkpoints' origin and C2SP verifier key, and the witnesses' keys (auditors)",
        response: {
          200: z.object({
            origin: z.string(),
            verifierKey: z.string().describe('`<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`'),
            witnesses: z
              .array(z.string())
              .describe('Verifier keys (type 0x04, cosignature/v1) of the witnesses whose cosignatures are accepted'),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const { signer, witnesses } = request.server.transparency;
      return {
        origin: signer.name,
        verifierKey: signer.verifierKey,
        witnesses: witnesses.map(
          (w) => `${w.name}+${w.keyId.toString('hex')}+${Buffer.concat([Uint8Array.of(w.type), w.publicKey]).toString('base64')}`,
        ),
      };
    },
  );

  routes.get(
    '/v1/audit/proofs/inclusion',
    {
      onRequest: auditors,
      schema: {
        tags: ['audit'],
        operationId: 'getInclusionProof',
        summary: 'That the event at a position is in the tree of a given size (RFC 9162 §2.1.3; auditors)',
        querystring: z.strictObject({
          position: z
            .string()
            .regex(/^[1-9]\d{0,18}$/, 'a global position')
            .refine(withinInt8, 'beyond int8'),
          treeSize: size.refine((n) => n >= 1, 'a tree with at least one leaf'),
        }),
        response: {
          200: z.object({
            position: z.string(),
            leafIndex: z.number().int(),
            treeSize: z.number().int(),
            leafHash: hex,
            path: z.array(hex),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { position, treeSize } = request.query;
      const proof = await readInclusionProof(request.server.database.db, position, treeSize);
      if (!proof.ok) refused(proof);
      return {
        position,
        leafIndex: proof.leafIndex,
        treeSize,
        leafHash: proof.leafHash.toString('hex'),
        path: proof.path.map((h) => h.toString('hex')),
      };
    },
  );

  routes.get(
    '/v1/audit/proofs/consistency',
    {
      onRequest: auditors,
      schema: {
        tags: ['audit'],
        operationId: 'getConsistencyProof',
        summary: 'That the tree of size `to` extends the tree of size `from` (RFC 9162 §2.1.4; auditors)',
        querystring: z
          .strictObject({ from: size, to: size })
          .refine((q) => q.from <= q.to, { message: 'from must not exceed to', path: ['from'] }),
        response: {
          200: z.object({ from: z.number().int(), to: z.number().int(), path: z.array(hex) }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const proof = await readConsistencyProof(request.server.database.db, from, to);
      if (!proof.ok) refused(proof);
      return { from, to, path: proof.path.map((h) => h.toString('hex')) };
    },
  );

  routes.post(
    '/v1/audit/checkpoint/cosignatures',
    {
      onRequest: auditors,
      schema: {
        tags: ['audit'],
        operationId: 'addCosignature',
        summary: 'A witness delivers its cosignature (C2SP tlog-cosignature, cosignature/v1) of a checkpoint',
        description:
          'Kept only if it verifies with a configured witness key over the checkpoint of that size; the checkpoint is then served with it. ' +
          "A cosignature is evidence signed by the witness's own key, not a write to the case log.",
        body: z.strictObject({
          treeSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
          signature: z.string().max(400).describe('The note signature line, `— <witness name> <base64(key id ‖ timestamp ‖ signature)>`'),
        }),
        response: {
          200: z.object({ witness: z.string(), treeSize: z.number().int(), cosignedAt: z.string(), duplicate: z.boolean() }),
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { treeSize, signature } = request.body;
      const outcome = await acceptCosignature(request.server.database.db, request.server.transparency.witnesses, treeSize, signature);
      if (!outcome.ok) {
        const kind = {
          no_such_checkpoint: 'not_found',
          unknown_witness: 'forbidden',
          malformed: 'validation',
          bad_signature: 'rule_violation',
          implausible_time: 'rule_violation',
        } as const;
        throw new Problem(kind[outcome.reason], outcome.detail);
      }
      if (!outcome.duplicate) request.log.info({ witness: outcome.witness, treeSize }, 'checkpoint cosigned');
      return { witness: outcome.witness, treeSize, cosignedAt: outcome.cosignedAt.toISOString(), duplicate: outcome.duplicate };
    },
  );
}

/** Why GET /v1/audit/checkpoint has nothing to answer, as precisely as the log can say. */
async function whyNoCheckpoint(server: FastifyInstance, treeSize: number | undefined, cosigned: boolean): Promise<string> {
  if (treeSize !== undefined) return `no checkpoint of tree size ${treeSize} was issued`;
  if (!(await readLatestCheckpoint(server.database.db))) return 'no checkpoint has been issued yet';
  if (!cosigned) return 'no checkpoint has been issued yet';
  const witnesses = server.transparency.witnesses.map((w) => w.name);
  return witnesses.length === 0
    ? 'no witness is configured (CHECKPOINT_WITNESS_KEYS), so no checkpoint can be cosigned by all of them'
    : `checkpoints were issued, but none is cosigned yet by every configured witness (${witnesses.join(', ')})`;
}
