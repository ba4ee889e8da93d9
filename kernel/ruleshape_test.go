package kernel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
)

// Captured from iptables-nft 1.8.9 / nft 1.0.6 with lesson 4's two nat
// rules and two foreign filter rules.
const capturedJSON = `{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 3, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "wan0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.1.0", "len": 24}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "MASQUERADE"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 4, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wan0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}, {"table": {"family": "ip", "name": "filter", "handle": 2}}, {"chain": {"family": "ip", "table": "filter", "name": "INPUT", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 3, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}, {"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.1.77"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, {"rule": {"family": "ip", "table": "filter", "chain": "FORWARD", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}]}`

const capturedSave = `*filter
:INPUT ACCEPT [0:0]
-A INPUT -s 10.0.1.77/32 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -s 10.0.0.0/8 -j ACCEPT
COMMIT
*nat
-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80
-A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE
COMMIT
`

func TestParseNFTShapes(t *testing.T) {
	tables, rules, err := kernel.ParseNFTShapes([]byte(capturedJSON), []byte(capturedSave))
	require.NoError(t, err)
	require.Len(t, tables, 2)
	require.Equal(t, kernel.NFTable{Family: "ip", Name: "nat", Handle: 1, Chains: 2, Rules: 2}, tables[0])
	require.Len(t, rules, 4)
	masq, dnat, ssh, fwd := rules[0], rules[1], rules[2], rules[3]
	require.Equal(t, "postrouting", masq.Hook)
	require.Equal(t, "masquerade", masq.Verdict)
	require.Equal(t, "10.0.1.0/24", masq.Saddr)
	require.Equal(t, "wan0", masq.Oif)
	require.Empty(t, masq.Unknown)
	require.Equal(t, 2, masq.Handle)
	require.Equal(t, "dnat", dnat.Verdict)
	require.Equal(t, "10.0.1.11:80", dnat.To, "the xt target's argument comes from iptables-nft-save")
	require.Equal(t, "tcp", dnat.Proto)
	require.Equal(t, "8080", dnat.Dport)
	require.Equal(t, "10.0.1.77/32", ssh.Saddr)
	require.Equal(t, "22", ssh.Dport)
	require.Equal(t, "input", ssh.Hook)
	require.Equal(t, "10.0.0.0/8", fwd.Saddr)
	require.Equal(t, "accept", fwd.Verdict)

	// Without the save output, the xt rules keep an unknown part: they
	// can be nobody's lesson rule.
	_, rules, err = kernel.ParseNFTShapes([]byte(capturedJSON), nil)
	require.NoError(t, err)
	require.NotEmpty(t, rules[1].Unknown)
}

func TestParseIptablesRuleQuoting(t *testing.T) {
	r, err := kernel.ParseIptablesRule("nat", `[3:180] -A POSTROUTING -s 10.0.1.0/24 -o wan0 -m comment --comment "lesson four: nat it" -j MASQUERADE`)
	require.NoError(t, err)
	require.Equal(t, []string{"-s", "10.0.1.0/24", "-o", "wan0", "-m", "comment", "--comment", "lesson four: nat it", "-j", "MASQUERADE"}, r.Args)
	require.Equal(t, "masquerade", r.Verdict)
	require.Empty(t, r.Unknown)
	r, err = kernel.ParseIptablesRule("filter", `-A INPUT -i br0 -m state ! --state NEW -j DROP`)
	require.NoError(t, err)
	require.NotEmpty(t, r.Unknown, "a match netlab does not know makes the rule nobody's")
	_, err = kernel.ParseIptablesRule("filter", `-A INPUT -m comment --comment "unterminated`)
	require.Error(t, err)
}
