# shellcheck shell=sh
# Helpers for the guest cases: POSIX sh as busybox runs it inside the QEMU guest that scripts/guest-test
# boots. The guest has real virtio-net PCI NICs, Debian's iproute2 (the witness), the release
# linkcaps-host-device and Debian's host-local IPAM plugin.
#
# /guest/nics (written by scripts/guest-test) lists the NICs, one per line: "PCI-ADDRESS MAC ALTNAME".
# /init names them (the kernel's ethN) and brings them to their pristine state: UP, MTU 1500, the MAC QEMU
# gave, one udev-style altname (enp0sN), no alias. Every case starts from that state.

# Debian's busybox sh runs its own applets before PATH: iproute2 by path, through a function.
ip() { /usr/sbin/ip "$@"; }

PLUGIN=/opt/cni/bin/linkcaps-host-device
REFERENCE=/opt/cni/bin/host-device     # Debian's containernetworking-plugins 1.1.1, as a witness
REF191=/opt/cni/bin/host-device-1.9.1  # its current release (Debian forky's), when scripts/guest-test had it
CNI_DIR=/opt/cni/bin
GUEST_RUN=/run/guest
STATE=$GUEST_RUN/state                 # the plugin's state directory (LINKCAPS_STATE_DIR)
PRISTINE=$GUEST_RUN/pristine.snapshot  # the host as every case must find and leave it
NETWORK=guest                          # the CNI network name of every configuration
export LINKCAPS_CACHE_DIR=/run/linkcaps   # empty at boot: the plugin's first ADD probes and fills it

# sh has no local variables: every helper's scratch variables have names no caller uses.

# --- failing, in a case (each case runs in its own subshell with errexit) ----------------------------

fail() { echo "$*" >&2; exit 1; }
skip() { echo "$*" >"$GUEST_RUN/skip-reason"; exit 77; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected [$2], got [$1]"; }
# A short fact the runner appends to the case's result line (steps counted, who won a race, ...).
note() { echo "$*" >>"$GUEST_RUN/note"; }

# --- the NICs ----------------------------------------------------------------------------------------

nic_field() { sed -n "$1p" /guest/nics | cut -d' ' -f"$2"; }
nic_pci() { nic_field "$1" 1; }
nic_mac() { nic_field "$1" 2; }
nic_altname() { nic_field "$1" 3; }
nic_name() { sed -n "$1p" "$GUEST_RUN/nic-names"; }   # the name the kernel gave at boot
nic_count() { grep -c . /guest/nics; }

# The NIC's name in the initial namespace, empty when it is elsewhere: sysfs lists a net device under its
# parent device only in the namespace sysfs was mounted from. A virtio-net NIC's parent is the virtio
# device below the PCI function (…/0000:00:04.0/virtio0/net/eth0), other NICs' the PCI function.
host_name_of() {
  for _d in "/sys/bus/pci/devices/$1/net" "/sys/bus/pci/devices/$1"/virtio*/net; do
    [ -d "$_d" ] && ls "$_d" | head -n 1 && return
  done
  return 0
}

# Waits (up to $2 seconds, default 10) until the NIC at PCI address $1 is in the host; a dying namespace
# hands physical devices back from a workqueue, not at once.
wait_in_host() {
  _wait=$(( ${2:-10} * 10 ))
  while [ -z "$(host_name_of "$1")" ]; do
    _wait=$((_wait - 1)); [ "$_wait" -gt 0 ] || return 1
    sleep 0.1
  done
}

# One line per link from `ip -o link show` on stdin (see link-lines.awk).
link_lines() { awk -f "${GUEST_CASES_DIR:-/guest}/link-lines.awk"; }

#   describe NAME [NETNS]
describe() {
  if [ -n "${2:-}" ]; then ip -n "$2" -o link show dev "$1"; else ip -o link show dev "$1"; fi | link_lines | grep .
}

# The host as the cases compare it: every NIC (by PCI address), the other links, namespaces, the
# plugin's state files and scratch pins, mounts.
host_snapshot() {
  ip -o link show | link_lines >"$GUEST_RUN/links.now"
  _i=1
  while [ "$_i" -le "$(nic_count)" ]; do
    _pci=$(nic_pci "$_i") _name=$(host_name_of "$(nic_pci "$_i")")
    if [ -n "$_name" ]; then echo "nic $_pci $(grep "^$_name " "$GUEST_RUN/links.now")"; else echo "nic $_pci not in the host"; fi
    _i=$((_i + 1))
  done
  echo "links: $(cut -d' ' -f1 "$GUEST_RUN/links.now" | sort | tr '\n' ' ')"
  echo "netns: $(ls /run/netns | tr '\n' ' ')"
  echo "state: $(ls "$STATE" | grep -vx lock | tr '\n' ' ')"
  echo "mounts: $(cut -d' ' -f2 /proc/mounts | sort | tr '\n' ' ')"
}

# Fails with the difference when the host is not as SNAPSHOT_FILE (default: pristine) says.
expect_host() {
  host_snapshot >"$GUEST_RUN/now.snapshot"
  diff "${1:-$PRISTINE}" "$GUEST_RUN/now.snapshot" >"$GUEST_RUN/snapshot.diff" ||
    fail "the host differs from ${2:-its pristine state}: $(cat "$GUEST_RUN/snapshot.diff")"
}

# The NIC is absent from the host and sits in NETNS as IFNAME with MAC.
expect_in_pod() {
  [ -z "$(host_name_of "$1")" ] || fail "$1 is still in the host as $(host_name_of "$1")"
  _got=$(describe "$3" "$2") || fail "no $3 in $2: $(ip -n "$2" -o link)"
  case $_got in "$3 mac=$4 "*) ;; *) fail "$3 in $2 is not the NIC ($4): $_got" ;; esac
}

# --- pods --------------------------------------------------------------------------------------------

pod_add() { ip netns add "$1"; }
pod_del() { ip netns del "$1"; }

# --- the plugin --------------------------------------------------------------------------------------

# A configuration: conf SELECTORS [EXTRA], e.g. conf '"device": "eth0"' ', "ipam": {...}'
# cniVersion 1.0.0: the newest Debian's host-local (1.1.1) accepts.
conf() { printf '{"cniVersion": "1.0.0", "name": "%s", "type": "%s", %s%s}' "$NETWORK" "${PLUGIN##*/}" "$1" "${2:-}"; }
ipam_conf() { printf ', "ipam": {"type": "host-local", "dataDir": "%s/ipam", "ranges": [[{"subnet": "10.99.0.0/24"}]]}' "$GUEST_RUN"; }

# Runs the plugin as a runtime would: cni COMMAND CONTAINER NETNS IFNAME CONFIG [VAR=VALUE...]
# Sets CNI_RC; stdout in $GUEST_RUN/out, stderr in $GUEST_RUN/err. NETNS "-" leaves CNI_NETNS unset.
cni() {
  cni_start "$@"
  wait "$CNI_PID" && CNI_RC=0 || CNI_RC=$?
}

# The same in the background: sets CNI_PID; output files get the suffix $CNI_TAG (default none).
cni_start() {
  _cmd=$1 _id=$2 _ns=$3 _ifn=$4 _conf=$5; shift 5
  printf '%s' "$_conf" >"$GUEST_RUN/in${CNI_TAG:-}"
  (
    export CNI_COMMAND="$_cmd" CNI_CONTAINERID="$_id" CNI_IFNAME="$_ifn" CNI_PATH="$CNI_DIR" LINKCAPS_STATE_DIR="$STATE"
    [ "$_ns" = - ] || export CNI_NETNS="$_ns"
    for _v in "$@"; do export "${_v?}"; done
    exec "$PLUGIN" <"$GUEST_RUN/in${CNI_TAG:-}" >"$GUEST_RUN/out${CNI_TAG:-}" 2>"$GUEST_RUN/err${CNI_TAG:-}"
  ) &
  CNI_PID=$!
}

# Fails unless the last cni run exited with status $1; says what the plugin answered.
expect_rc() {
  [ "$CNI_RC" = "$1" ] ||
    fail "${2:-plugin}: status $CNI_RC, expected $1; stdout: $(cat "$GUEST_RUN/out") stderr: $(tail -n 5 "$GUEST_RUN/err")"
}

# A field of the last answer (jq filter).
answer() { jq -r "$1" "$GUEST_RUN/out${CNI_TAG:-}"; }

# Starts the plugin paused at STEP (LINKCAPS_TEST_PAUSE_AT) and waits for it to say so.
#   cni_paused STEP COMMAND CONTAINER NETNS IFNAME CONFIG
# Returns 0 when paused (CNI_PID is the waiting plugin), 1 when it finished without reaching STEP
# (CNI_RC is then its status: the plan has fewer steps).
cni_paused() {
  _step=$1; shift
  cni_start "$@" LINKCAPS_TEST_PAUSE_AT="$_step"
  _polls=300
  while ! grep -q "paused at $_step" "$GUEST_RUN/err${CNI_TAG:-}" 2>/dev/null; do
    if ! kill -0 "$CNI_PID" 2>/dev/null; then
      wait "$CNI_PID" && CNI_RC=0 || CNI_RC=$?
      return 1
    fi
    _polls=$((_polls - 1)); [ "$_polls" -gt 0 ] || fail "the plugin neither paused at $_step nor ended within 30 s"
    sleep 0.1
  done
}

# kill -9 of the paused plugin.
cni_kill() { kill -9 "$CNI_PID"; wait "$CNI_PID" 2>/dev/null || true; }

# --- the host's view: its event recorder and its name lookups ----------------------------------------

# The host's event recorder: `ip -o monitor link` in the host namespace, logging to $GUEST_RUN/monitor.log.
# It is known to record once a marker link made after its start shows up in the log (events reach a
# listener in order, so the marker's deletion also says that everything before it is logged).
# It runs iproute2 by path, not through the ip function, so that $! is ip itself (a function would run in
# a subshell that a kill ends without ending ip); the case's exit stops it, however the case ends.
recorder_start() {
  : >"$GUEST_RUN/monitor.log"
  /usr/sbin/ip -o monitor link >"$GUEST_RUN/monitor.log" 2>"$GUEST_RUN/monitor.err" &
  RECORDER_PID=$!
  trap 'kill "$RECORDER_PID" 2>/dev/null' EXIT
  _fh_tries=20
  until recorder_mark lcmark0 1; do
    _fh_tries=$((_fh_tries - 1)); [ "$_fh_tries" -gt 0 ] || fail "ip monitor recorded nothing within 20 s"
  done
}

# Makes and deletes the marker veth pair $1 and waits (up to $2 seconds, default 10) for its deletion
# in the log.
recorder_mark() {
  ip link add "$1" type veth peer name "$1p"
  ip link del "$1"
  _fh_polls=$(( ${2:-10} * 10 ))
  until awk -f "${GUEST_CASES_DIR:-/guest}/events.awk" "$GUEST_RUN/monitor.log" | grep -q " $1 "; do
    _fh_polls=$((_fh_polls - 1)); [ "$_fh_polls" -gt 0 ] || return 1
    sleep 0.1
  done
}

recorder_stop() {
  recorder_mark lcmark1 || fail "the recorder lost its end marker"
  kill "$RECORDER_PID"
  wait "$RECORDER_PID" 2>/dev/null || true
  trap - EXIT
}

# Checks what the recorder saw. The NIC is the link with index $1 or MAC $2 (a move gives it a new index
# where its own is taken): every event of it carries the name $3 and only altnames among $4
# (comma-separated). No other link is seen but the markers, lcreuse*, and links named $3 (one the case gave
# the NIC's name while it was away); nothing the parser did not understand, nothing on the recorder's
# stderr but the one warning iproute2 gives when the dump that fills its own index-to-name cache at start
# overlapped a link change (the first marker): it concerns that cache, not the events. Prints each problem
# once.
recorder_problems() {
  grep -vx 'Dump was interrupted and may be inconsistent.' "$GUEST_RUN/monitor.err" 2>/dev/null | sed 's/^/the recorder said: /'

  awk -f "${GUEST_CASES_DIR:-/guest}/events.awk" "$GUEST_RUN/monitor.log" >"$GUEST_RUN/events.txt"
  awk -v idx="$1" -v mac="mac=$2" -v name="$3" -v alts="$4" '
    BEGIN { n = split(alts, a, ","); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
    $1 == "unparsed" { print "the recorder logged a line this check does not understand: " $0; next }
    $2 ~ /^lcmark[01]p?$/ || $2 ~ /^lcreuse/ { next }
    $1 == idx || $3 == mac {
      if ($2 != name) print "the host saw the NIC (ifindex " $1 ") as " $2
      split(substr($4, 10), got, ",")
      for (k in got) if (got[k] != "" && !(got[k] in ok)) print "the host saw the NIC with the altname " got[k]
      seen = 1; next
    }
    $2 != name { print "the host saw a link named " $2 " (ifindex " $1 ")" }
    END { if (!seen) print "the recorder saw no event of the NIC (ifindex " idx ", " mac "): it was blind" }
  ' "$GUEST_RUN/events.txt" | awk '!said[$0]++'
}

ifindex_of() { cat "/sys/class/net/$1/ifindex"; }

# While the NIC is away: none of its names (name $1, altnames $2...) resolves in the host, and each can
# be given to another link there (a veth named $1, the altnames added to it). Prints the problems.
names_free_in_host_problems() {
  _fh_name=$1; shift
  for _fh_n in "$_fh_name" "$@"; do
    if _fh_seen=$(ip -o link show dev "$_fh_n" 2>/dev/null); then
      echo "while the NIC is in the pod, the host resolves $_fh_n: ${_fh_seen%%\\*}"
    fi
  done
  if ! ip link add "$_fh_name" type veth peer name lcreuse0p 2>"$GUEST_RUN/reuse.err"; then
    echo "the host cannot give the name $_fh_name to another link: $(cat "$GUEST_RUN/reuse.err")"
    return 0
  fi
  for _fh_n in "$@"; do
    ip link property add dev "$_fh_name" altname "$_fh_n" 2>"$GUEST_RUN/reuse.err" ||
      echo "the host cannot give the altname $_fh_n to another link: $(cat "$GUEST_RUN/reuse.err")"
  done
  ip link del "$_fh_name"
}

# After DEL: the name $2 and each altname $3... resolve in the host to the NIC at PCI address $1.
names_resolve_to_nic_problems() {
  _fh_pci=$1; shift
  _fh_idx=$(ifindex_of "$(host_name_of "$_fh_pci")")
  for _fh_n in "$@"; do
    _fh_seen=$(ip -o link show dev "$_fh_n" 2>&1) || { echo "after DEL $_fh_n does not resolve in the host: $_fh_seen"; continue; }
    case $_fh_seen in "$_fh_idx: $1:"*|"$_fh_idx: $1@"*) ;; *) echo "after DEL $_fh_n resolves to ${_fh_seen%%\\*}, not the NIC ($_fh_idx: $1)" ;; esac
  done
}

# A capability's answer in the report the plugin reads (probed by the first ADD of the boot, cached).
capability() { /bin/linkcaps probe --json | jq -r ".capabilities[\"$1\"].state"; }

# The strategy the plugin recorded for attachment $1 (container id), while it exists.
recorded_strategy() { jq -r .strategy "$STATE/${NETWORK}_$1_net1.json"; }
