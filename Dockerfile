# syntax=docker/dockerfile:1
# Multi-stage: build (compilers for better-sqlite3) → small runtime image without them.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    CONFIG_DIR=/app/config \
    DATABASE_URL=sqlite:/data/feeds.db \
    FEEDS_DIR=/data/feeds
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts ./scripts
COPY package.json ./
COPY config ./config
COPY schemas ./schemas
# `feed-publisher` on PATH too, for `docker exec CONTAINER feed-publisher collect`.
RUN chmod +x dist/main.js && ln -s /app/dist/main.js /usr/local/bin/feed-publisher \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# The CLI is the entrypoint, so `docker run IMAGE check-config` (or collect, classify, discover,
# purge-source) runs that command from the built dist/; no compiler is needed or present here.
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["serve"]
