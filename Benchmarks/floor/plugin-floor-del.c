// The two-process plugin floor's DEL: a process of its own that enters the container, finds the device
// there by its container name and moves it back to the host under its original name with IFF_UP (given
// here; a plugin must keep it somewhere), and nothing else. plugin-floor-add.c is its ADD.
// Usage: plugin-floor-del DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include <sched.h>
#include "plugin-move.h"

int main(int argc, char **argv) {
    int host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = floor_arguments(argc, argv);
    if (host < 0 || setns(target, CLONE_NEWNET) < 0) { perror("plugin-floor-del"); return 1; }
    int index = if_nametoindex(argv[3]);
    if (index == 0) { perror(argv[3]); return 1; }
    if (floor_move(floor_socket(), index, host, argv[1]) < 0) { perror("move out"); return 1; }
    return 0;
}
