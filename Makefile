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

build: deps llama-libs
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/aios

# The main job on embedded defaults: aios lints its own source tree.
run: build llama-libs
	./$(BIN) lint ./...

# Debian packages the tests use: Neovim drives the real-editor test, Node.js
# and npm the VS Code protocol test, bubblewrap the critic's sandbox, git
# the repositories the tests create, GnuPG the signed AI commits.
TEST_DEBS := $(if $(shell command -v nvim),,neovim) $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm) \
	$(if $(shell command -v bwrap),,bubblewrap) $(if $(shell command -v git),,git) $(if $(shell command -v gpg),,gnupg)
test-deps:
	@if [ -n "$(strip $(TEST_DEBS))" ]; then \
		echo "installing $(strip $(TEST_DEBS)) (needed by the tests)"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS); \
	fi

test: deps test-deps llama-libs build test-go fuzz-short

test-go:
	AIOS_TEST_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 15m $(PKGS)

# Execution counts, not durations: with a -fuzztime duration, Go 1.26's
# fuzz coordinator can report a spurious "context deadline exceeded" as the
# time runs out on a busy machine (go.dev/issue/75804, fixed in Go 1.27).
fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzApply$$' -fuzztime 20000x -fuzzminimizetime 100x $(FUZZ_PKG)
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime 20000x -fuzzminimizetime 100x $(FUZZ_PKG)

# Every fuzz target, as package:Target. (Their seed corpora also run in
# `make test` as ordinary tests.)
FUZZ_TARGETS := ./lsp/textdoc:FuzzApply ./lsp/textdoc:FuzzRoundTrip ./metal:FuzzValidateGGUF \
	./repoindex/syntax:FuzzParseGo ./memory/store:FuzzDecodeRecords ./memory:FuzzDecodeSparse \
	./agents/edit:FuzzParse ./agents/edit:FuzzDiffRoundTrip

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzzing $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
	$(GO) clean -testcache

# ---- llama.cpp for package metal: llama-libs, llama-headers, bench-infer ----
# Prebuilt llama.cpp shared libraries come from node-llama-cpp's npm packages
# (llama.cpp v0.4.0, the version yzma v1.28.0 binds), fetched with `npm pack`
# and unpacked: no node_modules, no install scripts. They land in
# build/llama/<flavor>/, where package metal looks for them (or set
# AIOS_LLAMA_LIB to another directory).
#
#   make llama-libs                      CPU build for this OS/arch
#   make llama-libs LLAMA_FLAVOR=cuda    linux-x64-cuda (or vulkan: linux-x64-vulkan)
#   make llama-headers                   llama.h and ggml headers for metal/native/bench.c
#   make bench-infer MODEL=file.gguf     aios vs the native C program, 1 and 2 threads
LLAMA_NPM_VERSION := 3.21.1
LLAMA_BUILD       := build/llama
LLAMA_OS          := $(shell uname -s)
LLAMA_ARCH        := $(shell uname -m)
LLAMA_FLAVOR      ?=
ifneq ($(filter-out cpu cuda vulkan,$(LLAMA_FLAVOR)),)
  $(error LLAMA_FLAVOR must be empty, cpu, cuda or vulkan, not "$(LLAMA_FLAVOR)")
endif
ifeq ($(LLAMA_OS),Darwin)
  LLAMA_PKG := mac-arm64-metal
  LLAMA_EXT := dylib
else ifneq ($(filter aarch64 arm64,$(LLAMA_ARCH)),)
  LLAMA_PKG := linux-arm64
  LLAMA_EXT := so
else
  LLAMA_PKG := linux-x64$(if $(filter cuda vulkan,$(LLAMA_FLAVOR)),-$(LLAMA_FLAVOR))
  LLAMA_EXT := so
endif
LLAMA_LIB_DIR := $(LLAMA_BUILD)/$(LLAMA_PKG)
LLAMA_STAMP   := $(LLAMA_LIB_DIR)/.fetched-$(LLAMA_NPM_VERSION)
LLAMA_SRC     := $(LLAMA_BUILD)/src
LLAMA_INCLUDE := $(LLAMA_BUILD)/include
LLAMA_HSTAMP  := $(LLAMA_INCLUDE)/.fetched-$(LLAMA_NPM_VERSION)
MODEL         ?= $(abspath ../shared/models/stories260k.gguf)
BENCH_RUNS    ?= 5
BENCH_TOKENS  ?= 32
BENCH_NATIVE  := build/bench/bench-native

.PHONY: llama-libs llama-headers bench-infer

# Idempotent: the stamp file makes a second run a no-op. yzma calls llama.cpp
# through libffi (Debian package libffi8), installed here when missing.
llama-libs:
	@if [ "$(LLAMA_OS)" = Linux ] && ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libffi\.so\.8 '; then \
		echo "installing libffi8 (yzma calls llama.cpp through libffi)"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libffi8; \
	fi
	@if [ ! -f $(LLAMA_STAMP) ]; then \
		set -e; \
		command -v npm >/dev/null || { echo "npm is needed to fetch llama.cpp (apt-get install npm)"; exit 1; }; \
		echo "fetching @node-llama-cpp/$(LLAMA_PKG)@$(LLAMA_NPM_VERSION) into $(LLAMA_LIB_DIR)"; \
		tmp=$(LLAMA_BUILD)/.pack-$(LLAMA_PKG); rm -rf $(LLAMA_LIB_DIR) $$tmp; mkdir -p $$tmp; \
		(cd $$tmp && npm pack --silent @node-llama-cpp/$(LLAMA_PKG)@$(LLAMA_NPM_VERSION) >/dev/null \
			&& tar -xzf node-llama-cpp-$(LLAMA_PKG)-$(LLAMA_NPM_VERSION).tgz); \
		mv $$tmp/package/bins/$(LLAMA_PKG) $(LLAMA_LIB_DIR); rm -rf $$tmp; \
		cd $(LLAMA_LIB_DIR); \
		for base in llama ggml; do \
			f=$$(ls lib$$base.*.$(LLAMA_EXT) 2>/dev/null | grep -v "^lib$$base\.$(LLAMA_EXT)$$" | head -n1); \
			[ -n "$$f" ] || { echo "no lib$$base.*.$(LLAMA_EXT) in $(LLAMA_LIB_DIR)"; exit 1; }; \
			ln -sf "$$f" lib$$base.$(LLAMA_EXT); \
		done; \
		[ -e libggml-base.$(LLAMA_EXT) ] || { echo "no libggml-base.$(LLAMA_EXT) in $(LLAMA_LIB_DIR)"; exit 1; }; \
		touch .fetched-$(LLAMA_NPM_VERSION); \
		echo "llama.cpp libraries ready in $(LLAMA_LIB_DIR)"; \
	fi

# node-llama-cpp ships the llama.cpp source as a git bundle: clone it into
# build/llama/src (its models/ggml-vocab-*.gguf feed benchmark models) and
# copy include/*.h and ggml/include/*.h to build/llama/include.
llama-headers:
	@if [ ! -f $(LLAMA_HSTAMP) ]; then \
		set -e; \
		command -v npm >/dev/null && command -v git >/dev/null || { echo "npm and git are needed (apt-get install npm git)"; exit 1; }; \
		echo "fetching node-llama-cpp@$(LLAMA_NPM_VERSION) for the llama.cpp source bundle"; \
		tmp=$(LLAMA_BUILD)/.pack-src; rm -rf $$tmp $(LLAMA_SRC) $(LLAMA_INCLUDE); mkdir -p $$tmp; \
		(cd $$tmp && npm pack --silent node-llama-cpp@$(LLAMA_NPM_VERSION) >/dev/null \
			&& tar -xzf node-llama-cpp-$(LLAMA_NPM_VERSION).tgz package/llama/gitRelease.bundle); \
		git clone --quiet $$tmp/package/llama/gitRelease.bundle $(LLAMA_SRC) 2>/dev/null; rm -rf $$tmp; \
		mkdir -p $(LLAMA_INCLUDE); cp $(LLAMA_SRC)/include/*.h $(LLAMA_SRC)/ggml/include/*.h $(LLAMA_INCLUDE)/; \
		touch $(LLAMA_HSTAMP); \
		echo "llama.cpp headers ready in $(LLAMA_INCLUDE)"; \
	fi

# Prompt and generation speed of aios (package metal) and of the C program
# metal/native/bench.c on the same libraries: MODEL (default: the shared
# stories260k), BENCH_RUNS runs of BENCH_TOKENS greedy tokens at 1 and 2 threads.
bench-infer: llama-libs llama-headers
	@mkdir -p $(dir $(BENCH_NATIVE))
	gcc -O2 -std=c11 -Wall -Wextra -o $(BENCH_NATIVE) metal/native/bench.c -I$(LLAMA_INCLUDE) \
		-L$(LLAMA_LIB_DIR) -lllama -lggml -lggml-base -Wl,-rpath,$(abspath $(LLAMA_LIB_DIR))
	$(GO) run ./metal/internal/cmd/benchinfer -model '$(MODEL)' -lib $(LLAMA_LIB_DIR) \
		-native $(BENCH_NATIVE) -runs $(BENCH_RUNS) -tokens $(BENCH_TOKENS)
# ---- end llama.cpp ----
