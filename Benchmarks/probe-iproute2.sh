#!/usr/bin/env bash
# The baseline for `make bench`: the probe's thirteen experiments scripted with iproute2, as one would by hand
# (numbered as in Prober.experiments).
# Named namespaces are needed to address them from `ip`; they are unique to this run and always removed.
set -u
kind=veth
ns="lcbench-$$"
cleanup() { for side in a b; do ip netns del "$ns-$side" 2>/dev/null; done; }
trap cleanup EXIT
mk() { # mk NS NAME [up]
  ip -n "$1" link add "$2" type $kind peer name "$2p" && [ "${3:-}" = up ] && ip -n "$1" link set "$2" up
  ip -n "$1" -j link show "$2" >/dev/null
}
lab() { cleanup; ip netns add "$ns-a"; ip netns add "$ns-b"; }
move() { # move [extra ip-link args...]: watch both sides, move + rename, look on both sides
  ip -n "$ns-b" -j link show >/dev/null
  ip -n "$ns-a" monitor link >/dev/null 2>&1 & m1=$!
  ip -n "$ns-b" monitor link >/dev/null 2>&1 & m2=$!
  ip -n "$ns-a" link set dev lcp0 netns "$ns-b" name lcf0 "$@" 2>/dev/null
  kill $m1 $m2 2>/dev/null; wait $m1 $m2 2>/dev/null
  ip -n "$ns-b" -j link show >/dev/null
  ip -n "$ns-a" -j link show lcp0 >/dev/null 2>&1
}
# link-kind choice
lab; ip -n "$ns-a" link add lck0 type dummy 2>/dev/null || ip -n "$ns-a" link add lck1 type veth peer name lck1p
alt=lc-probe-altname0
for e in 0 1 2 3 4 5 6 7 8 9 10 11 12; do
  lab
  if [ $e = 11 ]; then # is lo marked netns-immutable? try to move it anyway (refused), look for it again
    ip -n "$ns-a" -d -j link show lo >/dev/null
    ip -n "$ns-a" link set dev lo netns "$ns-b" 2>/dev/null
    ip -n "$ns-a" -j link show lo >/dev/null
    continue
  fi
  case $e in
    3|10) mk "$ns-b" lcp0 ;;
    4) mk "$ns-b" lcf0 ;;
    8) mk "$ns-b" lcq0; ip -n "$ns-b" link property add dev lcq0 altname $alt ;;
  esac
  mk "$ns-a" lcp0 up
  [ $e = 7 ] || [ $e = 8 ] && ip -n "$ns-a" link property add dev lcp0 altname $alt
  case $e in
    5) move up ;;
    7) move # then: where does the altname resolve, and can the source give it out again?
       ip -n "$ns-a" -j link show dev $alt >/dev/null 2>&1; ip -n "$ns-b" -j link show dev $alt >/dev/null 2>&1
       mk "$ns-a" lcq0; ip -n "$ns-a" link property add dev lcq0 altname $alt ;;
    8) move # refused: the altname still names the link in the source and the bystander in the target
       ip -n "$ns-a" -j link show dev $alt >/dev/null 2>&1; ip -n "$ns-b" -j link show dev $alt >/dev/null 2>&1 ;;
    12) move mtu 1400 address 02:6c:63:70:00:01 ;;
    6) ip -n "$ns-a" link set dev lcp0 name lcf0; ip -n "$ns-a" -j link show lcf0 >/dev/null ;;
    9) ip -n "$ns-a" link set dev lcp0 netns "$ns-b" name lcf0 2>/dev/null; ip -n "$ns-b" -j link show >/dev/null ;;
    *) move ;;
  esac
done
# A refused request is an answer here (ip says so and returns non-zero): the run itself succeeded.
exit 0
