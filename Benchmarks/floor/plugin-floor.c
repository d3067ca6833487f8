// The floor for the plugin benchmark: what any host-device plugin must ask of the kernel for one ADD and
// one DEL — one move into the container (with rename and IFF_UP) and one move back under the original
// name, also with IFF_UP, so that the device ends UP on the host as linkcaps-host-device leaves it — and
// nothing else: no config, no state, no checks, one process for both.
// Usage: plugin-floor DEVICE NETNS-PATH CONTAINER-NAME
#define _GNU_SOURCE
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
// net/if.h clashes with linux/if.h; this is all we need from it.
unsigned int if_nametoindex(const char *name);
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char buf[8192];

static int move(struct mnl_socket *s, int index, int nsfd, const char *name) {
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = 1;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_index = index;
    ifm->ifi_flags = ifm->ifi_change = IFF_UP;
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, nsfd);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_socket_sendto(s, nlh, nlh->nlmsg_len);
    int n = mnl_socket_recvfrom(s, buf, sizeof buf);
    return mnl_cb_run(buf, n, 1, mnl_socket_get_portid(s), NULL, NULL) < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s DEVICE NETNS CONTAINER-NAME\n", argv[0]); return 2; }
    int host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(argv[2], O_RDONLY | O_CLOEXEC);
    int index = if_nametoindex(argv[1]);
    struct mnl_socket *hs = mnl_socket_open(NETLINK_ROUTE);
    mnl_socket_bind(hs, 0, MNL_SOCKET_AUTOPID);
    if (move(hs, index, target, argv[3]) < 0) { perror("move in"); return 1; }      // ADD
    setns(target, CLONE_NEWNET);
    struct mnl_socket *ts = mnl_socket_open(NETLINK_ROUTE);
    mnl_socket_bind(ts, 0, MNL_SOCKET_AUTOPID);
    if (move(ts, index, host, argv[1]) < 0) { perror("move out"); return 1; }       // DEL
    return 0;
}
