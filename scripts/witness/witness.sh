#!/bin/sh
# The witness: answers each capability question of the probe (the 13 ids of the report, matrix/SCHEMA.md)
# with iproute2 alone and its own way, sharing no code with the probe. scripts/observe runs it in every
# QEMU guest after the probe; scripts/test-scripts runs it on this machine.
#
# Every case gets two fresh named namespaces (S = source, T = target; `ip netns add`), so run it where
# /run/netns may be written: in a guest, or under `unshare -m` with a tmpfs on /run. The throwaway links
# are of the first kind the kernel makes (dummy, veth, ifb): load their modules beforehand (dummy
# numdummies=0, ifb numifbs=0), or the kernel loads them itself, default devices included.
#
# Answers come only from what iproute2 shows: the events `ip -o monitor link` prints in S or T, what a
# name resolves to (`ip link show dev NAME`: one RTM_GETLINK by name, the kernel's answer printed), whether
# a name can be given again (`ip link property add ... altname`), and what `ip link set` returns. Output,
# one line per capability, in the report's order:
#   WITNESS <capability id> <supported|unsupported|inconclusive|unwitnessed> <what was seen>
# after `WITNESS-TOOL <iproute2 version>[; <details tool>]` and `WITNESS-KIND <link kind>`, and followed by
# `WITNESS-TIME <seconds>`. Cases run side by side (a guest spends its time starting processes).
#
# Env: WITNESS_IP          iproute2's ip (default: ip from PATH; in busybox guests pass a path, busybox
#                          runs its own applet for a bare `ip`)
#      WITNESS_IP_DETAILS  an ip that prints IFLA_NETNS_IMMUTABLE (iproute2 >= 6.17: `ip -d link show`
#                          says netns-immutable); without it move.netnsImmutableReported is unwitnessed
#      WITNESS_KINDS       link kinds to try (default "dummy veth ifb")
#      WITNESS_TMP         scratch directory (default /tmp)
IP=${WITNESS_IP:-ip}
IPD=${WITNESS_IP_DETAILS:-}
KINDS=${WITNESS_KINDS:-dummy veth ifb}
TMP=${WITNESS_TMP:-/tmp}/lcw.$$
ALT=lc-probe-altname0
MAC=02:6c:63:00:42:42
NEWIDX=4242
# Fixed ifindexes (ip link add ... index N): the moved link, bystanders in T, a second link in S.
PI=10 BI=20 RI=30
PFX=lcw$$
KIND='' MONITORS='' SEQ=0

CASES="move.singleRequest move.sourceSeesOnlyOriginalName move.sourceSeesOnlyOriginalNameOnClash
move.targetSeesFinalNameFirst move.inFlightRenameOnClash move.atomicOnNameTaken move.upInSameRequest
rename.whileUp altname.followsMove altname.clashRejected move.newIfindex move.netnsImmutableReported
move.mtuMacInSameRequest"

uptime() { read -r UP _ </proc/uptime; }
uptime; START=$UP
mkdir -p "$TMP" || exit 2

# --- plumbing (builtins only where possible: every process costs ~70 ms in a TCG guest) ----------------

# first_line FILE → LINE (empty when none); all_lines FILE → LINES (joined by "; ").
first_line() { LINE=; [ -s "$1" ] && IFS= read -r LINE <"$1"; }
all_lines() {
  LINES=
  [ -s "$1" ] || return 0
  while IFS= read -r l; do LINES="${LINES:+$LINES; }$l"; done <"$1"
}

# batch NS LINE...: the lines as one `ip -n NS -batch` (one process); fails on the first failing line.
batch() {
  ns=$1; shift
  : >"$P.batch"
  for l in "$@"; do printf '%s\n' "$l" >>"$P.batch"; done
  "$IP" -n "$ns" -batch "$P.batch" >"$P.out" 2>"$P.err"
}

# mk NAME INDEX → MK: the batch line that makes a throwaway link (a veth's peer, NAMEp, stays beside it).
mk() {
  if [ "$KIND" = veth ]; then MK="link add $1 index $2 type veth peer name $1p"
  else MK="link add $1 index $2 type $KIND"; fi
}

# dump NS TAG: `ip -o link show` of NS into $P.TAG.
dump() { "$IP" -n "$1" -o link show >"$P.$2" 2>&1; }

# find_link FILE NAME → L_IDX L_FLAGS L_MTU L_MAC (L_IDX empty when FILE lists no NAME).
find_link() {
  L_IDX='' L_FLAGS='' L_MTU='' L_MAC=''
  while IFS= read -r l; do
    case $l in [0-9]*": $2: "* | [0-9]*": $2@"*) ;; *) continue ;; esac
    L_IDX=${l%%:*}
    L_FLAGS=${l#*<}; L_FLAGS=${L_FLAGS%%>*}
    L_MTU=${l#* mtu }; L_MTU=${L_MTU%% *}
    case $l in *link/ether*) L_MAC=${l#*link/ether }; L_MAC=${L_MAC%% *} ;; esac
    return 0
  done <"$1"
  return 1
}
has_index() { while IFS= read -r l; do case $l in "$2: "*) return 0 ;; esac; done <"$1"; return 1; }
is_up() { case ",$1," in *,UP,*) return 0 ;; esac; return 1; }

# lookup NS NAME DUMP → LOOKUP: "here IDX LINK" (NAME resolves in NS to LINK, which NS lists in DUMP),
# "elsewhere IDX LINK" (it resolves, but to a link NS does not list: a device of another namespace),
# "absent" (iproute2: Device "NAME" does not exist) or "error MESSAGE".
lookup() {
  if "$IP" -n "$1" -o link show dev "$2" >"$P.lk" 2>"$P.lkerr"; then
    first_line "$P.lk"
    li=${LINE%%:*}; ln=${LINE#*: }; ln=${ln%%:*}; ln=${ln%%@*}
    if has_index "$3" "$li"; then LOOKUP="here $li $ln"; else LOOKUP="elsewhere $li $ln"; fi
  else
    all_lines "$P.lkerr"
    case $LINES in *"does not exist"*) LOOKUP=absent ;; *) LOOKUP="error $LINES" ;; esac
  fi
}

# move ARGS...: one request, `ip -n S link set dev lcp0 netns T name lcf0 ARGS...` (iproute2 sends one
# RTM_NEWLINK: ifindex, IFLA_NET_NS_FD, IFLA_IFNAME and what ARGS add) → MOVE_RC, MOVE_ERR, MOVED.
move() {
  "$IP" -n "$S" link set dev lcp0 netns "$T" name lcf0 "$@" >/dev/null 2>"$P.moveerr"
  MOVE_RC=$?
  all_lines "$P.moveerr"; MOVE_ERR=$LINES
  if [ $MOVE_RC -eq 0 ]; then MOVED="request ok"; else MOVED="request failed: $MOVE_ERR"; fi
}

# mon_start NS: `ip -o monitor link` in NS (lo must be UP), writing $P.NS.mon; returns once it listens.
mon_start() {
  "$IP" -n "$1" -o monitor link >"$P.$1.mon" 2>&1 &
  MONITORS="$MONITORS $!"
  mon_sync "$1"
}
monitors_stop() { for pid in $MONITORS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; MONITORS=; }

# mon_sync NS: give lo a fresh MTU until the monitor of NS prints it (an UP link's changes are announced;
# monitors print the MTU). Events reach one socket in order: once it shows, all NS announced before is in.
mon_sync() {
  tries=0
  while [ $tries -lt 40 ]; do
    tries=$((tries + 1)); SEQ=$((SEQ + 1)); want=$((10000 + SEQ))
    "$IP" -n "$1" link set dev lo mtu $want || return 1
    polls=0
    while [ $polls -lt 15 ]; do
      while IFS= read -r l; do case $l in "1: lo: "*" mtu $want "*) return 0 ;; esac; done <"$P.$1.mon"
      sleep 0.02; polls=$((polls + 1))
    done
  done
  return 1
}

# events NS IFINDEX [NAME] → EV ("NEW lcp0, DEL lcp0"), EV_FIRST (the first event's name), EV_N, and
# EV_OTHER (a name other than NAME was seen).
events() {
  EV='' EV_FIRST='' EV_N=0 EV_OTHER=''
  while IFS= read -r l; do
    case $l in
      "Deleted $2: "*) e=DEL; n=${l#"Deleted $2: "} ;;
      "$2: "*) e=NEW; n=${l#"$2: "} ;;
      *) continue ;;
    esac
    n=${n%%:*}; n=${n%%@*}
    EV_N=$((EV_N + 1)); EV="${EV:+$EV, }$e $n"; [ -n "$EV_FIRST" ] || EV_FIRST=$n
    [ -z "${3:-}" ] || [ "$n" = "$3" ] || EV_OTHER=1
  done <"$P.$1.mon"
}

say() { printf 'WITNESS %s %s %s\n' "$CASE" "$1" "$2" >"$P.verdict"; }
setup_failed() { all_lines "$P.err"; say inconclusive "setup failed: $LINES"; }

# --- the cases, in the report's order ----------------------------------------------------------------

c_move_singleRequest() {
  mk lcp0 $PI; batch "$S" "$MK" "link set dev lcp0 up" || { setup_failed; return; }
  move
  dump "$S" s; dump "$T" t
  if [ $MOVE_RC -ne 0 ]; then say unsupported "an UP lcp0: $MOVED"; return; fi
  find_link "$P.t" lcf0; f=$L_IDX
  if [ -n "$f" ] && ! has_index "$P.s" $PI && ! find_link "$P.s" lcp0; then
    say supported "an UP lcp0 (ifindex $PI), one request: T has lcf0 (ifindex $f), S has neither ifindex $PI nor lcp0"
  else
    say unsupported "request ok, but T's lcf0: ${f:-absent}; S still lists ifindex $PI or lcp0"
  fi
}

# What S sees of a move without a clash (1st argument 0) or with one (1: T already has lcp0, so the
# kernel renames in flight).
source_names() {
  set -- "$1" "; T had a bystander lcp0"
  [ "$1" = 1 ] || set -- 0 ""
  mk lcp0 $PI; batch "$S" "link set dev lo up" "$MK" "link set dev lcp0 up" || { setup_failed; return; }
  if [ "$1" = 1 ]; then mk lcp0 $BI; batch "$T" "$MK" || { setup_failed; return; }; fi
  mon_start "$S" || { say inconclusive "ip monitor in S did not start"; return; }
  move
  mon_sync "$S" || { say inconclusive "ip monitor in S stopped answering"; return; }
  dump "$T" t
  events "$S" $PI lcp0
  if [ $MOVE_RC -ne 0 ] || ! find_link "$P.t" lcf0; then say inconclusive "T got no lcf0 ($MOVED)$2"
  elif [ $EV_N -eq 0 ]; then say inconclusive "S's monitor printed no event for ifindex $PI$2"
  elif [ -z "$EV_OTHER" ]; then say supported "S saw only lcp0 for ifindex $PI: $EV$2"
  else say unsupported "S saw another name for ifindex $PI: $EV$2"
  fi
}
c_move_sourceSeesOnlyOriginalName() { source_names 0; }
c_move_sourceSeesOnlyOriginalNameOnClash() { source_names 1; }

c_move_targetSeesFinalNameFirst() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  batch "$T" "link set dev lo up" || { setup_failed; return; }
  mon_start "$T" || { say inconclusive "ip monitor in T did not start"; return; }
  move
  mon_sync "$T" || { say inconclusive "ip monitor in T stopped answering"; return; }
  dump "$T" t
  find_link "$P.t" lcf0 && [ $MOVE_RC -eq 0 ] || { say inconclusive "T got no lcf0 ($MOVED)"; return; }
  events "$T" "$L_IDX"
  if [ "$EV_FIRST" = lcf0 ]; then say supported "T's first event for ifindex $L_IDX carries lcf0: $EV"
  elif [ -n "$EV_FIRST" ]; then say unsupported "T's first event for ifindex $L_IDX carries $EV_FIRST: $EV"
  else say inconclusive "T's monitor printed no event for ifindex $L_IDX"
  fi
}

c_move_inFlightRenameOnClash() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  mk lcp0 $BI; batch "$T" "link set dev lo up" "$MK" || { setup_failed; return; }
  mon_start "$T" || { say inconclusive "ip monitor in T did not start"; return; }
  move
  mon_sync "$T" || { say inconclusive "ip monitor in T stopped answering"; return; }
  dump "$T" t
  if [ $MOVE_RC -ne 0 ] || ! find_link "$P.t" lcf0; then
    say unsupported "T already had lcp0 (ifindex $BI): $MOVED; T has no lcf0"; return
  fi
  i=$L_IDX; events "$T" "$i" lcf0
  if [ $EV_N -eq 0 ]; then say inconclusive "T's monitor printed no event for ifindex $i"
  elif [ -z "$EV_OTHER" ]; then say supported "T already had lcp0 (ifindex $BI); the arrival (ifindex $i) showed only lcf0: $EV"
  else say unsupported "T already had lcp0 (ifindex $BI); the arrival (ifindex $i) showed: $EV"
  fi
}

c_move_atomicOnNameTaken() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  mk lcf0 $BI; batch "$T" "$MK" || { setup_failed; return; }
  move
  dump "$S" s; dump "$T" t
  find_link "$P.s" lcp0; still=$L_IDX
  find_link "$P.t" lcp0; arrived=$L_IDX
  find_link "$P.t" lcf0; final=$L_IDX
  if [ $MOVE_RC -ne 0 ] && [ "$still" = $PI ] && [ -z "$arrived" ] && [ "$final" = $BI ]; then
    say supported "T had lcf0: refused ($MOVE_ERR), lcp0 stayed in S (ifindex $PI)"
  elif [ -n "$arrived" ]; then
    say unsupported "T had lcf0: $MOVED, yet the link is in T as lcp0 (ifindex $arrived): moved, not renamed"
  elif [ $MOVE_RC -eq 0 ]; then
    say unsupported "T had lcf0 (ifindex $BI): request ok; T's lcf0 is now ifindex ${final:-absent}"
  else
    say inconclusive "T had lcf0: $MOVED; S's lcp0: ${still:-absent}, T's lcp0: ${arrived:-absent}"
  fi
}

c_move_upInSameRequest() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  move up
  dump "$T" t
  if [ $MOVE_RC -ne 0 ] || ! find_link "$P.t" lcf0; then say inconclusive "a DOWN lcp0 moved with up: $MOVED; T has no lcf0"
  elif is_up "$L_FLAGS"; then say supported "a DOWN lcp0 moved, renamed and set up by one request: T's lcf0 is <$L_FLAGS>"
  else say unsupported "a DOWN lcp0 moved with up in the same request: T's lcf0 is <$L_FLAGS>"
  fi
}

c_rename_whileUp() {
  mk lcp0 $PI; batch "$S" "$MK" "link set dev lcp0 up" || { setup_failed; return; }
  "$IP" -n "$S" link set dev lcp0 name lcf0 2>"$P.err"; rc=$?
  all_lines "$P.err"; err=$LINES
  dump "$S" s
  if [ $rc -eq 0 ] && find_link "$P.s" lcf0; then
    if is_up "$L_FLAGS"; then say supported "an UP lcp0 renamed in place: lcf0 <$L_FLAGS>"
    else say unsupported "renamed, but lcf0 is <$L_FLAGS> afterwards"; fi
  elif [ $rc -ne 0 ] && find_link "$P.s" lcp0; then say unsupported "an UP lcp0 renamed in place: refused: $err"
  else say inconclusive "rename: status $rc $err"
  fi
}

c_altname_followsMove() {
  mk lcp0 $PI; batch "$S" "$MK" "link property add dev lcp0 altname $ALT" ||
    { all_lines "$P.err"; say inconclusive "no altname on lcp0: $LINES"; return; }
  move
  [ $MOVE_RC -eq 0 ] || { say inconclusive "the move failed: $MOVED"; return; }
  dump "$S" s; dump "$T" t
  find_link "$P.t" lcf0; i=$L_IDX
  lookup "$S" $ALT "$P.s"; in_s=$LOOKUP
  lookup "$T" $ALT "$P.t"; in_t=$LOOKUP
  # Given again in S, to a new link: the name must be free there.
  mk lcr0 $RI
  if batch "$S" "$MK"; then
    if "$IP" -n "$S" link property add dev lcr0 altname $ALT 2>"$P.err"; then reuse=free
    else all_lines "$P.err"; reuse="refused: $LINES"; fi
  else all_lines "$P.err"; reuse="no second link: $LINES"; fi
  seen="$ALT after the move: in S $in_s; in T $in_t (lcf0 is ifindex ${i:-absent}); given to a new link in S: $reuse"
  if [ "$in_s" = absent ] && [ "$in_t" = "here $i lcf0" ] && [ "$reuse" = free ]; then say supported "$seen"
  else
    case "$in_s $in_t $reuse" in *error* | *"no second link"*) say inconclusive "$seen" ;; *) say unsupported "$seen" ;; esac
  fi
}

c_altname_clashRejected() {
  mk lcq0 $BI; mk_t=$MK; mk lcp0 $PI
  batch "$T" "$mk_t" "link property add dev lcq0 altname $ALT" &&
    batch "$S" "$MK" "link property add dev lcp0 altname $ALT" ||
    { all_lines "$P.err"; say inconclusive "no altnames: $LINES"; return; }
  move
  dump "$S" s; dump "$T" t
  lookup "$S" $ALT "$P.s"; in_s=$LOOKUP
  lookup "$T" $ALT "$P.t"; in_t=$LOOKUP
  seen="$MOVED; $ALT then: in S $in_s, in T $in_t (lcp0 was ifindex $PI in S, the bystander lcq0 is $BI in T)"
  find_link "$P.s" lcp0; still=$L_IDX
  find_link "$P.t" lcf0; f=$L_IDX; find_link "$P.t" lcp0; f=$f$L_IDX
  if [ $MOVE_RC -ne 0 ] && [ "$still" = $PI ] && [ -z "$f" ] && [ "$in_s" = "here $PI lcp0" ] && [ "$in_t" = "here $BI lcq0" ]; then
    say supported "$seen"
  elif [ -n "$f" ]; then
    say unsupported "the link left S although T's lcq0 holds its altname: $seen"
  else
    say inconclusive "$seen"
  fi
}

c_move_newIfindex() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  move index $NEWIDX     # iproute2 >= 5.16: IFLA_NEW_IFINDEX in the same request
  dump "$S" s; dump "$T" t
  if [ $MOVE_RC -eq 0 ] && find_link "$P.t" lcf0; then
    if [ "$L_IDX" = $NEWIDX ]; then say supported "asked for ifindex $NEWIDX: T's lcf0 is ifindex $L_IDX"
    else say unsupported "asked for ifindex $NEWIDX: T's lcf0 is ifindex $L_IDX (it was $PI): IFLA_NEW_IFINDEX ignored"; fi
  elif [ $MOVE_RC -ne 0 ] && find_link "$P.s" lcp0; then say unsupported "asked for ifindex $NEWIDX: $MOVED; the link stayed in S"
  else say inconclusive "asked for ifindex $NEWIDX: $MOVED; T has no lcf0"
  fi
}

c_move_netnsImmutableReported() {
  "$IP" -n "$S" link set dev lo netns "$T" 2>"$P.err" && lo="moving S's lo: accepted" ||
    { all_lines "$P.err"; lo="moving S's lo: $LINES"; }
  if [ -z "$IPD" ]; then
    say unwitnessed "iproute2 shows IFLA_NETNS_IMMUTABLE (ip -d: netns-immutable) only since 6.17, none was given; $lo"
    return
  fi
  "$IPD" -n "$T" -d -o link show dev lo >"$P.out" 2>&1 || { all_lines "$P.out"; say inconclusive "$DETAILS_TOOL: $LINES"; return; }
  first_line "$P.out"
  case $LINE in
    *" netns-immutable "*) say supported "$DETAILS_TOOL -d link show lo: netns-immutable; $lo" ;;
    *) say unsupported "$DETAILS_TOOL -d link show lo: no netns-immutable (no IFLA_NETNS_IMMUTABLE=1); $lo" ;;
  esac
}

c_move_mtuMacInSameRequest() {
  mk lcp0 $PI; batch "$S" "$MK" || { setup_failed; return; }
  move mtu 1280 address $MAC
  dump "$T" t
  if [ $MOVE_RC -eq 0 ] && find_link "$P.t" lcf0; then
    if [ "$L_MTU" = 1280 ] && [ "$L_MAC" = $MAC ]; then
      say supported "one request with mtu 1280 and address $MAC: T's lcf0 has mtu $L_MTU, address $L_MAC"
    else say unsupported "one request with mtu 1280 and address $MAC: T's lcf0 has mtu $L_MTU, address $L_MAC"; fi
  else
    say inconclusive "$MOVED; T has no lcf0 (a $KIND link may refuse the MTU or the address)"
  fi
}

# --- run ---------------------------------------------------------------------------------------------

cleanup() {
  monitors_stop
  : >"$TMP/del"
  for n in $NAMESPACES; do echo "netns del $n" >>"$TMP/del"; done
  [ -z "$NAMESPACES" ] || "$IP" -force -batch "$TMP/del" >/dev/null 2>&1
  rm -rf "$TMP"
}
NAMESPACES=
trap cleanup EXIT
trap 'exit 130' INT TERM

version() { "$1" -V >"$TMP/v" 2>&1; first_line "$TMP/v"; VERSION=${LINE#*iproute2-}; VERSION=${VERSION%%[ ,]*}
            case $LINE in *iproute2-*) VERSION="iproute2 $VERSION" ;; *) VERSION= ;; esac; }
version "$IP"; TOOL=$VERSION
[ -n "$TOOL" ] || { echo "witness: $IP is not iproute2's ip ($LINE)" >&2; exit 2; }
DETAILS_TOOL=
if [ -n "$IPD" ]; then
  version "$IPD"; DETAILS_TOOL=$VERSION
  [ -n "$DETAILS_TOOL" ] || { echo "witness: $IPD is not iproute2's ip ($LINE)" >&2; IPD=; }
fi
echo "WITNESS-TOOL $TOOL${DETAILS_TOOL:+; $DETAILS_TOOL for move.netnsImmutableReported}"

# All namespaces at once (one process): one pair per case, and pair 0 for choosing the link kind.
n=0
: >"$TMP/add"
for c in 0 $CASES; do
  echo "netns add ${PFX}s$n" >>"$TMP/add"; echo "netns add ${PFX}t$n" >>"$TMP/add"
  NAMESPACES="$NAMESPACES ${PFX}s$n ${PFX}t$n"; n=$((n + 1))
done
"$IP" -batch "$TMP/add" >"$TMP/add.out" 2>&1 || { all_lines "$TMP/add.out"; echo "witness: ip netns add: $LINES" >&2; exit 2; }

# A directory per case: cases run side by side. (A 6.12.107 guest once oopsed in simple_offset_add while
# they shared one directory; that kernel oopses elsewhere under TCG too — kernels.list — so this is caution,
# not a proven cause.)
dirs=$TMP/kind n=0
for c in $CASES; do n=$((n + 1)); dirs="$dirs $TMP/c$n"; done
mkdir -p $dirs || exit 2
P=$TMP/kind/f
for k in $KINDS; do
  KIND=$k
  mk lcwk0 $PI; batch "${PFX}s0" "$MK" && break
  KIND=
done
echo "WITNESS-KIND ${KIND:-none}"

n=0
for CASE in $CASES; do
  n=$((n + 1))
  P=$TMP/c$n/f S=${PFX}s$n T=${PFX}t$n
  if [ -z "$KIND" ] && [ "$CASE" != move.netnsImmutableReported ]; then
    say inconclusive "no throwaway link kind (tried $KINDS)"; continue
  fi
  (
    trap monitors_stop EXIT
    IFS=.; set -- $CASE; IFS=' 	
'
    "c_$1_$2"
    uptime; echo "$UP" >"$P.end"
  ) &
done
uptime; CASES_START=$UP
wait
# /proc/uptime has two decimals: seconds from centiseconds, without a process.
cs() { c=$(( ${1%.*} * 100 + 1${1#*.} - 100 )); }
secs() { cs "$2"; b=$c; cs "$1"; c=$((b - c)); SECS="$((c / 100)).$((c / 10 % 10))"; }
n=0 times=
for CASE in $CASES; do
  n=$((n + 1)); P=$TMP/c$n/f
  [ -s "$P.verdict" ] || say inconclusive "the case ended without an answer"
  cat "$P.verdict"
  first_line "$P.end"; [ -z "$LINE" ] || { secs "$CASES_START" "$LINE"; times="$times ${CASE#*.}=$SECS"; }
done
uptime
secs "$START" "$UP"
# All cases run at once: each one's time is from their common start to its end.
echo "WITNESS-TIME $SECS (cases done after:$times)"
