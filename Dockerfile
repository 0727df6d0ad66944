# Production image: Node 24 runs the TypeScript sources directly (type stripping); only the web
# console is built (stage `console`).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The TypeScript client and the console are workspaces of the root package: npm ci needs their
# manifests.
COPY clients/typescript/package.json ./clients/typescript/
COPY console/package.json ./console/
# Runtime dependencies only (the `node` devDependency is not needed: the image is Node 24). No
# scripts: `prepare` builds the console (the next stage does, with its build tools) and the embedded
# database template (the image runs on PostgreSQL through DATABASE_URL).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The web console (console/): bundled by Vite; only its built files go into the image.
FROM node:24-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY clients/typescript ./clients/typescript
COPY console ./console
RUN npm ci --ignore-scripts --no-audit --no-fund && node console/scripts/ensure-build.ts --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY --from=console /app/console/dist ./console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `docker stop` sends SIGTERM: the server drains and exits 0.
CMD ["node", "--import", "./src/lib/preload.ts", "--max-semi-space-size=16", "--expose-gc", "src/server.ts"]
