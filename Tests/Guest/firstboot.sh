# shellcheck shell=sh
# The case run first in every boot, before any other has made a link: the host as a node first boots,
# before any container network exists. None of the probe's link kinds is loaded, the kernel's modprobe
# helper is Debian's kmod, no report is cached: the plugin's first ADD must probe, and may let the kernel
# load veth only (its module creates no device; dummy's and ifb's add dummy0, ifb0, ifb1). Nothing may
# appear in the host meanwhile but the NIC coming back, and the kernel log gets no warning and no line
# naming the probe's links but the kernel's info-level rename notices.

# The kernel log's records (dmesg -r: "<level>[time] text") after the first $1.
klog_since() { dmesg -r | tail -n "+$(($1 + 1))"; }

# What of those records (stdin) counts against a probe: scripts/observe's footprint rule (the warnings an
# emulated machine prints once under load are not the probe's).
klog_problems() {
  awk '{ lvl = substr($0, 2, index($0, ">") - 2) % 8; text = $0; sub(/^<[0-9]+>\[[^]]*\] ?/, "", text)
         ours = text ~ /(^|[^A-Za-z0-9_-])(lc[pfq]0p?|lck[0-9]+p?|lc-probe-altname0)([^A-Za-z0-9_-]|$)/
         notice = lvl >= 5 && text ~ /^lcf0: renamed from lcp0( \(while UP\))?$/
         noise = text ~ /^hrtimer: interrupt took [0-9]+ ns$|^sched: RT throttling activated$|^clocksource: /
         if (lvl <= 4 && !noise) print "kernel log, level " lvl ": " text
         else if (ours && !notice) print "kernel log names a probe link: " text }'
}

# A link watcher that makes no link (the recorder's veth markers would load veth before the plugin
# could): `ip -o monitor link`, known to record once an MTU change of lo shows up in its log (an MTU
# change is notified whether the link is UP or not; lo is DOWN here). The MTU alternates between $1 and
# $1 + 1, since setting the MTU a link has is not notified; lo's own MTU is given back after.
watch_start() {
  /usr/sbin/ip -o monitor link >"$GUEST_RUN/watch.log" 2>&1 &
  WATCH_PID=$!
  trap 'kill "$WATCH_PID" 2>/dev/null' EXIT
  watch_mark 65001
}

watch_mark() {
  _wm_mtu=$(cat /sys/class/net/lo/mtu) _wm=300
  until grep -qE "^1: lo: .* mtu ($1|$(($1 + 1))) " "$GUEST_RUN/watch.log"; do
    _wm=$((_wm - 1)); [ "$_wm" -gt 0 ] || fail "ip monitor logged nothing within 30 s: $(cat "$GUEST_RUN/watch.log")"
    ip link set dev lo mtu $(($1 + _wm % 2))
    sleep 0.1
  done
  ip link set dev lo mtu "$_wm_mtu"
}

watch_stop() {
  watch_mark 65011
  kill "$WATCH_PID"
  wait "$WATCH_PID" 2>/dev/null || true
  trap - EXIT
}

t_first_add_on_a_fresh_host() {
  for _m in dummy ifb veth; do
    if grep -q "^$_m " /proc/modules; then fail "$_m is loaded before the first ADD: not a freshly booted host"; fi
    [ ! -e "/sys/module/$_m" ] || skip "$_m is built into this kernel: nothing to load"
  done
  expect_eq "$(cat /proc/sys/kernel/modprobe)" /sbin/modprobe "the kernel's modprobe helper"
  [ -z "$(ls "$LINKCAPS_CACHE_DIR" 2>/dev/null)" ] || fail "a report is cached already: $(ls "$LINKCAPS_CACHE_DIR")"
  _klog=$(dmesg -r | wc -l)
  watch_start
  pod_add podA
  _t0=$(now)
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  _t1=$(now)
  expect_rc 0 "the first ADD on a fresh host"
  expect_in_pod "$(nic_pci 1)" podA net1 "$(nic_mac 1)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 DEL
  pod_del podA
  watch_stop

  _foreign=$(sed -nE 's/^(Deleted )?[0-9]+: ([^:@ ]+).*/\2/p' "$GUEST_RUN/watch.log" | sort -u |
             grep -vxE "lo|$(nic_name 1)" || true)
  [ -z "$_foreign" ] || fail "the host saw links that are not the NIC: $(echo "$_foreign" | tr '\n' ' ') ($(cat "$GUEST_RUN/watch.log"))"
  for _m in dummy ifb; do
    if grep -q "^$_m " /proc/modules; then fail "the first ADD loaded $_m (its module creates devices)"; fi
  done
  grep -q '^veth ' /proc/modules || fail "veth was not loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
  /bin/linkcaps probe --json >"$GUEST_RUN/first-report.json" 2>"$GUEST_RUN/first-report.err" ||
    fail "no cached report: $(cat "$GUEST_RUN/first-report.err")"
  expect_eq "$(jq -r .source "$GUEST_RUN/first-report.json")" cache "the report after the first ADD comes from"
  expect_eq "$(jq -c '[.probe.linkKind, .probe.modulesLoaded]' "$GUEST_RUN/first-report.json")" '["veth",["veth"]]' \
    "the probe's link kind and the modules it says were loaded"
  expect_eq "$(jq -r '.capabilities["move.atomicOnNameTaken"].state' "$GUEST_RUN/first-report.json")" skipped \
    "move.atomicOnNameTaken in a default probe"
  _load=$(jq -r '.probe.linkKindNotes.veth' "$GUEST_RUN/first-report.json")
  case $_load in "loaded by the kernel in "*) ;; *) fail "the note on veth: $_load" ;; esac
  klog_since "$_klog" >"$GUEST_RUN/first-klog.txt"
  _problems=$(klog_problems <"$GUEST_RUN/first-klog.txt")
  [ -z "$_problems" ] || fail "$_problems"
  _load=${_load%%:*}
  note "first ADD $(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.2fs", b - a }') (probe $(jq -r .probe.durationMs "$GUEST_RUN/first-report.json") ms; veth ${_load#loaded by the kernel in })"
  note "kernel log: $(grep -c . "$GUEST_RUN/first-klog.txt") new lines, $(grep -c 'renamed from' "$GUEST_RUN/first-klog.txt") rename notices, none at warning level"
  sed 's/^/kernel log: /' "$GUEST_RUN/first-klog.txt"
  expect_host
}
