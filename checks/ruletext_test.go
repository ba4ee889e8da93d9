package checks

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
)

// A rule is printed, and deleted, in one syntax: the learner's.
func TestShowRuleOneSyntax(t *testing.T) {
	cases := []struct {
		name      string
		r         kernel.NFRule
		ns        string
		show, del string
	}{
		{
			name: "iptables-nft filter rule",
			r:    kernel.NFRule{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 2, Text: "l4proto icmp ip saddr 10.0.1.10 drop", Verdict: "drop"},
			ns:   "ns2",
			show: "iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP",
			del:  "ip netns exec ns2 iptables -D INPUT -p icmp -s 10.0.1.10 -j DROP",
		},
		{
			name: "iptables-nft MASQUERADE annotated by iptables-save",
			r: kernel.NFRule{Family: "ip", Table: "nat", Chain: "POSTROUTING", Handle: 4,
				Text: "oifname br0 ip saddr 10.0.1.0/24 xt target MASQUERADE -A POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE", Verdict: "masquerade"},
			show: "iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE",
			del:  "iptables -t nat -D POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE",
		},
		{
			name: "iptables-nft MASQUERADE without iptables-save",
			r:    kernel.NFRule{Family: "ip", Table: "nat", Chain: "POSTROUTING", Handle: 4, Text: "oifname br0 ip saddr 10.0.1.0/24 xt target MASQUERADE", Verdict: "masquerade"},
			show: "iptables -t nat -A POSTROUTING -o br0 -s 10.0.1.0/24 -j MASQUERADE",
			del:  "iptables -t nat -D POSTROUTING -o br0 -s 10.0.1.0/24 -j MASQUERADE",
		},
		{
			name: "negated source and a DNAT",
			r:    kernel.NFRule{Family: "ip", Table: "nat", Chain: "PREROUTING", Handle: 3, Text: "iifname wan0 ip saddr != 10.0.0.0/8 tcp dport 8080 dnat to 10.0.1.11:80", Verdict: "dnat"},
			show: "iptables -t nat -A PREROUTING -i wan0 ! -s 10.0.0.0/8 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80",
			del:  "iptables -t nat -D PREROUTING -i wan0 ! -s 10.0.0.0/8 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80",
		},
		{
			name: "nft rule in a table of its own",
			r:    kernel.NFRule{Family: "inet", Table: "guard", Chain: "in", Handle: 3, Text: "ip saddr 10.0.1.10 icmp type echo-request drop", Verdict: "drop"},
			ns:   "ns2",
			show: "ip saddr 10.0.1.10 icmp type echo-request drop",
			del:  "ip netns exec ns2 nft delete rule inet guard in handle 3",
		},
		{
			name: "iptables-legacy rule",
			r:    kernel.NFRule{Family: "ip", Table: "filter", Chain: "INPUT", Text: "-A INPUT -s 10.0.1.10/32 -p icmp -j DROP", Verdict: "drop"},
			show: "iptables -A INPUT -s 10.0.1.10/32 -p icmp -j DROP",
			del:  "iptables -D INPUT -s 10.0.1.10/32 -p icmp -j DROP",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.show, showRule(tc.r))
			require.Equal(t, tc.del, deleteRule(tc.ns, tc.r))
			require.NotContains(t, showRule(tc.r), "xt target")
		})
	}
	require.Equal(t, "1 rule", plural(1, "rule"))
	require.Equal(t, "0 rules", plural(0, "rule"))
}
