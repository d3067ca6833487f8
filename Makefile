SHELL := /bin/bash
# linkcaps — the README's two commands are `make probe` and `make test`.
# As root on Debian, missing build and test packages are installed first.

SWIFT        ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib
BIN          := .build/release
# What building and testing need: headers for the two C libraries, and the real tools tests compare with.
DEB_BUILD     = libmnl-dev libkmod-dev pkg-config
DEB_TEST      = iproute2 kmod jq containernetworking-plugins
DEB_BENCH     = hyperfine gcc

.PHONY: probe test bench build deps-build deps-test deps-bench clean

probe: deps-build build
	$(BIN)/linkcaps probe

build: deps-build
	$(SWIFT) build $(RELEASE_FLAGS) --product linkcaps

test: deps-build deps-test
	mkdir -p .build && $(SWIFT) build --build-tests && $(SWIFT) test --no-parallel 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

bench: deps-build deps-bench build
	Benchmarks/run

deps-build deps-test deps-bench:
	@scripts/ensure-packages $(if $(filter deps-build,$@),$(DEB_BUILD),$(if $(filter deps-test,$@),$(DEB_TEST),$(DEB_BENCH)))

clean:
	rm -rf .build build
