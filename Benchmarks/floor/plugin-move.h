// What the plugin floors share: their arguments, and the one kernel request of an ADD or a DEL, RTM_NEWLINK
// moving a device into another namespace under a new name with IFF_UP, acknowledged. Plain netlink, no
// libmnl: Debian ships libmnl without a static archive, and the floors are linked statically, so that
// their start-up is the least a process can have.
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

// net/if.h clashes with linux/if.h; this is all we need from it.
unsigned int if_nametoindex(const char *name);

// All three floors take the same arguments; returns the container's namespace, opened.
static int floor_arguments(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s DEVICE NETNS CONTAINER-NAME\n", argv[0]); exit(2); }
    int target = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (target < 0) { perror(argv[2]); exit(1); }
    return target;
}

static int floor_socket(void) {
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static void floor_attr(struct nlmsghdr *nlh, unsigned short type, const void *data, size_t length) {
    struct rtattr *attr = (struct rtattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));
    attr->rta_type = type;
    attr->rta_len = RTA_LENGTH(length);
    memcpy(RTA_DATA(attr), data, length);
    nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(attr->rta_len);
}

// Returns 0, or -1 with errno set (from the kernel's acknowledgement where it refused).
static int floor_move(int sock, int index, int nsfd, const char *name) {
    static char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
    size_t length = strlen(name) + 1;
    if (length > IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    memset(buf, 0, NLMSG_SPACE(sizeof(struct ifinfomsg)));
    struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
    nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = 1;
    struct ifinfomsg *ifm = NLMSG_DATA(nlh);
    ifm->ifi_index = index;
    ifm->ifi_flags = ifm->ifi_change = IFF_UP;
    __u32 fd = (__u32)nsfd;
    floor_attr(nlh, IFLA_NET_NS_FD, &fd, sizeof fd);
    floor_attr(nlh, IFLA_IFNAME, name, length);
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    if (sendto(sock, buf, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    if (n < 0) return -1;
    if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || nlh->nlmsg_type != NLMSG_ERROR) { errno = EPROTO; return -1; }
    int error = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
    if (error != 0) { errno = -error; return -1; }
    return 0;
}
