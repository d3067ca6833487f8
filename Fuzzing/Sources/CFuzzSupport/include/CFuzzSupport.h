// The little C the fuzz targets need.
#ifndef LINKCAPS_CFUZZSUPPORT_H
#define LINKCAPS_CFUZZSUPPORT_H

#include <stddef.h>
#include <stdint.h>

typedef int (*lc_fuzz_target)(const uint8_t *data, size_t size);

// Runs libFuzzer with the process's arguments (-runs=, -max_total_time=, corpus directories, ...).
// SwiftPM names an executable's entry point itself on Linux, so libFuzzer's own main() cannot be used.
int lc_fuzz_main(int argc, char **argv, lc_fuzz_target target);

// Replaces the process's environment block (Swift sees `environ` as read-only); returns the old one.
char **lc_fuzz_swap_environ(char **block);

#endif
