// A container runtime in miniature: drives a CNI network configuration list through libcni, the library
// real runtimes (containerd, CRI-O, Podman) use, so that the plugin is tested the way it is called.
// Built by the HostDevice tests with Debian's Go against Debian's libcni sources (golang-github-appc-cni-dev).
//
//	libcni-driver add|check|del CONFLIST PLUGIN-DIR CACHE-DIR CONTAINER-ID NETNS IFNAME
//
// add prints the result JSON; every error goes to stderr with exit status 1.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) != 8 {
		fmt.Fprintln(os.Stderr, "usage: libcni-driver add|check|del CONFLIST PLUGIN-DIR CACHE-DIR CONTAINER-ID NETNS IFNAME")
		os.Exit(2)
	}
	command, conflist, pluginDir, cacheDir := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	list, err := libcni.ConfListFromFile(conflist)
	if err != nil {
		fail(err)
	}
	cni := libcni.NewCNIConfigWithCacheDir([]string{pluginDir}, cacheDir, nil)
	rt := &libcni.RuntimeConf{ContainerID: os.Args[5], NetNS: os.Args[6], IfName: os.Args[7]}
	ctx := context.Background()
	switch command {
	case "add":
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			fail(err)
		}
		if err := result.Print(); err != nil {
			fail(err)
		}
	case "check":
		err = cni.CheckNetworkList(ctx, list, rt)
	case "del":
		err = cni.DelNetworkList(ctx, list, rt)
	default:
		err = fmt.Errorf("unknown command %q", command)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
