#!/usr/bin/env bats
# Unit tests for scripts/debian-kernel.sh and scripts/observe: the parts that need neither QEMU nor the
# network (run by scripts/test-scripts). Every file a case makes is under one temporary directory.

setup_file() {
  tmp=$(mktemp -d)
  export tmp DK_BUILD=$tmp/build
  # The judgements are `linkcaps observation` (scripts/test-scripts builds it): without it nothing here is
  # tested, so that is a failure, not a pass.
  [[ -x ${OBSERVE_TOOL:-} ]] || { echo "OBSERVE_TOOL is not set to a built linkcaps: run scripts/test-scripts" >&2; return 1; }
}

teardown_file() { rm -rf "$tmp"; }

setup() {
  here=$BATS_TEST_DIRNAME
  . "$here/observe"   # also sources debian-kernel.sh; main() does not run when sourced
}

# A case fails on the first failing command or an explicit `fail`; bats' own `skip` prints the reason.
fail() { echo "$*" >&2; return 1; }
expect_eq() { [[ $1 == "$2" ]] || fail "expected [$2], got [$1]"; }

# --- package layout ----------------------------------------------------------------------------------

@test "layout_classic" {
  local r=$tmp/classic
  mkdir -p "$r/boot" "$r/lib/modules/6.1.0-56-cloud-amd64/kernel"
  touch "$r/boot/vmlinuz-6.1.0-56-cloud-amd64"
  expect_eq "$(dk_layout "$r")" "classic 6.1.0-56-cloud-amd64 boot/vmlinuz-6.1.0-56-cloud-amd64 lib/modules/6.1.0-56-cloud-amd64"
}

@test "layout_classic_merged_usr" {
  local r=$tmp/classic-usr
  mkdir -p "$r/boot" "$r/usr/lib/modules/6.12.117+deb13-amd64"
  touch "$r/boot/vmlinuz-6.12.117+deb13-amd64"
  expect_eq "$(dk_layout "$r")" "classic 6.12.117+deb13-amd64 boot/vmlinuz-6.12.117+deb13-amd64 usr/lib/modules/6.12.117+deb13-amd64"
}

@test "layout_split" {
  local r=$tmp/split m=usr/lib/modules/7.2.13+deb14-cloud-amd64
  mkdir -p "$r/$m"
  touch "$r/$m/vmlinuz"
  expect_eq "$(dk_layout "$r")" "split 7.2.13+deb14-cloud-amd64 $m/vmlinuz $m"
  # linux-binary alone: no modules yet, so dk_prepare must fetch the companions.
  ! dk_has_modules "$r/$m" || fail "binary-only tree claims modules"
  mkdir -p "$r/$m/kernel/drivers/net"
  touch "$r/$m/kernel/drivers/net/dummy.ko.xz" "$r/$m/modules.order" "$r/$m/modules.builtin"
  dk_has_modules "$r/$m" || fail "split tree with companions has no modules"
}

@test "layout_meta_only" {
  local r=$tmp/meta
  mkdir -p "$r/usr/share/doc/linux-image-cloud-amd64"
  ! dk_layout "$r" 2>/dev/null || fail "a meta package's tree has no kernel"
}

# A fake .deb with the given Depends (dpkg-deb builds it without root).
fake_deb() {
  local name=$1 depends=$2 d=$tmp/deb-$1
  mkdir -p "$d/DEBIAN"
  printf 'Package: %s\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\nDepends: %s\n' \
    "$name" "$depends" >"$d/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip -b "$d" "$tmp/$name.deb" >/dev/null
  echo "$tmp/$name.deb"
}

@test "follow_meta_package" {
  command -v dpkg-deb >/dev/null || skip "no dpkg-deb"
  local deb
  deb=$(fake_deb linux-image-cloud-amd64 'linux-base-cloud-amd64 (= 7.2.13-1), linux-image-7.2.13+deb14-cloud-amd64 (= 7.2.13-1)')
  expect_eq "$(dk_kernel_deps "$deb")" "linux-image-7.2.13+deb14-cloud-amd64=7.2.13-1"
}

@test "follow_split_image" {
  command -v dpkg-deb >/dev/null || skip "no dpkg-deb"
  local deb
  deb=$(fake_deb linux-image-7.2.13+deb14-cloud-amd64 'dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.2.13+deb14-cloud-amd64 (= 7.2.13-1), linux-binary-7.2.13+deb14-cloud-amd64 (= 7.2.13-1), linux-modules-7.2.13+deb14-cloud-amd64 (= 7.2.13-1)')
  expect_eq "$(dk_kernel_deps "$deb" | tr '\n' ' ')" \
    "linux-base-7.2.13+deb14-cloud-amd64=7.2.13-1 linux-binary-7.2.13+deb14-cloud-amd64=7.2.13-1 linux-modules-7.2.13+deb14-cloud-amd64=7.2.13-1 "
}

@test "classic_image_has_no_kernel_deps" {
  command -v dpkg-deb >/dev/null || skip "no dpkg-deb"
  local deb
  deb=$(fake_deb linux-image-6.1.0-56-cloud-amd64 'kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool')
  expect_eq "$(dk_kernel_deps "$deb")" ""
}

@test "private_sources_from_system" {
  cat >"$tmp/debian.sources" <<'EOF'
Types: deb
# a comment line
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.invalid/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  local out
  out=$(DK_CODENAME=bookworm DK_PRIVATE_SUITES="bookworm-backports sid trixie-security" dk_private_sources "$tmp/debian.sources")
  grep -qx 'URIs: http://mirror.invalid/debian' <<<"$out" || fail "main URI not reused: $out"
  grep -qx 'Suites: bookworm-backports sid' <<<"$out" || fail "main suites: $out"
  grep -qx 'URIs: http://mirror.invalid/debian-security' <<<"$out" || fail "security URI not reused: $out"
  grep -qx 'Suites: trixie-security' <<<"$out" || fail "security suites: $out"
  expect_eq "$(grep -c '^Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$' <<<"$out")" 2
}

# The default private suites reach every obtainable kernel line: bullseye's 5.10 (main and security) to
# experimental; *-security suites go to the security archive.
@test "private_sources_default_suites" {
  local out
  cat >"$tmp/debian.sources.default" <<'EOF2'
Types: deb
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.invalid/debian-security
Suites: bookworm-security
Components: main
EOF2
  out=$(DK_CODENAME=bookworm dk_private_sources "$tmp/debian.sources.default")
  grep -qx 'Suites: bullseye bookworm-backports trixie trixie-backports sid experimental' <<<"$out" || fail "main suites: $out"
  grep -qx 'Suites: bullseye-security trixie-security' <<<"$out" || fail "security suites: $out"
  # The security stanza has no Signed-By in the system's file: none is invented.
  expect_eq "$(grep -c '^Signed-By:' <<<"$out")" 1
  # No host name of its own: every URI comes from the system's file.
  expect_eq "$(grep '^URIs:' <<<"$out" | sort -u | tr '\n' ' ')" "URIs: http://mirror.invalid/debian URIs: http://mirror.invalid/debian-security "
}

@test "private_sources_without_main_stanza" {
  printf 'Types: deb\nURIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\n' >"$tmp/only-security.sources"
  ! DK_CODENAME=bookworm dk_private_sources "$tmp/only-security.sources" >/dev/null 2>"$tmp/err" || fail "accepted"
  grep -q 'no stanza for suite bookworm' "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
}

# --- module trees ------------------------------------------------------------------------------------

@test "module_closure" {
  local m=$tmp/closure
  mkdir -p "$m"
  cat >"$m/modules.dep" <<'EOF'
kernel/drivers/net/dummy.ko.xz:
kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz kernel/net/core/failover.ko.xz
kernel/drivers/net/net_failover.ko.xz: kernel/net/core/failover.ko.xz
kernel/net/core/failover.ko.xz:
kernel/drivers/net/wireguard/wireguard.ko.xz: kernel/lib/crypto/libchacha.ko.xz
EOF
  expect_eq "$(dk_module_closure "$m" dummy virtio-net | tr '\n' ' ')" \
    "kernel/drivers/net/dummy.ko.xz kernel/drivers/net/net_failover.ko.xz kernel/drivers/net/virtio_net.ko.xz kernel/net/core/failover.ko.xz "
}

# Trim a committed fixture tree further (to dummy only): depmod must index just that module.
@test "trim_module_tree" {
  command -v depmod >/dev/null || skip "no depmod (apt-get install kmod)"
  local src rel base m
  src=$(find "$DK_REPO"/Fixtures/modules -mindepth 4 -maxdepth 4 -path '*/lib/modules/*' -type d 2>/dev/null | sort | head -1 || true)
  [[ -n $src ]] || skip "no Fixtures/modules tree yet (scripts/module-fixtures)"
  rel=${src##*/} base=$tmp/trim
  dk_trim_modules "$src" "$base" "$rel" dummy 2>/dev/null
  m=$base/lib/modules/$rel
  expect_eq "$(cd "$m" && find . -name '*.ko*' | sed 's/\.ko.*//' | tr '\n' ' ')" "./kernel/drivers/net/dummy "
  expect_eq "$(cut -d: -f1 "$m/modules.dep" | sed 's/\.ko.*//')" "kernel/drivers/net/dummy"
  expect_eq "$(cat "$m/modules.order")" "kernel/drivers/net/dummy.ko"
  for f in modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.builtin.modinfo; do
    [[ -s $m/$f ]] || fail "missing $f"
  done
}

@test "fixture_identities" {
  local f n=0 rel at
  # An observed kernel's identity is its observation's "kernel" (stored once there).
  for f in "$DK_REPO"/Fixtures/modules/*/identity.json "$DK_REPO"/matrix/observations/*.json; do
    [[ -e $f ]] || continue
    if [[ $f == */identity.json ]]; then rel=$(basename "$(dirname "$f")") at=.; else rel=$(basename "$f" .json) at=.kernel; fi
    # A Debian kernel names its package; this machine's kernel (scripts/observe --host) is none.
    jq -e --arg r "$rel" "$at"' | .release == $r and
                          if .source == "host" then .package == null and .packageVersion == null
                          else (.package | test("^linux-(image|binary)-")) and (.packageVersion | length > 0)
                               and .source == "debian" end' "$f" >/dev/null \
      || fail "bad identity: $f"
    n=$((n + 1))
  done
  ((n > 0)) || skip "no fixtures yet"
}

# --- serial log → report -----------------------------------------------------------------------------

@test "extract_clean" {
  printf 'SeaBIOS\nLINKCAPS-REPORT-BEGIN\n{"a": 1}\n\nLINKCAPS-REPORT-END\nLINKCAPS-EXIT-STATUS 0\n' >"$tmp/clean.log"
  expect_eq "$(obs_extract_report "$tmp/clean.log" | jq -c .)" '{"a":1}'
  expect_eq "$(obs_log_value "$tmp/clean.log" EXIT-STATUS)" 0
}

@test "extract_noisy" {
  # CRLF line ends, firmware escapes, kernel messages before and inside the report.
  {
    printf '\033c\033[?7lSeaBIOS (version 1.16)\r\n[    0.000000] Linux version 6.1.0\r\n'
    printf 'LINKCAPS-REPORT-BEGIN\r\n{"kernel": {"release": "6.1.0"},\r\n'
    printf '[    2.345678] dummy: loading out-of-tree module taints kernel.\r\n'
    printf '[   12.3] veth: another one\r\n "links": [1, 2]}\r\n\r\nLINKCAPS-REPORT-END\r\n'
    printf 'LINKCAPS-EXIT-STATUS 0\r\n[    3.000000] reboot: Power down\r\n'
  } >"$tmp/noisy.log"
  expect_eq "$(obs_extract_report "$tmp/noisy.log" | jq -c .)" '{"kernel":{"release":"6.1.0"},"links":[1,2]}'
}

@test "extract_missing_end" {
  printf 'LINKCAPS-REPORT-BEGIN\n{"a": 1\n[    9.0] Kernel panic - not syncing: Attempted to kill init!\n' >"$tmp/noend.log"
  local rc=0
  obs_extract_report "$tmp/noend.log" >/dev/null 2>"$tmp/noend.err" || rc=$?
  ((rc != 0)) || fail "missing END marker accepted"
  grep -q 'LINKCAPS-REPORT-END' "$tmp/noend.err" || fail "error does not name the marker"
  expect_eq "$(obs_failure_reason "$tmp/noend.log" 0)" "kernel panic: Kernel panic - not syncing: Attempted to kill init!"
}

@test "extract_missing_begin" {
  printf '[    1.0] Run /init as init process\n' >"$tmp/nobegin.log"
  ! obs_extract_report "$tmp/nobegin.log" >/dev/null 2>&1 || fail "log without report accepted"
  expect_eq "$(obs_failure_reason "$tmp/nobegin.log" 124)" "timed out after ${OBSERVE_TIMEOUT}s"
  expect_eq "$(obs_failure_reason "$tmp/nobegin.log" 1)" "no report on the console (qemu exit 1)"
}

# --- the kernel list ---------------------------------------------------------------------------------

@test "parse_list" {
  printf '%s\n' '# a comment' '' 'linux-image-a   # from bullseye' '  linux-image-b' \
    '! linux-image-c its pool file answers 404' '!linux-image-d   no modules  ' >"$tmp/list"
  expect_eq "$(obs_parse_list "$tmp/list" | tr '\n' '|')" \
    "observe linux-image-a|observe linux-image-b|skip linux-image-c its pool file answers 404|skip linux-image-d no modules|"
}

@test "parse_list_needs_a_reason" {
  printf '%s\n' 'linux-image-a' '! linux-image-c' >"$tmp/list-bad"
  ! obs_parse_list "$tmp/list-bad" >/dev/null 2>"$tmp/err" || fail "a skipped kernel without a reason was accepted"
  grep -q 'list-bad:2: "!" needs a package and a reason' "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
}

# The committed list: at least 16 kernels, a reason for each one left out, and every listed kernel
# observed (matrix/observations/<release>.json and Fixtures/kernels/<release>/ for linux-image-<release>).
@test "committed_kernel_list" {
  local parsed kind pkg reason n=0 rel missing=()
  parsed=$(obs_parse_list "$DK_REPO/matrix/observations/kernels.list")
  while read -r kind pkg reason; do
    [[ $kind == observe ]] || { [[ -n $reason ]] || fail "$pkg: no reason"; continue; }
    n=$((n + 1)); rel=${pkg#linux-image-}
    [[ -f $DK_REPO/matrix/observations/$rel.json && -f $DK_REPO/Fixtures/kernels/$rel/serial-excerpt.log ]] || missing+=("$rel")
  done <<<"$parsed"
  ((n >= 16)) || fail "only $n kernels listed"
  ((${#missing[@]} == 0)) || fail "listed but not observed: ${missing[*]}"
}

# --- witness and comparison --------------------------------------------------------------------------

# A guest's witness section, with the console's carriage returns and a kernel message inside it.
witness_log() {
  {
    printf 'LINKCAPS-REPORT-BEGIN\r\n{}\r\nLINKCAPS-REPORT-END\r\n'
    printf 'LINKCAPS-WITNESS-BEGIN\r\n'
    printf 'WITNESS-TOOL iproute2 6.1.0; iproute2 7.3.0 for move.netnsImmutableReported\r\nWITNESS-KIND dummy\r\n'
    printf 'WITNESS move.singleRequest supported an UP lcp0 (ifindex 10), one request\r\n'
    printf '[   12.345678] dummy: module loaded\r\n'
    printf 'WITNESS altname.followsMove unsupported lc-probe-altname0 after the move: in S elsewhere 10 lcf0\r\n'
    printf 'WITNESS rename.whileUp supported an UP lcp0 renamed in place\r\n'
    printf 'WITNESS move.newIfindex inconclusive asked for ifindex 4242: request failed: x\r\n'
    printf 'WITNESS move.netnsImmutableReported unwitnessed none was given\r\n'
    printf 'WITNESS move.mtuMacInSameRequest supported mtu 1280\r\n'
    printf 'WITNESS-TIME 3.2\r\nLINKCAPS-WITNESS-END\r\n'
  } >"$1"
}

# A report answering some capabilities (id=state ...), as the probe writes it.
report_with() {
  local id state caps='{}'
  for pair in "${@:2}"; do
    id=${pair%=*} state=${pair#*=}
    caps=$(jq -c --arg i "$id" --arg s "$state" '. + {($i): {state: $s, summary: "x", evidence: {}}}' <<<"$caps")
  done
  jq -n --argjson c "$caps" '{schemaVersion: 1, capabilities: $c, probe: {modulesLoaded: ["dummy"]}}' >"$1"
}

@test "extract_witness" {
  witness_log "$tmp/w.log"
  obs_extract_witness "$tmp/w.log" >"$tmp/w.json"
  jq -e '.tool == "iproute2 6.1.0; iproute2 7.3.0 for move.netnsImmutableReported" and .kind == "dummy"' "$tmp/w.json" >/dev/null ||
    fail "tool/kind: $(cat "$tmp/w.json")"
  expect_eq "$(jq -c '.verdicts | keys_unsorted' "$tmp/w.json")" \
    '["move.singleRequest","altname.followsMove","rename.whileUp","move.newIfindex","move.netnsImmutableReported","move.mtuMacInSameRequest"]'
  expect_eq "$(jq -c '.verdicts["altname.followsMove"]' "$tmp/w.json")" \
    '{"state":"unsupported","detail":"lc-probe-altname0 after the move: in S elsewhere 10 lcf0"}'
}

@test "extract_witness_missing" {
  printf 'LINKCAPS-REPORT-BEGIN\n{}\nLINKCAPS-REPORT-END\nLINKCAPS-EXIT-STATUS 0\n' >"$tmp/nw.log"
  ! obs_extract_witness "$tmp/nw.log" >/dev/null 2>&1 || fail "a log without a witness section was accepted"
  expect_eq "$(obs_witness_failure "$tmp/nw.log" 124)" "timed out after ${OBSERVE_TIMEOUT}s"
  expect_eq "$(obs_witness_failure "$tmp/nw.log" 0)" "the witness did not finish (qemu exit 0)"
  printf '[   15.96] BUG: kernel NULL pointer dereference, address: 0000000000000008\r\n' >>"$tmp/nw.log"
  expect_eq "$(obs_witness_failure "$tmp/nw.log" 124)" "the guest kernel failed: BUG: kernel NULL pointer dereference, address: 0000000000000008"
  printf 'LINKCAPS-REPORT-BEGIN\n{}\nLINKCAPS-REPORT-END\nLINKCAPS-WITNESS-EXIT-STATUS 2\nLINKCAPS-WITNESS-STDERR witness: ip netns add: x\n' >"$tmp/nw2.log"
  expect_eq "$(obs_witness_failure "$tmp/nw2.log" 0)" "witness exit 2: witness: ip netns add: x"
}

@test "compare" {
  witness_log "$tmp/w.log"; obs_extract_witness "$tmp/w.log" >"$tmp/w.json"
  # An older binary: no move.mtuMacInSameRequest / move.netnsImmutableReported; followsMove by the old question.
  report_with "$tmp/r.json" move.singleRequest=supported altname.followsMove=supported rename.whileUp=supported \
    move.newIfindex=supported move.fromTheFuture=skipped
  obs_compare "$tmp/r.json" "$tmp/w.json" >"$tmp/c.json"
  expect_eq "$(jq -c '[.agrees, .disagreements, .compared]' "$tmp/c.json")" \
    '[false,["altname.followsMove"],["move.singleRequest","altname.followsMove","rename.whileUp"]]'
  expect_eq "$(jq -r '.notCompared | to_entries | map("\(.key)=\(.value)") | .[]' "$tmp/c.json")" \
"move.newIfindex=witness: inconclusive: asked for ifindex 4242: request failed: x
move.netnsImmutableReported=not reported by the probe (a binary without this question)
move.mtuMacInSameRequest=not reported by the probe (a binary without this question)
move.fromTheFuture=the witness has no case for it"
  obs_comparison_text "$tmp/r.json" "$tmp/w.json" "$tmp/c.json" | grep -qx \
    'DISAGREE altname.followsMove: probe supported, witness unsupported (lc-probe-altname0 after the move: in S elsewhere 10 lcf0)' ||
    fail "the disagreement is not named: $(obs_comparison_text "$tmp/r.json" "$tmp/w.json" "$tmp/c.json")"
}

@test "compare_agreement_and_probe_inconclusive" {
  witness_log "$tmp/w.log"; obs_extract_witness "$tmp/w.log" >"$tmp/w.json"
  report_with "$tmp/r2.json" move.singleRequest=supported altname.followsMove=unsupported rename.whileUp=inconclusive \
    move.newIfindex=unsupported move.netnsImmutableReported=supported move.mtuMacInSameRequest=supported
  obs_compare "$tmp/r2.json" "$tmp/w.json" >"$tmp/c2.json"
  expect_eq "$(jq -c '[.agrees, .disagreements, (.notCompared | keys)]' "$tmp/c2.json")" \
    '[true,[],["move.netnsImmutableReported","move.newIfindex","rename.whileUp"]]'
  expect_eq "$(jq -r '.notCompared["rename.whileUp"]' "$tmp/c2.json")" "probe: inconclusive"
  # The observation's record has exactly the agreed fields.
  obs_witness_record "$tmp/w.json" "$tmp/c2.json" >"$tmp/rec.json"
  expect_eq "$(jq -c 'keys' "$tmp/rec.json")" '["agrees","disagreements","tool","verdicts"]'
  expect_eq "$(jq -r '.verdicts["move.netnsImmutableReported"].state' "$tmp/rec.json")" unwitnessed
}

# --- footprint -----------------------------------------------------------------------------------------

snapshot_lines() {
  local label=$1; shift
  printf 'LINKCAPS-SNAPSHOT-BEGIN %s\r\n' "$label"; printf '%s\r\n' "$@"; printf 'LINKCAPS-SNAPSHOT-END %s\r\n' "$label"
}

# A guest log as the current probe leaves it: the plain run loads dummy (the kernel's request_module) and
# dummy0 appears; the --load-modules run changes nothing more.
footprint_log() {
  local base=("link 1 lo" "mount / rootfs" "mount /proc proc")
  {
    snapshot_lines base "${base[@]}"
    printf 'LINKCAPS-TIME plain 6.0\r\n'
    snapshot_lines plain "${base[@]}" "link 2 dummy0" "module dummy"
    snapshot_lines loaded "${base[@]}" "link 2 dummy0" "module dummy" "$@"
    printf 'LINKCAPS-PLAIN-BEGIN\r\n{"probe": {"linkKind": "dummy", "modulesLoaded": [], "linkKindNotes": {}}}\r\nLINKCAPS-PLAIN-END\r\n'
    printf 'LINKCAPS-PLAIN-EXIT-STATUS 0\r\nLINKCAPS-PLAIN-STDERR linkcaps: a warning\r\nLINKCAPS-EXIT-STATUS 0\r\n'
    printf 'LINKCAPS-COMMAND linkcaps probe --json --load-modules --no-cache\r\n'
  } >"$tmp/fp.log"
}

@test "footprint_of_the_current_probe" {
  footprint_log
  report_with "$tmp/fr.json"
  obs_footprint "$tmp/fp.log" "$tmp/fr.json" >"$tmp/fp.json"
  jq -e '.ok == false and (.runs | length) == 2' "$tmp/fp.json" >/dev/null || fail "$(cat "$tmp/fp.json")"
  expect_eq "$(jq -c '.runs[0] | [.command, .exitStatus, .gained.links, .gained.modules, .ok, .problems]' "$tmp/fp.json")" \
    '["linkcaps probe --json --no-cache",0,["dummy0 (ifindex 2)"],["dummy"],false,["new link dummy0 (ifindex 2) in the initial namespace","module dummy loaded without --load-modules"]]'
  expect_eq "$(jq -c '.runs[0].probe' "$tmp/fp.json")" '{"linkKind":"dummy","linkKindNotes":{},"modulesLoaded":[]}'
  expect_eq "$(jq -c '[.runs[0].stderr, .runs[1].stderr]' "$tmp/fp.json")" '["linkcaps: a warning",null]'
  expect_eq "$(jq -c '.runs[1] | [.command, .allowedModules, .ok, .problems]' "$tmp/fp.json")" \
    '["linkcaps probe --json --load-modules --no-cache",["dummy"],true,[]]'
}

@test "footprint_run_rules" {
  printf '%s\n' "link 1 lo" "module veth" "mount /proc proc" >"$tmp/before"
  # Loaded as asked and listed: fine. Anything else gained or lost: named.
  printf '%s\n' "link 1 lo" "module dummy" "module veth" "mount /proc proc" >"$tmp/after-ok"
  obs_footprint_run "$tmp/before" "$tmp/after-ok" "linkcaps probe --load-modules" 0 '["dummy"]' >"$tmp/ok.json"
  jq -e '.ok and .problems == [] and .gained.modules == ["dummy"]' "$tmp/ok.json" >/dev/null || fail "$(cat "$tmp/ok.json")"
  printf '%s\n' "link 3 ifb0" "module dummy" "module ifb" "netns lcw1" "mount /run/netns tmpfs" >"$tmp/after-bad"
  obs_footprint_run "$tmp/before" "$tmp/after-bad" "linkcaps probe --load-modules" 0 '["dummy"]' >"$tmp/bad.json"
  expect_eq "$(jq -r '.problems[]' "$tmp/bad.json")" \
"new link ifb0 (ifindex 3) in the initial namespace
link lo (ifindex 1) gone from the initial namespace
module ifb loaded but not listed in the report
module veth unloaded
named namespace lcw1 left in /run/netns
new mount /run/netns tmpfs
mount /proc proc removed"
}

# The kernel log: a default run may not warn nor print lines naming its links but the rename notice; a
# run that asked for the experiments a default probe leaves out may print their warning. veth, listed by
# the default run's report, may be loaded without --load-modules; dummy never.
@test "footprint_kernel_log_rules" {
  printf '%s\n' "link 1 lo" "kmsg <6>[    1.000000] virtio_net virtio0 eth0: renamed" >"$tmp/kb"
  printf '%s\n' "link 1 lo" "kmsg <6>[    1.000000] virtio_net virtio0 eth0: renamed" "module veth" \
    "kmsg <6>[    2.000000] lcf0: renamed from lcp0" "kmsg <6>[    2.100000] lcf0: renamed from lcp0 (while UP)" \
    "kmsg <5>[    2.200000] random: crng init done" "kmsg <4>[    2.300000] hrtimer: interrupt took 74484870 ns" >"$tmp/ka-ok"
  obs_footprint_run "$tmp/kb" "$tmp/ka-ok" "linkcaps probe --json --no-cache" 0 '["veth"]' >"$tmp/k-ok.json"
  jq -e '.ok and .problems == [] and (.kernelLog | length) == 4 and .kernelLog[0] == "<6> lcf0: renamed from lcp0"' \
    "$tmp/k-ok.json" >/dev/null || fail "$(cat "$tmp/k-ok.json")"
  local warn="A link change request failed with some changes committed already. Interface lcp0 may have been left with an inconsistent configuration, please check."
  printf '%s\n' "link 1 lo" "module dummy" "kmsg <4>[    3.000000] $warn" "kmsg <6>[    3.100000] lck0p: something" \
    "kmsg <3>[    3.200000] BUG: a kernel error" >"$tmp/ka-bad"
  obs_footprint_run "$tmp/kb" "$tmp/ka-bad" "linkcaps probe --json --no-cache" 0 '[]' >"$tmp/k-bad.json"
  expect_eq "$(jq -r '.problems[]' "$tmp/k-bad.json")" \
"module dummy loaded without --load-modules
kernel log, level 4: $warn
kernel log names a probe link: lck0p: something
kernel log, level 3: BUG: a kernel error"
  obs_footprint_run "$tmp/kb" "$tmp/ka-bad" "linkcaps probe --json --load-modules --no-cache --all" 0 '["dummy"]' >"$tmp/k-all.json"
  expect_eq "$(jq -r '.problems[]' "$tmp/k-all.json")" \
"kernel log names a probe link: lck0p: something
kernel log, level 3: BUG: a kernel error"
  # Snapshots without kernel log lines (older logs, this host's): no kernelLog member.
  printf '%s\n' "link 1 lo" >"$tmp/kn"
  obs_footprint_run "$tmp/kn" "$tmp/kn" "linkcaps probe --load-modules" 0 '[]' | jq -e '.ok and (has("kernelLog") | not)' >/dev/null ||
    fail "a kernelLog without kmsg lines"
}

@test "footprint_needs_snapshots" {
  printf 'LINKCAPS-SNAPSHOT-BEGIN base\nlink 1 lo\nLINKCAPS-SNAPSHOT-END base\n' >"$tmp/fp-short.log"
  report_with "$tmp/fr.json"
  ! obs_footprint "$tmp/fp-short.log" "$tmp/fr.json" >/dev/null 2>&1 || fail "a log without the later snapshots was accepted"
}

# --- this machine (--host) ----------------------------------------------------------------------------

# On the shared host only the probe's and the witness's own names are judged; other work's changes are
# counted, never blamed on them.
@test "host_run_judges_only_its_own" {
  printf '%s\n' "link 1 lo" "link 7185 lcpB" "mount /proc proc" "run /run/dbus" | LC_ALL=C sort >"$tmp/hb"
  printf '%s\n' "link 1 lo" "link 9 lcp0" "link 10 lcp0p" "link 11 lcpX" "mount /proc proc" "netns cni-1" \
    "run /run/netns/lcws1" "run /run/netns/cni-1" "run /run/podman" | LC_ALL=C sort >"$tmp/ha"
  obs_host_run "$tmp/hb" "$tmp/ha" "linkcaps probe" 0 >"$tmp/h.json"
  expect_eq "$(jq -r '.problems[]' "$tmp/h.json")" \
"new link lcp0p (ifindex 10) in the initial namespace
new link lcp0 (ifindex 9) in the initial namespace
new file /run/netns/lcws1"
  expect_eq "$(jq -c '[.ok, .unattributed, .gained.run, .lost.run]' "$tmp/h.json")" \
    '[false,{"link":2,"netns":1,"run":3},["/run/netns/lcws1"],[]]'
  # Nothing of its own changed: ok, whatever else did.
  obs_host_run "$tmp/hb" "$tmp/hb" "linkcaps probe" 0 | jq -e '.ok and .unattributed == {} and .gained.run == []' >/dev/null
}

# --host wants every capability of the catalogue in the report, answered conclusively by both, alike.
@test "host_shortfalls" {
  jq '{capabilities: ([.capabilities[].id] | map({key: ., value: {state: "supported"}}) | from_entries)}' \
    "$DK_REPO/matrix/catalogue.json" >"$tmp/all.json"
  echo '{"agrees": true, "disagreements": [], "compared": [], "notCompared": {}}' >"$tmp/c-ok.json"
  expect_eq "$(obs_host_shortfalls "$tmp/all.json" "$tmp/c-ok.json")" ""
  jq '.capabilities |= (del(.["move.newIfindex"]) + {"move.fromTheFuture": {state: "supported"}})' "$tmp/all.json" >"$tmp/some.json"
  echo '{"agrees": false, "disagreements": ["rename.whileUp"], "compared": ["rename.whileUp"],
         "notCompared": {"move.netnsImmutableReported": "witness: unwitnessed: no ip"}}' >"$tmp/c-bad.json"
  expect_eq "$(obs_host_shortfalls "$tmp/some.json" "$tmp/c-bad.json")" \
"move.newIfindex: not in the report
move.netnsImmutableReported: not compared (witness: unwitnessed: no ip)
rename.whileUp: probe and witness disagree
move.fromTheFuture: not in the catalogue"
}

# --- results -----------------------------------------------------------------------------------------

@test "write_results" {
  local out=$tmp/out r=6.1.0-56-cloud-amd64
  printf '{"kernel": {"release": "%s", "version": "#1 SMP Debian 6.1.192-2"}, "x": true}' "$r" >"$tmp/report.json"
  { echo "LINKCAPS-REPORT-BEGIN"; seq 1 60; echo "LINKCAPS-REPORT-END"; echo "LINKCAPS-UNAME-V #1 ignored"; } >"$tmp/serial.log"
  echo '{"tool": "iproute2 6.1.0", "verdicts": {}, "agrees": true, "disagreements": []}' >"$tmp/wrec.json"
  echo '{"ok": true, "runs": []}' >"$tmp/fprint.json"
  obs_write_results "$out" "$tmp/report.json" "$tmp/serial.log" "$r" "linux-image-$r" 6.1.192-2 "$tmp/wrec.json" "$tmp/fprint.json"
  jq -e --arg r "$r" '.kernel == {release: $r, version: "#1 SMP Debian 6.1.192-2", package: ("linux-image-" + $r),
                                    packageVersion: "6.1.192-2", source: "debian"}' \
    "$out/matrix/observations/$r.json" >/dev/null || fail "identity: $(jq -c .kernel "$out/matrix/observations/$r.json")"
  # The identity and the report are stored once, in the observation: the kernel's folder holds the log only.
  expect_eq "$(ls "$out/Fixtures/kernels/$r")" serial-excerpt.log
  # The excerpt leaves the report's body out (it is the observation's report).
  expect_eq "$(cat "$out/Fixtures/kernels/$r/serial-excerpt.log")" \
"LINKCAPS-REPORT-BEGIN
    (60 lines of JSON: the report)
LINKCAPS-REPORT-END
LINKCAPS-UNAME-V #1 ignored"
  jq -e '(keys == ["footprint", "kernel", "report", "witness"]) and .kernel.packageVersion == "6.1.192-2" and .report.x == true
         and .witness.tool == "iproute2 6.1.0" and .footprint.ok' \
    "$out/matrix/observations/$r.json" >/dev/null || fail "observation record: $(cat "$out/matrix/observations/$r.json")"
}

@test "write_results_version_from_log" {
  local out=$tmp/out2
  echo '{"probe": {}}' >"$tmp/report2.json"
  printf 'LINKCAPS-UNAME-V #1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1\r\n' >"$tmp/serial2.log"
  obs_write_results "$out" "$tmp/report2.json" "$tmp/serial2.log" r7 linux-image-r7 7.2.13-1
  expect_eq "$(jq -r .kernel.version "$out/matrix/observations/r7.json")" "#1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1"
  expect_eq "$(jq -c 'keys' "$out/matrix/observations/r7.json")" '["kernel","report"]'
}

@test "guest_times" {
  printf 'LINKCAPS-TIME init 2.31\r\nLINKCAPS-TIME plain 3.50\r\nLINKCAPS-TIME loaded 4.75\r\nLINKCAPS-TIME witness 7.00\r\n' >"$tmp/t.log"
  expect_eq "$(obs_guest_times "$tmp/t.log")" "boot 2.3s, probe 1.2s, probe --load-modules 1.2s, witness 2.2s"
}

@test "init_script" {
  obs_init_script >"$tmp/init"
  sh -n "$tmp/init"
  grep -q '^/bin/linkcaps "\$@"' "$tmp/init" || fail "the binary must be run by path (busybox prefers applets)"
  # First as a host runs it (no --load-modules, the kernel's modprobe in place), then with --load-modules.
  grep -qx 'echo /sbin/modprobe >/proc/sys/kernel/modprobe' "$tmp/init"
  expect_eq "$(grep -n '^set -- probe' "$tmp/init" | cut -d: -f2- | head -2 | tr '\n' '|')" \
    "set -- probe --json --no-cache|set -- probe --json --load-modules --no-cache --all|"
  expect_eq "$(grep -c '^snapshot ' "$tmp/init")" 3
  # Snapshots carry the kernel log's lines since the base one.
  grep -q "dmesg -r | tail -n \"+\$((klog_base + 1))\" | sed 's/^/kmsg /'" "$tmp/init" || fail "no kernel log in the snapshots"
  # The witness's modules come after the last snapshot, without default devices.
  (( $(grep -n '^snapshot loaded' "$tmp/init" | cut -d: -f1) < $(grep -n '^/sbin/modprobe dummy numdummies=0' "$tmp/init" | cut -d: -f1) ))
  grep -qx '/sbin/modprobe ifb numifbs=0 2>/dev/null' "$tmp/init"
  grep -q 'timeout 100 /bin/sh /witness/witness.sh' "$tmp/init"
  # The probe's exit status right after its report: a witness that hangs does not hide it.
  expect_eq "$(grep -A1 -x "echo $END" "$tmp/init" | tail -1)" 'echo "LINKCAPS-EXIT-STATUS $rc"'
  grep -qx "echo $BEGIN" "$tmp/init" && grep -qx "echo $END" "$tmp/init"
  grep -qx 'poweroff -f' "$tmp/init"
}

# The initramfs, built from a committed module tree and /bin/true as the binary, without booting it.
@test "initramfs_contents" {
  { command -v depmod && command -v cpio; } >/dev/null || skip "no depmod or cpio"
  [[ -x /bin/busybox ]] || skip "no busybox (apt-get install busybox-static)"
  command -v ip >/dev/null || skip "no iproute2"
  local src out=$tmp/initramfs listing part
  src=$(find "$DK_REPO"/Fixtures/modules -mindepth 4 -maxdepth 4 -path '*/lib/modules/*' -type d 2>/dev/null | sort | head -1 || true)
  [[ -n $src ]] || skip "no Fixtures/modules tree yet"
  mkdir -p "$out"
  LINKCAPS_BIN=/bin/true DK_MODDIR=$src DK_RELEASE=${src##*/} OBSERVE_IP_DETAILS= obs_build_initramfs "$out"
  # Two concatenated archives (the kernel reads both; cpio -t stops after the first): list each part.
  local common=("$DK_BUILD"/observe/common-*.cpio.gz)
  expect_eq "$(cat "${common[0]}" "$out/modules.cpio.gz" | cmp - "$out/initramfs.cpio.gz" && echo same)" same
  listing=$(for part in "${common[0]}" "$out/modules.cpio.gz"; do gzip -dc "$part" | cpio -t --quiet; done)
  for f in init bin/busybox bin/sh bin/linkcaps bin/kmod sbin/modprobe var/run witness/ip witness/witness.sh \
           "lib/modules/${src##*/}/modules.dep" "lib/modules/${src##*/}/modules.dep.bin"; do
    grep -qx "$f" <<<"$listing" || fail "initramfs lacks $f"
  done
  grep -qE '^lib/modules/[^/]+/kernel/drivers/net/dummy\.ko' <<<"$listing" || fail "initramfs lacks dummy"
  grep -qE '^lib/modules/[^/]+/kernel/drivers/net/veth\.ko' <<<"$listing" || fail "initramfs lacks veth"
  ! grep -qE 'virtio_net' <<<"$listing" || fail "initramfs holds modules the probe does not load"
  grep -qE '^lib64/ld-linux' <<<"$listing" || fail "initramfs lacks the dynamic loader"
  # iproute2's libraries are there too (libmnl: ip's, not the binary's).
  grep -qE 'libmnl\.so' <<<"$listing" || fail "initramfs lacks ip's libraries"
}

@test "copy_libs" {
  local root=$tmp/libs
  mkdir -p "$root"
  obs_copy_libs /bin/true "$root"
  [[ -n $(find "$root" -name 'ld-linux*' -print -quit) ]] || fail "no dynamic loader copied"
  [[ -n $(find "$root" -name 'libc.so*' -print -quit) ]] || fail "no libc copied"
  obs_copy_libs "$here/observe" "$root/script"   # a script has no libraries: nothing, no error
  [[ ! -e $root/script ]]
}

# --- the witness on this machine's kernel ----------------------------------------------------------------

# The witness run here (root: named namespaces in a private mount namespace whose /run is a tmpfs, so
# nothing outlives it) against the probe on the same kernel: the release binary run now if there is one
# (LINKCAPS_BIN), else the committed observation of this release. They must agree; the host keeps its links.
@test "witness_on_this_kernel" {
  ((EUID == 0)) || skip "not root"
  command -v ip >/dev/null && command -v unshare >/dev/null || skip "no iproute2 or unshare"
  local bin=${LINKCAPS_BIN:-$DK_REPO/.build/release/linkcaps} obs links_before
  obs=$DK_REPO/matrix/observations/$(uname -r).json
  if [[ -x $bin ]]; then
    "$bin" probe --json --no-cache >"$tmp/here-report.json" || fail "the probe failed"
  elif [[ -f $obs ]]; then
    jq '.report' "$obs" >"$tmp/here-report.json"
  else
    skip "no release binary ($bin) and no committed observation of $(uname -r)"
  fi
  # The machine is shared: only the witness's own names count (other work may add and remove links meanwhile).
  witness_links() { ip -o link show | cut -d: -f2 | sed 's/@.*//; s/^ //' | grep -xE 'lc[pfqr]0p?|lcwk0p?' || true; }
  links_before=$(witness_links)
  unshare -m --propagation private sh -c 'mount -t tmpfs lcw /run && exec sh "$0"' "$here/witness/witness.sh" \
    >"$tmp/witness.out" 2>"$tmp/witness.err" || fail "witness failed: $(cat "$tmp/witness.err")"
  expect_eq "$(witness_links)" "$links_before"
  [[ -z $(ls /run/netns 2>/dev/null | grep '^lcw') ]] || fail "a witness namespace is left in /run/netns"
  expect_eq "$(grep -c '^WITNESS [^ ]* \(supported\|unsupported\|inconclusive\|unwitnessed\) ' "$tmp/witness.out")" 13
  { echo LINKCAPS-WITNESS-BEGIN; cat "$tmp/witness.out"; echo LINKCAPS-WITNESS-END; } >"$tmp/witness.log"
  obs_extract_witness "$tmp/witness.log" >"$tmp/here.json"
  obs_compare "$tmp/here-report.json" "$tmp/here.json" >"$tmp/here-c.json"
  jq -e '.agrees and (.compared | length) >= 10' "$tmp/here-c.json" >/dev/null ||
    fail "witness and probe disagree: $(obs_comparison_text "$tmp/here-report.json" "$tmp/here.json" "$tmp/here-c.json")"
  # Without modules here, and no dummy: the witness falls back like the probe.
  grep -qx 'WITNESS-KIND \(dummy\|veth\|ifb\)' "$tmp/witness.out" || fail "no link kind: $(grep KIND "$tmp/witness.out")"
}

# --- docs/experiments.md ------------------------------------------------------------------------------

# Its table of observed answers is what matrix/observations says, so it cannot drift from them.
@test "experiments_table_is_the_observations" {
  "$here/experiments-table" --check
}

# The table's reading: one word only when every kernel of a line answered alike, probe and witness; a kernel
# outside every line is refused.
@test "experiments_table_cells" {
  python3 - "$here/experiments-table" <<'PY'
import sys, types
# The script's functions without its last line (main()).
table = types.ModuleType("table")
table.__file__ = sys.argv[1]
source = open(sys.argv[1]).read()
assert source.endswith("\nmain()\n")
exec(compile(source[: -len("main()\n")], sys.argv[1], "exec"), table.__dict__)
def obs(probe, witness):
    o = {"kernel": {"release": "x"}, "report": {"capabilities": {"c": {"state": probe}}}}
    if witness is not None:
        o["witness"] = {"verdicts": {"c": {"state": witness}}}
    return ((5, 10, 1), o)
assert table.cell([obs("supported", "supported")] * 2, "c") == ("supported", "supported")
assert table.cell([obs("supported", "supported"), obs("supported", "unwitnessed")], "c") == \
    ("probe: supported; witness: supported ×1, unwitnessed ×1", None)
assert table.cell([obs("unsupported", None)], "c") == ("probe: unsupported; witness: no witness", None)
assert table.explanation({"firstRelease": "always", "commits": []}, ["supported"] * 5).startswith("same on every line")
assert "names no change" in table.explanation({"firstRelease": "always", "commits": []}, ["supported", "unsupported"])
PY
}
