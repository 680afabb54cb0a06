# Common Room. Needs Go and Node.js (npm); everything else is fetched.
#
#   make run     install page assets, build, start with demo data
#   make test    the whole test suite (TESTFLAGS="-run X -v" for extra flags)

GO        ?= go
NPM       ?= npm
TESTFLAGS ?=

BIN         := bin/commonroom
NODE_DIR    := frontend/node_modules
NPM_STAMP   := $(NODE_DIR)/.stamp
NHSUK_DIST  := $(NODE_DIR)/nhsuk-frontend/dist/nhsuk
STATIC      := frontend/static

# The race detector needs cgo (a C compiler); without one, test without it.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED 2>/dev/null)" = 1 ] && echo -race)

.DEFAULT_GOAL := build
.PHONY: assets build run test bench lint compose-check clean

# npm ci only when node_modules is missing or older than the lock file.
$(NPM_STAMP): frontend/package-lock.json frontend/package.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	touch $@

# NHS.UK frontend: its minified CSS and JS (an ES module) go to
# frontend/static/nhsuk/, its images, icons and favicons to
# frontend/static/assets/, which the server serves at /assets (the CSS
# refers to /assets/images/...). Both folders are generated and gitignored;
# they are copied again whenever npm ci has run.
assets: $(NPM_STAMP)
	@if [ $(NPM_STAMP) -nt $(STATIC)/nhsuk/nhsuk-frontend.min.css ] \
		|| [ ! -f $(STATIC)/nhsuk/nhsuk-frontend.min.js ] || [ ! -d $(STATIC)/assets/images ]; then \
		echo "copying nhsuk-frontend into $(STATIC)/nhsuk and $(STATIC)/assets"; \
		rm -rf $(STATIC)/nhsuk $(STATIC)/assets && \
		mkdir -p $(STATIC)/nhsuk $(STATIC)/assets && \
		for f in nhsuk-frontend.min.css nhsuk-frontend.min.js; do \
			cp $(NHSUK_DIST)/$$f $(STATIC)/nhsuk/$$f || exit 1; \
			if [ -f $(NHSUK_DIST)/$$f.map ]; then cp $(NHSUK_DIST)/$$f.map $(STATIC)/nhsuk/ || exit 1; fi; \
		done && \
		cp -R $(NHSUK_DIST)/assets/. $(STATIC)/assets/; \
	fi

build: assets
	$(GO) build -o $(BIN) ./server/cmd/commonroom

# Environment variables (ADDR, DATABASE_URL, BASE_URL, ...) pass through.
run: build
	DEMO_DATA=$${DEMO_DATA:-1} ./$(BIN) serve

# Database tests also run on PostgreSQL when TEST_DATABASE_URL is set.
test: assets
	@[ -n "$(RACE)" ] || echo "warning: no C compiler (cgo off), testing without -race" >&2
	$(GO) test $(RACE) -count=1 -timeout 30m $(TESTFLAGS) ./...

# Benchmarks of the domain core, then the load command on SQLite and, when
# TEST_DATABASE_URL is set, PostgreSQL. It prints a table; it never fails on
# timing.
bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./booking/ ./server/calendar/
	$(GO) test -run '^$$' -bench 'CalendarFeed|SessionSearch' -benchmem ./server/
	$(GO) run ./server/cmd/loadtest

# go vet loads the embedded static files, so the assets must be in place.
lint: assets
	@files=$$(git ls-files --cached --others --exclude-standard -- '*.go' 2>/dev/null) \
		|| files=$$(find . -name '*.go' -not -path './$(NODE_DIR)/*' -not -path './.git/*'); \
	existing=; out=; for f in $$files; do [ -f "$$f" ] && existing="$$existing $$f"; done; \
	if [ -n "$$existing" ]; then out=$$(gofmt -l $$existing) || exit 1; fi; \
	if [ -n "$$out" ]; then echo "gofmt -w needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

compose-check:
	@if command -v docker-compose >/dev/null 2>&1; then \
		docker-compose -f compose.yaml config -q; \
	elif docker compose version >/dev/null 2>&1; then \
		docker compose -f compose.yaml config -q; \
	else \
		echo "compose-check needs docker-compose (apt-get install docker-compose)" >&2; exit 1; \
	fi

clean:
	rm -rf bin $(STATIC)/nhsuk $(STATIC)/assets $(NODE_DIR)
