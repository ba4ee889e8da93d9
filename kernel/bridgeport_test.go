package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The STP state of a bridge port is read: forwarding for a port whose
// bridge is up without STP, disabled for a port whose bridge is down.
func TestBridgePortState(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
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
	m := state()
	require.Equal(t, "forwarding", m["p0"])
	require.Equal(t, "disabled", m["p1"], "p1 is down")
	require.Equal(t, "", m["q0"], "not a port")
	sh(t, `ip link set br0 down`)
	require.Equal(t, "disabled", state()["p0"])
}
