// The floor for the plugin benchmark: what any host-device plugin must ask of the kernel for one ADD and
// one DEL — one move into the container (with rename and IFF_UP) and one move back under the original
// name, also with IFF_UP, so that the device ends UP on the host as linkcaps-host-device leaves it — and
// nothing else: no config, no state, no checks, one process for both (plugin-floor-add.c and
// plugin-floor-del.c are the same two moves as the two processes a CNI runtime starts).
// Usage: plugin-floor DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "plugin-move.h"

int main(int argc, char **argv) {
    int host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = floor_arguments(argc, argv);
    int index = if_nametoindex(argv[1]);
    if (host < 0 || index == 0) { perror("plugin-floor"); return 1; }
    if (floor_move(floor_socket(), index, target, argv[3]) < 0) { perror("move in"); return 1; }   // ADD
    if (setns(target, CLONE_NEWNET) < 0) { perror("setns"); return 1; }
    if (floor_move(floor_socket(), index, host, argv[1]) < 0) { perror("move out"); return 1; }    // DEL
    return 0;
}
