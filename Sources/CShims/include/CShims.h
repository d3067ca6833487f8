// The little C that Swift cannot import directly: function-like macros (netlink alignment, attribute
// iteration), prototypes hidden behind _GNU_SOURCE (unshare, setns), and variadic ioctl calls.
#ifndef LINKCAPS_CSHIMS_H
#define LINKCAPS_CSHIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <linux/if_addr.h>

// Namespaces (sched.h declares these only under _GNU_SOURCE).
int lc_unshare_netns(void);
int lc_setns_net(int fd);
extern const int lc_clone_newnet;
// The namespace type of an nsfs fd (NS_GET_NSTYPE), or -1 with errno.
int lc_ns_type(int fd);

// Netlink sizes and alignment (macros in the kernel and libmnl headers).
static inline size_t lc_nlmsg_align(size_t len) { return NLMSG_ALIGN(len); }
static inline size_t lc_socket_buffer_size(void) { return MNL_SOCKET_BUFFER_SIZE; }
// MNL_SOCKET_DUMP_SIZE is absent from libmnl 1.0.4; dumps of many links need more than a page.
static inline size_t lc_socket_dump_size(void) { return 32768; }

// mnl_nlmsg_ok compares (int)nlmsg_len with the bytes left: a length of 2 GiB or more turns negative, passes,
// and the walk jumps out of the datagram. The same test, unsigned; every message walk uses this one.
static inline bool lc_nlmsg_ok(const struct nlmsghdr *nlh, int len) {
    return len >= (int)sizeof(struct nlmsghdr) && nlh->nlmsg_len >= sizeof(struct nlmsghdr)
        && nlh->nlmsg_len <= (unsigned int)len;
}

// Attribute iteration: mnl_attr_for_each / mnl_attr_for_each_nested as first/valid/next triples.
static inline struct nlattr *lc_attr_first(const struct nlmsghdr *nlh, size_t offset) {
    return (struct nlattr *)mnl_nlmsg_get_payload_offset(nlh, offset);
}
static inline bool lc_attr_valid(const struct nlattr *attr, const struct nlmsghdr *nlh) {
    const char *tail = (const char *)mnl_nlmsg_get_payload_tail(nlh);
    return mnl_attr_ok(attr, (int)(tail - (const char *)attr));
}
static inline struct nlattr *lc_nested_first(const struct nlattr *nest) {
    return (struct nlattr *)mnl_attr_get_payload(nest);
}
static inline bool lc_nested_valid(const struct nlattr *attr, const struct nlattr *nest) {
    const char *tail = (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest);
    return mnl_attr_ok(attr, (int)(tail - (const char *)attr));
}
static inline uint16_t lc_attr_type(const struct nlattr *attr) { return mnl_attr_get_type(attr); }

// ethtool: the driver behind an interface (SIOCETHTOOL / ETHTOOL_GDRVINFO).
struct lc_drvinfo {
    char driver[32];
    char version[32];
    char fw_version[32];
    char bus_info[32];
};
int lc_ethtool_drvinfo(int fd, const char *ifname, struct lc_drvinfo *out);

// The calling thread's id (gettid is hidden behind _GNU_SOURCE): tests read /proc/self/task/<tid>.
int lc_gettid(void);

#endif
