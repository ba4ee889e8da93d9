package checks

import (
	"context"
	"net"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// NATWhyVariant is a why of lessons bridge and iptables in a form that no
// catalogued mistake reaches, made by the function that makes it, and a
// phrase that shows the variant was taken.
type NATWhyVariant struct {
	Name, Phrase, Mistake string
	Result                *Result
}

// NATWhyVariants (for why_nat_test.go): a drop counted by an nft rule
// outside ip filter/nat, one packet; a MASQUERADE rule for another
// source; a MASQUERADE on a bridge without an address whose counter did
// not move; an nf_rule check (with in_if) against a ruleset of other
// rules.
func NATWhyVariants() []NATWhyVariant {
	ctx := context.Background()
	ip := net.ParseIP
	var out []NATWhyVariant

	nft := kernel.NFRule{Family: "inet", Table: "fw", Chain: "in", Handle: 4, Verdict: "drop", Text: "ip saddr 10.0.1.10 drop", Packets: 1}
	pr := probeDesc{proto: "icmp", src: ip("10.0.1.10"), dst: ip("10.0.1.12")}
	out = append(out, NATWhyVariant{"one packet, nft table", "dropped 1 packet of this probe", "dropped-by-rule",
		afterFailure(ctx, nil, pathInfo{}, pr,
			nfCounts{"ns2": {kernel.RuleKey("inet", "fw", "in", 4): 0}},
			nfSnap{"ns2": kernel.Ruleset{Rules: []kernel.NFRule{nft}}})})

	masq := kernel.NFRule{Family: "ip", Table: "nat", Chain: "POSTROUTING", Verdict: "masquerade", Text: "ip saddr 10.0.1.0/24 masquerade"}
	p := pathInfo{dst: ip("203.0.113.1"), src: ip("10.0.2.10"), routers: []string{kernel.Root},
		outDev: map[string]string{kernel.Root: "wan0"}, holder: place{ns: "internet"}, found: true}
	out = append(out, NATWhyVariant{"masquerade for another source", "does not match the source 10.0.2.10", "masq-wrong-src",
		natMissing(ctx, nil, p, nfSnap{kernel.Root: kernel.Ruleset{Rules: []kernel.NFRule{masq}}})})

	f := kerneltest.BridgeLab()
	root := f.NSs[kernel.Root]
	root.Sysctls["net.bridge.bridge-nf-call-iptables"] = "1"
	root.Ruleset.Rules[0].Text = "ip saddr 10.0.1.0/24 oifname br0 masquerade"
	bp := pathInfo{view: newLabView(ctx, f), bridges: []place{{ns: kernel.Root, link: "br0"}}, holder: place{ns: "ns2"}, found: true}
	out = append(out, NATWhyVariant{"bridge without an address", "to come from the bridge's own address: they arrived", "masquerade-bridged",
		masqueradeBridged(bp, probeDesc{proto: "icmp", src: ip("10.0.1.10"), dst: ip("10.0.1.12")}, nfCounts{}, nfSnap{kernel.Root: root.Ruleset})})

	c := nfRuleCheck{ns: kernel.Root, verdict: "dnat", proto: "tcp", inIf: "wan0", dport: 8080, to: "10.0.1.11:80"}
	root.Ruleset.Rules = append(root.Ruleset.Rules, kernel.NFRule{Family: "ip", Table: "filter", Chain: "FORWARD", Verdict: "accept", Text: "accept"})
	r := c.Run(ctx, Env{K: f})
	out = append(out, NATWhyVariant{"none of several rules", "(tcp, in on wan0, to port 8080, to 10.0.1.11:80): none of its 2 rules is one", "rule-missing", &r})
	return out
}
