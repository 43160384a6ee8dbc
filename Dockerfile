# syntax=docker/dockerfile:1
# The service as an image: bundled at build, production dependencies only, run as a non-root
# user. It holds no secret and no development default it would accept: NODE_ENV=production
# refuses to start without the production keys (docs/operations.md, "Deploy").
#   docker build -t cco .
#   docker run -p 3000:3000 -e DATABASE_URL=... -e MIGRATIONS_DATABASE_URL=... cco
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build: every dependency and the sources; `npm run build` bundles the service into
#    services/api/dist/main.mjs (what `npm start` runs).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
# Install scripts stay off, as package.json's allowScripts says: none is needed.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm run build

# 2. Production dependencies only: the workspaces' manifests are all npm needs (no esbuild,
#    tsx, vitest, testcontainers).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# 3. What runs: the bundle and node_modules, owned by root and read-only to the service's user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/services/api/dist ./services/api/dist
# Only the embedded database (no DATABASE_URL) writes, and only here.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# /health/ready is 200 once migrated with the database answering, 503 while it does not or while
# shutting down (CCO_ROLE=worker serves it too). An orchestrator with probes of its own uses
# /health/live for liveness (no database: a database outage must not restart every instance).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "services/api/dist/main.mjs"]
