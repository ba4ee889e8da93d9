package kernel_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
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

// One dump reads every chain of every table: the keys are exactly the
// ruleset's, and a counter in a chain reached by a jump moves.
func TestNFCountersManyChains(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	var b strings.Builder
	b.WriteString("table ip many {\n")
	for c := 0; c < 60; c++ {
		fmt.Fprintf(&b, "  chain c%d { ip daddr 127.0.0.%d counter accept; }\n", c, c+1)
	}
	b.WriteString("  chain out {\n    type filter hook output priority 0; policy accept;\n")
	for c := 0; c < 60; c++ {
		fmt.Fprintf(&b, "    ip daddr 127.0.0.%d counter jump c%d\n", c+1, c)
	}
	b.WriteString("  }\n}\n")
	cmd := exec.Command("ip", "netns", "exec", "ns0", "nft", "-f", "-")
	sh(t, "ip netns add ns0 && ip -n ns0 link set lo up")
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	k := open(t)
	ctx := context.Background()
	rs, err := k.Ruleset(ctx, "ns0")
	require.NoError(t, err)
	want := map[string]bool{}
	var c7 string
	for _, r := range rs.Rules {
		key := kernel.RuleKey(r.Family, r.Table, r.Chain, r.Handle)
		want[key] = true
		if r.Chain == "c7" {
			c7 = key
		}
	}
	require.Len(t, want, 120)
	got, err := k.NFCounters(ctx, "ns0")
	require.NoError(t, err)
	require.Len(t, got, 120)
	for key := range got {
		require.True(t, want[key], key)
	}
	require.Zero(t, got[c7])
	sh(t, `ip netns exec ns0 ping -c 1 -W 1 127.0.0.8`)
	got, err = k.NFCounters(ctx, "ns0")
	require.NoError(t, err)
	require.GreaterOrEqual(t, got[c7], uint64(1))
}
