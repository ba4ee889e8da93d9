package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The links netlab parses from the dump itself are the ones the netlink
// library reads: every kind the lessons and their mistakes make.
func TestDumpLinksMatchTheLibrary(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip link add br0 type bridge
ip link add br1 type bridge ageing_time 0
ip link set br0 up
ip netns add ns0
ip link add vb0 type veth peer name eth0 netns ns0
ip link set vb0 master br0
ip link set vb0 up
ip link add vb1 type veth peer name vc1
ip link set vb1 master br0
bridge link set dev vb1 learning off flood off isolated on
ip link set vb1 up
ip -n ns0 link set eth0 up
ip -n ns0 link set lo up
ip link add va type veth peer name vb
ip link set va arp off
ip link set va mtu 1400
# A tap needs /dev/net/tun, which an unprivileged user may not open
# (the suite also runs as one, see sandbox's TestAsAnUnprivilegedUser).
if [ -r /dev/net/tun ] && [ -w /dev/net/tun ]; then ip tuntap add tap0 mode tap; fi
ip link add mv0 link va type macvlan mode bridge
ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1`)
	k := open(t)
	ctx := context.Background()
	for _, ns := range []string{kernel.Root, "ns0"} {
		lib, err := k.LibLinks(ctx, ns)
		require.NoError(t, err)
		got, err := k.DumpLinks(ctx, ns)
		require.NoError(t, err)
		require.Equal(t, lib, got, ns)
	}
}

// Right after the far end of a veth goes down, Links already reports the
// near end without carrier and not operationally up: the pending link
// watch change is applied before it is read.
func TestLinksApplyPendingCarrierChange(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	k := open(t)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		sh(t, `ip link add va type veth peer name vb
ip link set va up
ip link set vb up
ip link set vb down`)
		links, err := k.Links(ctx, kernel.Root)
		require.NoError(t, err)
		for _, l := range links {
			if l.Name == "va" {
				require.False(t, l.LowerUp)
				require.False(t, l.OperUp(), "va: %+v", l)
			}
		}
		sh(t, `ip link del va`)
	}
}

// A bridge's own options come with its link (no second dump for them).
func TestLinksReadBridgeOptions(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip link add br0 type bridge stp_state 1 nf_call_iptables 1
ip link add br1 type bridge`)
	k := open(t)
	links, err := k.Links(context.Background(), kernel.Root)
	require.NoError(t, err)
	got := map[string][2]bool{}
	for _, l := range links {
		got[l.Name] = [2]bool{l.BridgeSTP, l.BridgeNFCallIPTables}
	}
	require.Equal(t, [2]bool{true, true}, got["br0"])
	require.Equal(t, [2]bool{false, false}, got["br1"])
}
