package kernel_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// FDB lists the bridge's own entries, the MAC it learned among them, and
// nothing of the namespace's other links (asked for by bridge, not dumped
// for every link and filtered).
func TestFDBOfOneBridgeAmongManyLinks(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	var b strings.Builder
	b.WriteString(`ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.9.1/24 dev br0
ip netns add ns0
ip link add vb0 type veth peer name eth0 netns ns0
ip link set vb0 master br0
ip link set vb0 up
ip -n ns0 link set eth0 up
ip -n ns0 addr add 10.0.9.10/24 dev eth0
`)
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "ip link add xa%d type veth peer name xb%d\nip link set xa%d up\nip link set xb%d up\n", i, i, i, i)
	}
	b.WriteString("ip netns exec ns0 ping -c 3 -i 0.2 -W 1 10.0.9.1\n")
	sh(t, b.String())
	k := open(t)
	ctx := context.Background()
	links, err := k.Links(ctx, kernel.Root)
	require.NoError(t, err)
	idx := map[string]int{}
	for _, l := range links {
		idx[l.Name] = l.Index
	}
	nsLinks, err := k.Links(ctx, "ns0")
	require.NoError(t, err)
	var mac string
	for _, l := range nsLinks {
		if l.Name == "eth0" {
			mac = l.MAC.String()
		}
	}
	require.NotEmpty(t, mac)
	fdb, err := k.FDB(ctx, kernel.Root, "br0")
	require.NoError(t, err)
	learned := false
	for _, e := range fdb {
		require.Contains(t, []int{idx["br0"], idx["vb0"]}, e.PortIndex, "entry %s on another link", e.MAC)
		if e.MAC.String() == mac && e.PortIndex == idx["vb0"] && !e.Local {
			learned = true
		}
	}
	require.True(t, learned, "br0 learned eth0's MAC behind vb0: %+v", fdb)

	// The entries are the caller's: the receive buffer they were read
	// from serves the next read.
	seen := fmt.Sprint(fdb)
	_, err = k.Links(ctx, kernel.Root)
	require.NoError(t, err)
	require.Equal(t, seen, fmt.Sprint(fdb), "a later read changed the entries")
}
