// The two-process plugin floor's ADD: one process, as a CNI runtime starts one per command, that finds the
// device in the host and moves it into the container under its new name with IFF_UP, and nothing else.
// plugin-floor-del.c is its DEL; plugin-floor.c makes both moves in one process.
// Usage: plugin-floor-add DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include "plugin-move.h"

int main(int argc, char **argv) {
    int target = floor_arguments(argc, argv);
    int index = if_nametoindex(argv[1]);
    if (index == 0) { perror("plugin-floor-add"); return 1; }
    if (floor_move(floor_socket(), index, target, argv[3]) < 0) { perror("move in"); return 1; }
    return 0;
}
