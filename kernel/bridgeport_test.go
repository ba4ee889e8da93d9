package kernel_test

import (
	"context"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The STP state of a bridge port is read: forwarding for a port whose
// bridge is up without STP, disabled for a port whose bridge is down.
func TestBridgePortState(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	updates := linkUpdates(t)
	sh(t, `ip link add br0 type bridge
ip link add p0 type veth peer name q0
ip link add p1 type veth peer name q1
ip link set p0 master br0; ip link set p1 master br0
ip link set br0 up; ip link set p0 up; ip link set q0 up`)
	k := open(t)
	state := func() map[string]string {
		links, err := k.Links(context.Background(), "")
		require.NoError(t, err)
		m := map[string]string{}
		for _, l := range links {
			m[l.Name] = l.BridgePortState
		}
		return m
	}
	// The bridge enables a port when linkwatch reports its carrier, a
	// moment after `ip link set up` returns, and announces the new state.
	m := awaitState(t, updates, state, "p0", "forwarding")
	require.Equal(t, "disabled", m["p1"], "p1 is down")
	require.Equal(t, "", m["q0"], "not a port")
	sh(t, `ip link set br0 down`)
	awaitState(t, updates, state, "p0", "disabled")
}

// linkUpdates subscribes to the link notifications of the test's
// namespace (the bridge announces port state changes there).
func linkUpdates(t *testing.T) <-chan netlink.LinkUpdate {
	t.Helper()
	ch := make(chan netlink.LinkUpdate, 256)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	require.NoError(t, netlink.LinkSubscribe(ch, done))
	return ch
}

// awaitState reads the port states until link's is want, waiting for the
// kernel's next link notification between reads.
func awaitState(t *testing.T, updates <-chan netlink.LinkUpdate, state func() map[string]string, link, want string) map[string]string {
	t.Helper()
	deadline := time.After(30 * time.Second) // a bound, not the signal
	for {
		m := state()
		if m[link] == want {
			return m
		}
		select {
		case <-updates:
		case <-deadline:
			t.Fatalf("%s never reached state %s (last: %q)", link, want, m[link])
		}
	}
}

// Every per-port option that can keep frames from a port, and the
// bridge's own stp_state and nf_call_iptables, are read.
func TestBridgePortFlags(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip link add br0 type bridge
ip link add p0 type veth peer name q0
ip link add p1 type veth peer name q1
ip link set p0 master br0; ip link set p1 master br0
ip link set br0 up; ip link set p0 up; ip link set p1 up`)
	k := open(t)
	get := func(name string) kernel.Link {
		links, err := k.Links(context.Background(), "")
		require.NoError(t, err)
		for _, l := range links {
			if l.Name == name {
				return l
			}
		}
		t.Fatalf("no link %s", name)
		return kernel.Link{}
	}
	require.Equal(t, kernel.BridgePortFlags{}, get("p0").BridgePort, "defaults confine nothing")
	require.False(t, get("br0").BridgeSTP)
	require.False(t, get("br0").BridgeNFCallIPTables)
	sh(t, `bridge link set dev p0 flood off bcast_flood off mcast_flood off neigh_suppress on isolated on locked on hairpin on
ip link set p0 type bridge_slave proxy_arp on
ip link set br0 type bridge stp_state 1 nf_call_iptables 1`)
	require.Equal(t, kernel.BridgePortFlags{NoFlood: true, NoBcastFlood: true, NoMcastFlood: true, NeighSuppress: true,
		Isolated: true, Locked: true, ProxyARP: true, Hairpin: true}, get("p0").BridgePort)
	require.Equal(t, kernel.BridgePortFlags{}, get("p1").BridgePort)
	require.True(t, get("br0").BridgeSTP)
	require.True(t, get("br0").BridgeNFCallIPTables)
}
