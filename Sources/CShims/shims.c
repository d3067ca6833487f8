#define _GNU_SOURCE
#include "CShims.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/nsfs.h>

const int lc_clone_newnet = CLONE_NEWNET;

int lc_unshare_netns(void) { return unshare(CLONE_NEWNET); }

int lc_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }

int lc_ns_type(int fd) { return ioctl(fd, NS_GET_NSTYPE); }

int lc_ethtool_drvinfo(int fd, const char *ifname, struct lc_drvinfo *out) {
    struct ethtool_drvinfo info;
    struct ifreq ifr;
    memset(&info, 0, sizeof info);
    memset(&ifr, 0, sizeof ifr);
    info.cmd = ETHTOOL_GDRVINFO;
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    ifr.ifr_data = (char *)&info;
    if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) return -1;  // EINTR is retried by the Swift caller (SystemCalls)
    memcpy(out->driver, info.driver, sizeof out->driver);
    memcpy(out->version, info.version, sizeof out->version);
    memcpy(out->fw_version, info.fw_version, sizeof out->fw_version);
    memcpy(out->bus_info, info.bus_info, sizeof out->bus_info);
    out->driver[31] = out->version[31] = out->fw_version[31] = out->bus_info[31] = 0;
    return 0;
}

int lc_gettid(void) { return (int)syscall(SYS_gettid); }
