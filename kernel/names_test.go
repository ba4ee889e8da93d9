package kernel_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// Addresses, routes and route lookups name their links whether the links
// are few (asked for by index) or many (one dump), among many other links.
func TestAddrsAndRoutesNameTheirLinks(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	var b strings.Builder
	b.WriteString("ip netns add ns0\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "ip -n ns0 link add a%d type veth peer name b%d\n", i, i)
	}
	sh(t, b.String())
	ctx := context.Background()
	k := open(t)
	for _, n := range []int{2, 30} { // below and above the by-index limit
		var s strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&s, "ip -n ns0 addr replace 10.1.%d.1/24 dev a%d\nip -n ns0 link set a%d up\nip -n ns0 link set b%d up\n", i, i, i, i)
		}
		sh(t, s.String())
		addrs, err := k.Addrs(ctx, "ns0")
		require.NoError(t, err)
		got := map[string]string{}
		for _, a := range addrs {
			got[a.IPNet.IP.String()] = a.Link
		}
		for i := 0; i < n; i++ {
			require.Equal(t, fmt.Sprintf("a%d", i), got[fmt.Sprintf("10.1.%d.1", i)])
		}
		routes, err := k.Routes(ctx, "ns0")
		require.NoError(t, err)
		devs := map[string]string{}
		for _, r := range routes {
			if r.Dst != nil && r.Type == "unicast" {
				devs[r.Dst.String()] = r.Dev
			}
		}
		for i := 0; i < n; i++ {
			require.Equal(t, fmt.Sprintf("a%d", i), devs[fmt.Sprintf("10.1.%d.0/24", i)])
		}
		r, err := k.RouteGet(ctx, "ns0", net.ParseIP(fmt.Sprintf("10.1.%d.7", n-1)))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("a%d", n-1), r.Dev)
	}
}
