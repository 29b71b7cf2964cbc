# syntax=docker/dockerfile:1.7
# Hardened image for an Azora Node.js service: dependencies and build in throw-away stages,
# a minimal runtime that runs as a fixed non-root UID with nothing writable but /tmp.
ARG NODE_VERSION=20.19.5
ARG ALPINE_VERSION=3.22

FROM docker.io/library/node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts

FROM docker.io/library/node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev

FROM docker.io/library/node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS runtime
ARG SERVICE_NAME
ENV NODE_ENV=production \
    NODE_OPTIONS="--enable-source-maps" \
    SERVICE_NAME=${SERVICE_NAME}
RUN apk add --no-cache tini \
 && addgroup -S -g 10001 azora \
 && adduser -S -D -H -u 10001 -G azora azora
WORKDIR /app
# Code stays owned by root: the service's UID can read it but never rewrite it, even where the root
# filesystem is writable (plain docker run). The Deployment sets the heap size from its memory limit.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 10001:10001
EXPOSE 4000
# Kubernetes probes /health/*; this serves plain `docker run` and compose.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "dist/index.js"]
