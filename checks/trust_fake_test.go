package checks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
)

// A down lo has no 127.0.0.1/8: bringing it up is the whole fix (the
// kernel adds the address), so netlab must not suggest `addr add`.
func TestLoopbackAddrDownSaysLinkUp(t *testing.T) {
	f := lesson2()
	ns0 := f.NSs["ns0"]
	ns0.Links[0].AdminUp, ns0.Links[0].LowerUp = false, false
	ns0.Addrs = []kernel.Addr{{Link: "veth0", IPNet: cidr("10.0.0.1/24")}}
	c := build(t, "addr", checks.Params{NS: "ns0", Link: "lo", Addr: "127.0.0.1/8"})
	r := c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.Equal(t, "lo-down", r.Mistake, r.Why)
	require.Contains(t, r.Why, "bringing lo up is enough")
	require.Equal(t, "ip -n ns0 link set lo up", r.Fix)
	require.NotContains(t, r.Fix, "addr add")
}
