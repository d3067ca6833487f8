// The system calls SystemCalls needs that glibc gives Swift no prototype for.
#ifndef LINKCAPS_CSYSTEMCALLS_H
#define LINKCAPS_CSYSTEMCALLS_H

#include <stdint.h>

// Effective capabilities of the calling thread (capget has no glibc wrapper), or -1 with errno.
int lc_effective_caps(uint64_t *out);

#endif
