package kernel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// NFCounters reads the same rules as Ruleset, under the same keys, and
// sees a counter move when packets match.
func TestNFCountersFollowRuleset(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh(t, `ip netns add ns0
ip -n ns0 link set lo up
ip netns exec ns0 iptables -A OUTPUT -p icmp -j ACCEPT
ip netns exec ns0 nft add table inet mine
ip netns exec ns0 nft add chain inet mine out '{ type filter hook output priority 0; policy accept; }'
ip netns exec ns0 nft add rule inet mine out udp dport 9 counter accept`)
	k := open(t)
	ctx := context.Background()
	before, err := k.NFCounters(ctx, "ns0")
	require.NoError(t, err)
	rs, err := k.Ruleset(ctx, "ns0")
	require.NoError(t, err)
	require.Len(t, before, len(rs.Rules))
	var icmp string
	for _, r := range rs.Rules {
		key := kernel.RuleKey(r.Family, r.Table, r.Chain, r.Handle)
		require.Contains(t, before, key)
		if r.Chain == "OUTPUT" {
			icmp = key
		}
	}
	require.NotEmpty(t, icmp)
	require.Zero(t, before[icmp])
	sh(t, `ip netns exec ns0 ping -c 2 -W 1 127.0.0.1`)
	after, err := k.NFCounters(ctx, "ns0")
	require.NoError(t, err)
	require.GreaterOrEqual(t, after[icmp], uint64(2), "the iptables rule counted the echo requests")
	root, err := k.NFCounters(ctx, kernel.Root)
	require.NoError(t, err)
	require.Empty(t, root, "ns0's rules are not the root namespace's")
}
