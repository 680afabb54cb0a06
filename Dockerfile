# Common Room: one static binary with its page assets embedded.
#   docker build -t commonroom .
#   docker run -p 8080:8080 -v commonroom-data:/data commonroom

# 1. NHS.UK frontend assets from npm, laid out as `make assets` does.
FROM node:20 AS assets
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
RUN dist=node_modules/nhsuk-frontend/dist/nhsuk \
    && mkdir -p static/nhsuk static/assets \
    && for f in nhsuk-frontend.min.css nhsuk-frontend.min.js; do \
         cp "$dist/$f" static/nhsuk/ || exit 1; \
         if [ -f "$dist/$f.map" ]; then cp "$dist/$f.map" static/nhsuk/ || exit 1; fi; \
       done \
    && cp -R "$dist/assets/." static/assets/

# 2. The binary (pure Go: SQLite needs no cgo).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/frontend/static/nhsuk ./frontend/static/nhsuk
COPY --from=assets /src/frontend/static/assets ./frontend/static/assets
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /commonroom ./server/cmd/commonroom

# 3. A small image with busybox wget for health checks.
FROM alpine:3
RUN adduser -D -H -u 10001 commonroom \
    && mkdir /data && chown commonroom:commonroom /data
COPY --from=build /commonroom /usr/local/bin/commonroom
USER commonroom
# With DATABASE_URL unset, the SQLite file commonroom.db lives here.
VOLUME /data
WORKDIR /data
ENV ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/commonroom"]
CMD ["serve"]
