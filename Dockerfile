# syntax=docker/dockerfile:1
# modelkeep: multi-stage build. The build stage compiles better-sqlite3 (a C/C++ toolchain) and the
# TypeScript and the web console; the runtime stage has neither, only node_modules without devDependencies and dist/.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
# `prepare` builds dist/ (the server and the web console) during npm ci; then the devDependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MODELKEEP_HOST=0.0.0.0 \
    MODELKEEP_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN chmod +x dist/cli/main.js \
 && ln -s /app/dist/cli/main.js /usr/local/bin/modelkeep \
 && mkdir -p /data && chown node:node /data
# The image's own unprivileged user (uid 1000); the SQLite database and data live in the volume.
USER node
VOLUME ["/data"]
EXPOSE 8080 18080
# Ready = the database answers with a current schema (see /readyz). Plain HTTP on the REST port:
# with MODELKEEP_HTTP_TLS_* set, override the healthcheck.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MODELKEEP_HTTP_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["modelkeep"]
CMD ["serve"]
