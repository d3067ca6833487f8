// The two-process plugin floor's DEL: a process of its own that enters the container, finds the device
// there by its container name and moves it back to the host under its original name with IFF_UP (given
// here; a plugin must keep it somewhere), and nothing else. plugin-floor-add.c is its ADD.
// Usage: plugin-floor-del DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include "plugin-move.h"
// net/if.h clashes with linux/if.h; this is all we need from it.
unsigned int if_nametoindex(const char *name);

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s DEVICE NETNS CONTAINER-NAME\n", argv[0]); return 2; }
    int host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (host < 0 || target < 0 || setns(target, CLONE_NEWNET) < 0) { perror("plugin-floor-del"); return 1; }
    int index = if_nametoindex(argv[3]);
    if (index == 0) { perror(argv[3]); return 1; }
    if (floor_move(floor_socket(), index, host, argv[1]) < 0) { perror("move out"); return 1; }
    return 0;
}
