package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// Legacy rules are still read when a namespace has legacy tables, and
// only from that namespace (the skip must not hide them).
func TestRulesetReadsLegacyOnlyWhereItExists(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, "ip netns add lg0 && ip netns add lg1")
	k := open(t)
	ctx := context.Background()
	for _, ns := range []string{kernel.Root, "lg0", "lg1"} {
		rs, err := k.Ruleset(ctx, ns)
		require.NoError(t, err)
		require.Empty(t, rs.Legacy, ns)
	}
	sh(t, "ip netns exec lg0 iptables-legacy -A INPUT -s 192.0.2.7 -j DROP")
	rs, err := k.Ruleset(ctx, "lg0")
	require.NoError(t, err)
	require.Len(t, rs.Legacy, 1)
	require.Contains(t, rs.Legacy[0].Text, "192.0.2.7")
	for _, ns := range []string{kernel.Root, "lg1"} {
		rs, err := k.Ruleset(ctx, ns)
		require.NoError(t, err)
		require.Empty(t, rs.Legacy, ns)
	}
}
