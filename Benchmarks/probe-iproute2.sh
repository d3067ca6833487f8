#!/usr/bin/env bash
# The baseline for `make bench`: the probe's ten experiments scripted with iproute2, as one would by hand.
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
  ip -n "$ns-a" monitor link >/dev/null & m1=$!
  ip -n "$ns-b" monitor link >/dev/null & m2=$!
  ip -n "$ns-a" link set dev lcp0 netns "$ns-b" name lcf0 "$@" 2>/dev/null
  kill $m1 $m2 2>/dev/null; wait $m1 $m2 2>/dev/null
  ip -n "$ns-b" -j link show >/dev/null
  ip -n "$ns-a" -j link show lcp0 >/dev/null 2>&1
}
# link-kind choice
lab; ip -n "$ns-a" link add lck0 type dummy 2>/dev/null || ip -n "$ns-a" link add lck1 type veth peer name lck1p
for e in 0 1 2 3 4 5 6 7 8 9; do
  lab
  case $e in
    3) mk "$ns-b" lcp0 ;;
    4) mk "$ns-b" lcf0 ;;
    8) mk "$ns-b" lcq0; ip -n "$ns-b" link property add dev lcq0 altname lc-probe-altname0 ;;
  esac
  mk "$ns-a" lcp0 up
  [ $e = 7 ] || [ $e = 8 ] && ip -n "$ns-a" link property add dev lcp0 altname lc-probe-altname0
  case $e in
    5) move up ;;
    6) ip -n "$ns-a" link set dev lcp0 name lcf0; ip -n "$ns-a" -j link show lcf0 >/dev/null ;;
    9) ip -n "$ns-a" link set dev lcp0 netns "$ns-b" name lcf0 2>/dev/null; ip -n "$ns-b" -j link show >/dev/null ;;
    *) move ;;
  esac
done
