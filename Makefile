SHELL := /bin/bash
# linkcaps — the README's two commands are `make probe` and `make test`.
# As root on Debian, missing build and test packages are installed first.

SWIFT        ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib
BIN          := .build/release
# What building and testing need: headers for the two C libraries, and the real tools tests compare with
# (Debian's host-device 1.1.1, and libcni built from Debian's sources to drive the plugin like a runtime;
# podman with runc and a static busybox as a real runtime, Tests/Podman; containerd's ctr, Tests/Containerd).
DEB_BUILD     = libmnl-dev libkmod-dev pkg-config
DEB_TEST      = iproute2 kmod jq python3 util-linux bats containernetworking-plugins golang-go golang-github-appc-cni-dev \
                python3-jsonschema python3-pip dpkg-dev podman runc busybox-static containerd
DEB_BENCH     = hyperfine gcc
DEB_OBSERVE   = qemu-system-x86 busybox-static kmod cpio iproute2 jq
DEB_GUEST     = $(DEB_OBSERVE) containernetworking-plugins xz-utils
DEB_HOSTRIG   = $(DEB_GUEST) mmdebstrap e2fsprogs zstd
KERNEL       ?= linux-image-cloud-amd64
# make install: linkcaps on the PATH, the plugin where CNI runtimes look for plugins (Debian's
# containernetworking-plugins use /usr/lib/cni; containerd and CRI-O default to /opt/cni/bin).
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
CNI_BIN_DIR  ?= /usr/lib/cni
DOCDIR       ?= $(PREFIX)/share/doc/linkcaps
SCHEMADIR    ?= $(PREFIX)/share/linkcaps/schemas

OBSERVE_LIST ?= matrix/observations/kernels.list

.PHONY: probe test bench build build-all install install-files deb observe observe-all observe-fetch observe-host guest-test fuzz asan \
        host-rig host-rig-all deps-build deps-test deps-bench deps-observe deps-guest deps-hostrig clean

probe: deps-build build
	$(BIN)/linkcaps probe

build: deps-build
	$(SWIFT) build $(RELEASE_FLAGS) --product linkcaps

build-all: build
	$(SWIFT) build $(RELEASE_FLAGS) --product linkcaps-host-device

test: deps-build deps-test
	scripts/test-scripts
	Tests/Guest/selftest
	Tests/HostRig/selftest
	mkdir -p .build && $(SWIFT) build --build-tests && $(SWIFT) test --no-parallel 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	Tests/Podman/run .build/debug/linkcaps-host-device
	Tests/Containerd/run --plugin .build/debug/linkcaps-host-device
	scripts/check-schemas
	scripts/test-go-consumer
	scripts/check-deploy
	$(MAKE) --no-print-directory deb
	scripts/test-package

install: build-all install-files

install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(CNI_BIN_DIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SCHEMADIR)
	install -m 0755 $(BIN)/linkcaps $(DESTDIR)$(BINDIR)/linkcaps
	install -m 0755 $(BIN)/linkcaps-host-device $(DESTDIR)$(CNI_BIN_DIR)/linkcaps-host-device
	install -m 0644 README.md docs/contract.md docs/plugin.md docs/design.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 deploy/README.md $(DESTDIR)$(DOCDIR)/deploy.md
	install -m 0644 deploy/daemonset.yaml $(DESTDIR)$(DOCDIR)/daemonset.yaml
	install -m 0644 schemas/*.schema.json $(DESTDIR)$(SCHEMADIR)/

# A Debian package of both binaries: .build/linkcaps_<version>_<arch>.deb (scripts/make-deb).
deb: build-all
	scripts/make-deb

bench: deps-build deps-bench build
	Benchmarks/run

# Every fuzz target (Fuzzing/) for FUZZ_SECONDS each; fails on any crash or sanitizer report (Fuzzing/run).
FUZZ_SECONDS ?= 60
fuzz: deps-build
	Fuzzing/run --seconds $(FUZZ_SECONDS)

# The whole test suite once under AddressSanitizer, in a copy of the tree under .build-asan (scripts/asan).
asan: deps-build deps-test
	scripts/asan

# Boot Debian kernels under QEMU, run the probe and the iproute2 witness inside each and check the probe's
# footprint: make observe KERNEL="pkg1 pkg2 ..." [RECORD=1: write results that fail the checks anyway]
observe: deps-build deps-observe build
	scripts/observe $(if $(RECORD),--record) $(KERNEL)

# Every kernel of $(OBSERVE_LIST) (README: Observed kernels); observe-fetch downloads them only.
observe-all: deps-build deps-observe build
	scripts/observe $(if $(RECORD),--record) --list $(OBSERVE_LIST)

observe-fetch: deps-observe
	scripts/observe --fetch --list $(OBSERVE_LIST)

# This machine's kernel, in place (root, no QEMU): the probe and the witness must agree on every capability.
observe-host: deps-build build
	@scripts/ensure-packages iproute2 jq util-linux
	scripts/observe $(if $(RECORD),--record) --host

# The plugin on real virtio-net PCI NICs in Debian kernels booted under QEMU (Tests/Guest); CI runs 5.10:
#   make guest-test KERNEL="pkg1 pkg2 ..."
guest-test: deps-build deps-guest build-all
	scripts/guest-test $(KERNEL)

# The host's own services as witnesses (scripts/host-rig): a Debian bookworm guest booted by systemd with udev,
# NetworkManager and containerd, each plugin against four NIC configurations; CI runs one kernel:
#   make host-rig KERNEL="pkg1 pkg2 ..." [RIG_PLUGINS="auto rename-then-move ..."] [RIG_CYCLES=N]
# make host-rig-all: the four kernels of the README's table (5.10, 6.1, 6.12, the newest observed).
HOSTRIG_KERNELS ?= linux-image-5.10.0-46-cloud-amd64=5.10.262-1 linux-image-6.1.0-56-cloud-amd64 \
                   linux-image-6.12.118+deb13-cloud-amd64 linux-image-7.3.4+deb13-cloud-amd64
host-rig: deps-build deps-hostrig build-all
	scripts/host-rig $(KERNEL)

host-rig-all: deps-build deps-hostrig build-all
	scripts/host-rig $(HOSTRIG_KERNELS)

deps-build:
	@scripts/ensure-packages $(DEB_BUILD)
deps-test:
	@scripts/ensure-packages $(DEB_TEST)
	@scripts/ensure-pydeps deploy/requirements-validate.txt .build/pydeps
deps-bench:
	@scripts/ensure-packages $(DEB_BENCH)
deps-observe:
	@scripts/ensure-packages $(DEB_OBSERVE)
deps-guest:
	@scripts/ensure-packages $(DEB_GUEST)
deps-hostrig:
	@scripts/ensure-packages $(DEB_HOSTRIG)

clean:
	rm -rf .build build .build-fuzz .build-asan
