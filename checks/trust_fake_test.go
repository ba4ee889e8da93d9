package checks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// A down lo has no 127.0.0.1/8: bringing it up is the whole fix (the
// kernel adds the address), so netlab must not suggest `addr add`.
func TestLoopbackAddrDownSaysLinkUp(t *testing.T) {
	f := kerneltest.Fixtures()["veth-pair"]()
	ns0 := f.NSs["ns0"]
	ns0.Links[0].AdminUp, ns0.Links[0].LowerUp = false, false
	var keep []kernel.Addr
	for _, a := range ns0.Addrs {
		if a.Link != "lo" {
			keep = append(keep, a)
		}
	}
	ns0.Addrs = keep
	c := build(t, "kind: addr\nns: ns0\nlink: lo\naddr: 127.0.0.1/8\n")
	r := c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.Equal(t, "lo-down", r.Mistake, r.Why)
	require.Contains(t, r.Why, "bringing lo up is enough")
	require.Equal(t, "ip -n ns0 link set lo up", r.Fix)
}

// The why of a missing rule neither contradicts itself ("no DROP rule
// ...: ns1 has a DROP rule") nor says "1 rules", and a near miss is shown
// in the learner's syntax.
func TestNFRuleWhyGrammar(t *testing.T) {
	c := build(t, "kind: nf_rule\nns: ns1\nverdict: drop\nproto: icmp\nsrc: 10.0.0.1\n")
	f := kerneltest.Fixtures()["veth-pair"]()
	f.NSs["ns1"].Ruleset = kernel.Ruleset{}
	r := c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, "rule-missing", r.Mistake)
	require.Equal(t, "ns1 has no DROP rule (icmp, from 10.0.0.1): its ruleset is empty", r.Why)

	f.NSs["ns1"].Ruleset.Rules = []kernel.NFRule{{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 2, Text: "ip saddr 10.0.0.9 accept", Verdict: "accept"}}
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, "ns1 has no DROP rule (icmp, from 10.0.0.1): its only rule is another", r.Why)

	f.NSs["ns1"].Ruleset.Rules = []kernel.NFRule{{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 2, Text: "l4proto icmp ip saddr 10.0.0.9 drop", Verdict: "drop"}}
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, "rule-mismatch", r.Mistake)
	require.Contains(t, r.Why, "`iptables -A INPUT -p icmp -s 10.0.0.9 -j DROP`")
	require.NotContains(t, r.Why, "has a DROP rule (")
}
