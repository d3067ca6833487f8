// The two-process plugin floor's ADD: one process, as a CNI runtime starts one per command, that finds the
// device in the host and moves it into the container under its new name with IFF_UP, and nothing else.
// plugin-floor-del.c is its DEL; plugin-floor.c makes both moves in one process.
// Usage: plugin-floor-add DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "plugin-move.h"
// net/if.h clashes with linux/if.h; this is all we need from it.
unsigned int if_nametoindex(const char *name);

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s DEVICE NETNS CONTAINER-NAME\n", argv[0]); return 2; }
    int target = open(argv[2], O_RDONLY | O_CLOEXEC);
    int index = if_nametoindex(argv[1]);
    if (target < 0 || index == 0) { perror("plugin-floor-add"); return 1; }
    if (floor_move(floor_socket(), index, target, argv[3]) < 0) { perror("move in"); return 1; }
    return 0;
}
