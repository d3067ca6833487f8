#define _GNU_SOURCE
#include "CSystemCalls.h"
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

int lc_effective_caps(uint64_t *out) {
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) < 0) return -1;
    *out = ((uint64_t)data[1].effective << 32) | data[0].effective;
    return 0;
}
