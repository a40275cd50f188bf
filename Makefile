# aios: build, test, run, benchmark, lint.
#
#   make run    build aios and run its main job on embedded defaults
#   make test   install what the tests need, then pass every test
#
# Everything else the targets need (Go modules, Debian packages) is fetched
# or installed here.

GO      ?= go
BIN     := bin/aios
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
PKGS    := ./...
# Packages with fuzz targets: a short run in `make test`, longer with `make fuzz`.
FUZZ_PKG   := ./lsp/textdoc
FUZZTIME   ?= 60s

.PHONY: all build run test test-go fuzz-short fuzz bench lint deps test-deps clean

all: build

deps:
	$(GO) mod download

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/aios

# The main job on embedded defaults: aios lints its own source tree.
run: build
	./$(BIN) lint ./...

# Debian packages the tests use: Neovim drives the real-editor test, Node.js
# and npm the VS Code protocol test.
TEST_DEBS := $(if $(shell command -v nvim),,neovim) $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)
test-deps:
	@if [ -n "$(strip $(TEST_DEBS))" ]; then \
		echo "installing $(strip $(TEST_DEBS)) (needed by the editor end-to-end tests)"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS); \
	fi

test: deps test-deps build test-go fuzz-short

test-go:
	AIOS_TEST_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 15m $(PKGS)

fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzApply$$' -fuzztime 5s $(FUZZ_PKG)
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime 5s $(FUZZ_PKG)

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzApply$$' -fuzztime $(FUZZTIME) $(FUZZ_PKG)
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime $(FUZZTIME) $(FUZZ_PKG)

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
	$(GO) clean -testcache
