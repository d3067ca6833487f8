// The start-up floor: a statically linked Swift program that prints one line. `linkcaps probe --json`
// answered from the cache is compared with this (target ≤ 2×).
print("{}")
