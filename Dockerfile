# Production image: Node 24 runs the TypeScript sources directly (type stripping); no build step.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The TypeScript client is a workspace of the root package: npm ci needs its manifest.
COPY clients/typescript/package.json ./clients/typescript/
# Runtime dependencies only (the `node` devDependency is not needed: the image is Node 24).
# No install scripts: the runtime dependencies have none, and `prepare` builds the embedded database
# template, which the image (PostgreSQL through DATABASE_URL) does not use.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `docker stop` sends SIGTERM: the server drains and exits 0.
CMD ["node", "--import", "./src/lib/compile-cache.ts", "--max-semi-space-size=16", "--expose-gc", "src/server.ts"]
