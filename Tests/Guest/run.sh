#!/bin/sh
# The guest's test runner (like the kernel's rtnetlink.sh): every case of /guest/cases.sh from the NICs'
# pristine state, one PASS/FAIL/SKIP line each (a failure's log indented below it), then a summary line
#   GUEST-SUMMARY pass=P fail=F skip=S
# that scripts/guest-test reads from the serial console. GUEST_ONLY (a space-separated list of case
# names) runs only those.
. /guest/lib.sh
. /guest/firstboot.sh
. /guest/cases.sh

# The host's links, namespaces, state files and mounts: what no case may leave behind, whatever it
# changed on the NICs themselves.
leaks() {
  host_snapshot | grep -E '^(links|netns|state|mounts):' >"$GUEST_RUN/leaks.now"
  grep -E '^(links|netns|state|mounts):' "$PRISTINE" | diff - "$GUEST_RUN/leaks.now"
}

# Puts every NIC back in its pristine state from wherever a case left it: pods deleted (the kernel
# returns the NICs), scratch pins unmounted, state and IPAM data removed, names, MACs, MTUs, aliases,
# altnames and UP set; links that are not NICs (but lo) deleted.
reset_host() {
  for _ns in /run/netns/*; do [ ! -e "$_ns" ] || ip netns del "${_ns##*/}"; done
  for _pin in $(cut -d' ' -f2 /proc/mounts | grep "^$STATE/"); do umount "$_pin"; done
  rm -rf "$STATE" "$GUEST_RUN/ipam"
  mkdir -p "$STATE"
  for _l in $(ip -o link show | link_lines | cut -d' ' -f1); do
    [ "$_l" = lo ] || [ -e "/sys/class/net/$_l/device" ] || ip link del dev "$_l"
  done
  _i=1
  while [ "$_i" -le "$(nic_count)" ]; do
    _pci=$(nic_pci "$_i")
    wait_in_host "$_pci" || { echo "NIC $_pci did not come back to the host"; return 1; }
    _name=$(host_name_of "$_pci") _want=$(nic_name "$_i")
    ip link set dev "$_name" down || return 1
    if [ "$_name" != "$_want" ]; then ip link set dev "$_name" name "$_want" || return 1; fi
    ip link set dev "$_want" address "$(nic_mac "$_i")" mtu 1500 alias "" || return 1
    for _alt in $(describe "$_want" | sed 's/.* altnames=\([^ ]*\) .*/\1/' | tr , ' '); do
      ip link property del dev "$_want" altname "$_alt" || return 1
    done
    ip link property add dev "$_want" altname "$(nic_altname "$_i")" || return 1
    ip link set dev "$_want" up || return 1
    _i=$((_i + 1))
  done
}

# Seconds since boot, with hundredths.
now() { cut -d' ' -f1 /proc/uptime; }

# First boot: the kernel's names for the NICs, then the pristine state every case is compared with.
if [ "${1:-}" = --setup ]; then
  mkdir -p "$GUEST_RUN" /run/netns
  : >"$GUEST_RUN/nic-names"
  _i=1
  while [ "$_i" -le "$(nic_count)" ]; do
    host_name_of "$(nic_pci "$_i")" >>"$GUEST_RUN/nic-names"
    _i=$((_i + 1))
  done
  # /run/netns becomes a shared mount with the first named namespace: make it before the snapshot.
  ip netns add guest-setup && ip netns del guest-setup
  reset_host && host_snapshot >"$PRISTINE"
  exit
fi

pass=0 failed=0 skipped=0 started=$(now)
# firstboot.sh's case first: it needs the host as no other case has touched it.
cases=$(sed -n 's/^\(t_[A-Za-z0-9_]*\)() {.*/\1/p' /guest/firstboot.sh /guest/cases.sh)
for t in $cases; do
  name=${t#t_}
  if [ -n "${GUEST_ONLY:-}" ]; then
    case " $GUEST_ONLY " in *" $name "*) ;; *) continue ;; esac
  fi
  # Most cases leave the host pristine (they check it): reset only when it is not.
  if ! (expect_host) >/dev/null 2>&1 &&
     { ! reset_host >"$GUEST_RUN/case.log" 2>&1 || ! (expect_host) >>"$GUEST_RUN/case.log" 2>&1; }; then
    echo "FAIL $name (the NICs could not be brought to their pristine state first)"
    sed 's/^/    /' "$GUEST_RUN/case.log"
    failed=$((failed + 1))
    continue
  fi
  rm -f "$GUEST_RUN/skip-reason" "$GUEST_RUN/note"
  t0=$(now)
  (set -e; "$t") >"$GUEST_RUN/case.log" 2>&1
  rc=$?
  took=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }')
  [ ! -s "$GUEST_RUN/note" ] || took="$took; $(sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/; /g' "$GUEST_RUN/note")"
  if [ "$rc" = 0 ] && ! leaks >"$GUEST_RUN/leaks.diff"; then
    echo "left behind: $(cat "$GUEST_RUN/leaks.diff")" >>"$GUEST_RUN/case.log"
    rc=1
  fi
  if [ "$rc" = 0 ]; then
    echo "PASS $name ($took)"
    pass=$((pass + 1))
  elif [ "$rc" = 77 ]; then
    echo "SKIP $name ($(cat "$GUEST_RUN/skip-reason"))"
    skipped=$((skipped + 1))
  else
    echo "FAIL $name ($took)"
    sed 's/^/    /' "$GUEST_RUN/case.log"
    failed=$((failed + 1))
  fi
done
reset_host >/dev/null 2>&1
echo "GUEST-SUMMARY pass=$pass fail=$failed skip=$skipped in $(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.0fs", b - a }')"
