// The floor for `make bench`: the same kernel requests as `linkcaps probe` (link-kind choice, then the
// thirteen experiments in the probe's order, each in two fresh anonymous namespaces with a request and an
// event socket in each), in plain C over libmnl with no evidence, no report and no checks beyond what is
// needed to proceed. Experiment numbers below are the positions in Prober.experiments.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buf[32768];
static unsigned seq = 1;

struct lab { int ns[2]; struct mnl_socket *req[2], *ev[2]; };

static struct mnl_socket *open_in(int nsfd, int home, int events) {
    if (setns(nsfd, CLONE_NEWNET) < 0) { perror("setns"); exit(1); }
    struct mnl_socket *s = mnl_socket_open(NETLINK_ROUTE);
    mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID);
    if (events) { unsigned g = RTNLGRP_LINK; mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &g, sizeof g); }
    if (setns(home, CLONE_NEWNET) < 0) { perror("setns back"); exit(1); }
    return s;
}

static int scratch(int home) {
    if (unshare(CLONE_NEWNET) < 0) { perror("unshare"); exit(1); }
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    setns(home, CLONE_NEWNET);
    return fd;
}

static struct nlmsghdr *start(int type, int flags, int index, unsigned ifflags, unsigned change) {
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    nlh->nlmsg_seq = ++seq;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_index = index; ifm->ifi_flags = ifflags; ifm->ifi_change = change;
    return nlh;
}

static int index_of;
static int link_cb(const struct nlmsghdr *nlh, void *data) {
    (void)data;
    if (nlh->nlmsg_type == RTM_NEWLINK) index_of = ((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index;
    return MNL_CB_OK;
}

// Send and read to the ACK / DONE; returns the errno (0 on success).
static int talk(struct mnl_socket *s, struct nlmsghdr *nlh) {
    unsigned my = nlh->nlmsg_seq, port = mnl_socket_get_portid(s);
    mnl_socket_sendto(s, nlh, nlh->nlmsg_len);
    for (;;) {
        int n = mnl_socket_recvfrom(s, buf, sizeof buf);
        int rc = mnl_cb_run(buf, n, my, port, link_cb, NULL);
        if (rc == MNL_CB_STOP) return 0;
        if (rc < 0) return errno;
    }
}

static void drain(struct mnl_socket *s) {
    struct pollfd p = { .fd = mnl_socket_get_fd(s), .events = POLLIN };
    while (poll(&p, 1, 0) > 0) mnl_socket_recvfrom(s, buf, sizeof buf);
}

static int create(struct mnl_socket *s, const char *name, const char *kind, int up) {
    struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 0, up ? IFF_UP : 0, up ? IFF_UP : 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
    if (!strcmp(kind, "veth")) {
        char peer[16]; snprintf(peer, sizeof peer, "%sp", name);
        struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
        mnl_attr_nest_end(nlh, p);
        mnl_attr_nest_end(nlh, data);
    }
    mnl_attr_nest_end(nlh, info);
    return talk(s, nlh);
}

static int get_by_name(struct mnl_socket *s, const char *name) {
    struct nlmsghdr *nlh = start(RTM_GETLINK, NLM_F_ACK, 0, 0, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    index_of = 0; talk(s, nlh); return index_of;
}
// RTM_GETLINK by IFLA_ALT_IFNAME, as the altname experiments' lookups (ENODEV when it does not resolve).
static int get_by_altname(struct mnl_socket *s, const char *alt) {
    struct nlmsghdr *nlh = start(RTM_GETLINK, NLM_F_ACK, 0, 0, 0);
    mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, alt);
    index_of = 0; return talk(s, nlh) ? 0 : index_of;
}
static void del_link(struct mnl_socket *s, int index) { talk(s, start(RTM_DELLINK, NLM_F_ACK, index, 0, 0)); }
static void get_by_index(struct mnl_socket *s, int index) { talk(s, start(RTM_GETLINK, NLM_F_ACK, index, 0, 0)); }
static void dump(struct mnl_socket *s) { talk(s, start(RTM_GETLINK, NLM_F_DUMP, 0, 0, 0)); }

static void altname(struct mnl_socket *s, int index, const char *alt) {
    struct nlmsghdr *nlh = start(RTM_NEWLINKPROP, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND, index, 0, 0);
    struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
    mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, alt);
    mnl_attr_nest_end(nlh, list);
    talk(s, nlh);
}

static void lab_open(struct lab *l, int home) {
    l->ns[0] = scratch(home); l->ns[1] = scratch(home);
    for (int i = 0; i < 2; i++) { l->req[i] = open_in(l->ns[i], home, 0); l->ev[i] = open_in(l->ns[i], home, 1); }
}
static void lab_close(struct lab *l) {
    for (int i = 0; i < 2; i++) { mnl_socket_close(l->req[i]); mnl_socket_close(l->ev[i]); close(l->ns[i]); }
}

// The act shared by most experiments: move + rename, events drained, both sides looked up. Returns the
// ifindex the target's dump last showed (the arrived link, as the probe finds it).
static int move(struct lab *l, int index, int up, int newindex, int mtu_mac) {
    static const unsigned char mac[6] = { 0x02, 0x6c, 0x63, 0x70, 0x00, 0x01 };   // ProbeNames.mac
    dump(l->req[1]);
    drain(l->ev[0]); drain(l->ev[1]);
    struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK, index, up ? IFF_UP : 0, up ? IFF_UP : 0);
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, l->ns[1]);
    if (newindex) mnl_attr_put_u32(nlh, IFLA_NEW_IFINDEX, newindex);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "lcf0");
    if (mtu_mac) { mnl_attr_put_u32(nlh, IFLA_MTU, 1400); mnl_attr_put(nlh, IFLA_ADDRESS, sizeof mac, mac); }
    int refused = talk(l->req[0], nlh);
    drain(l->ev[0]); drain(l->ev[1]);
    dump(l->req[1]);
    get_by_index(l->req[0], index);
    return refused ? 0 : index;
}

int main(void) {
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const char *kind = "veth";
    { // link-kind choice: dummy first, as the probe does
        int ns = scratch(home);
        struct mnl_socket *s = open_in(ns, home, 0);
        if (create(s, "lck0", "dummy", 0) == 0) kind = "dummy";
        else create(s, "lck1", "veth", 0);
        mnl_socket_close(s); close(ns);
    }
    int timing = getenv("FLOOR_TIMING") != NULL;
    for (int e = 0; e < 13; e++) {
        struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
        struct lab l; lab_open(&l, home);
        int idx, bystander = 0;
        switch (e) {
        case 3: case 10: create(l.req[1], "lcp0", kind, 0); get_by_name(l.req[1], "lcp0"); break;
        case 4: create(l.req[1], "lcf0", kind, 0); get_by_name(l.req[1], "lcf0"); break;
        case 8: create(l.req[1], "lcq0", kind, 0); bystander = get_by_name(l.req[1], "lcq0");
                altname(l.req[1], bystander, "lc-probe-altname0"); break;
        }
        if (e == 11) { // move.netnsImmutableReported: read lo, try to move it (EINVAL), look for it again
            int lo = get_by_name(l.req[0], "lo");
            struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK, lo, 0, 0);
            mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, l.ns[1]);
            talk(l.req[0], nlh);
            get_by_index(l.req[0], lo);
            lab_close(&l);
            goto timed;
        }
        create(l.req[0], "lcp0", kind, 1);
        idx = get_by_name(l.req[0], "lcp0");
        if (e == 7 || e == 8) altname(l.req[0], idx, "lc-probe-altname0");
        if (e == 6) { // rename in place while UP
            drain(l.ev[0]); drain(l.ev[1]);
            struct nlmsghdr *nlh = start(RTM_NEWLINK, NLM_F_ACK, idx, 0, 0);
            mnl_attr_put_strz(nlh, IFLA_IFNAME, "lcf0");
            talk(l.req[0], nlh);
            drain(l.ev[0]); get_by_index(l.req[0], idx);
        } else {
            int moved = move(&l, idx, e == 5, e == 9 ? 4242 : 0, e == 12);
            if (e == 7) { // the altname's lookups in both namespaces, then giving it to a new link in the source
                int behind = get_by_altname(l.req[0], "lc-probe-altname0");
                get_by_altname(l.req[1], "lc-probe-altname0");
                create(l.req[0], "lcq0", kind, 0);
                altname(l.req[0], get_by_name(l.req[0], "lcq0"), "lc-probe-altname0");
                if (behind && moved) del_link(l.req[1], moved);
            }
            if (e == 8) { // the move is refused (EEXIST) here; lookups on both sides either way
                get_by_altname(l.req[0], "lc-probe-altname0");
                get_by_altname(l.req[1], "lc-probe-altname0");
                if (moved) del_link(l.req[1], moved);
            }
        }
        lab_close(&l);
    timed:
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (timing) fprintf(stderr, "%d %.1f\n", e, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    return 0;
}
