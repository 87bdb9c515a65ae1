# Fovea — make run: set up, build, start the simulated world with its preview.
#          make test: set up, vet, test (with the race detector).
SHELL := /bin/bash
GO ?= go
BIN := bin/fovea
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# OpenCV for gocv (4.6 on Debian 12), its sample data (vtest.avi) and GStreamer's
# test sources for tests.
APT_PACKAGES := libopencv-dev opencv-doc gstreamer1.0-plugins-base pkg-config gcc g++
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
FUZZTIME ?= 20s
BENCH ?= .
BENCHCOUNT ?= 6

export OPENCV_LOG_LEVEL ?= ERROR

.PHONY: all deps build run test race bench benchcmp lint fuzz clean

all: build

## deps: install what is missing (apt packages; sudo only when not root). Idempotent.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "deps: Go 1.24 or later is needed: https://go.dev/doc/install" >&2; exit 1; }
	@$(GO) mod download

## build: the fovea binary in bin/.
build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/fovea

## run: the simulated pan-tilt world with its preview on http://127.0.0.1:8080/.
run: build
	./$(BIN) sim $(ARGS)

## test: vet, then every test with the race detector.
test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 10m ./...

## bench: benchmarks, BENCHCOUNT runs each, into out/bench.txt (compare two with make benchcmp).
bench: deps
	@mkdir -p out
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./... | tee out/bench.txt

## benchcmp: benchstat OLD=out/old.txt NEW=out/bench.txt
benchcmp:
	$(GO) run $(BENCHSTAT) $(OLD) $(or $(NEW),out/bench.txt)

## lint: gofmt, go vet, staticcheck.
lint: deps
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## fuzz: each fuzz target for FUZZTIME (seeds in testdata/fuzz are kept).
fuzz: deps
	$(GO) test -run '^$$' -fuzz '^FuzzParseConfig$$' -fuzztime $(FUZZTIME) .

clean:
	rm -rf bin out
