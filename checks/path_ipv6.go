package checks

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/netlab/netlab/kernel"
)

// The IPv6 path of a ping6 (lesson 7): what kernel state proves before the
// probe (no route, an address still tentative or a duplicate, nobody has
// the destination), and what explains a probe without an answer (a rule
// that dropped it; all of ICMPv6 dropped, which kills neighbour discovery;
// neighbour discovery that got no answer).

type path6 struct {
	from    string
	dst     netip.Addr
	dev     string     // the interface the probe leaves by
	nextHop netip.Addr // the gateway, or dst itself
	holder  place      // who has dst ("" ns when nobody)
}

func walk6(ctx context.Context, k kernel.Kernel, from string, dst netip.Addr, zone string) (path6, *Result) {
	p := path6{from: from, dst: dst, nextHop: dst}
	if from != kernel.Root {
		st, err := k.NamespaceState(ctx, from)
		if err != nil {
			return p, fail(FromErr(err, from))
		}
		if st != kernel.NSPresent {
			return p, fail(Failf("namespace %s does not exist, so nothing can be sent from it", from).WithFix("ip netns add "+from).WithMistake("ns-missing").
				Say("why-path-ns-missing", D{"NS": from}))
		}
	}
	r, err := k.RouteGet6(ctx, from, net.IP(dst.AsSlice()), zone)
	if err != nil || r.Type == "unreachable" || r.Type == "blackhole" || r.Type == "prohibit" {
		if errors.Is(err, kernel.ErrNoNamespace) {
			return p, fail(FromErr(err, from))
		}
		return p, fail(noRoute6(ctx, k, from, dst, zone))
	}
	if r.Type == "local" {
		return p, fail(Failf("%s is an address of %s itself: a ping to it is answered by its own lo and proves nothing about the link", dst, nsName(from)).WithMistake("ping-self").
			Say("why-ping6-self", D{"Dst": dst, "NS": nsV(from)}))
	}
	p.dev = r.Dev
	if r.Gw != nil {
		if gw, ok := netip.AddrFromSlice(r.Gw); ok {
			p.nextHop = gw.Unmap()
		}
	}
	if l, ok, err := findLink(ctx, k, from, p.dev); err == nil && ok {
		if !l.AdminUp {
			return p, fail(Failf("%s is down, and %s's IPv6 route to %s leaves through it", inNS(l.Name, from), nsName(from), dst).
				WithFix(ipCmd(from, "link set "+l.Name+" up")).WithMistake("link-down").
				Say("why-path6-link-down", D{"Link": inNSV(l.Name, from), "NS": nsV(from), "Dst": dst}))
		}
		if res := sourceUsable(ctx, k, from, l, dst); res != nil {
			return p, res
		}
	}
	h, ok := holder6(ctx, k, dst, place{ns: from, link: p.dev})
	if !ok {
		return p, fail(Failf("no namespace of the lab has the address %s, so nobody can answer", dst).WithMistake("addr-missing").
			Say("why-path6-nobody", D{"IP": dst}))
	}
	p.holder = h
	if l, ok, err := findLink(ctx, k, h.ns, h.link); err == nil && ok {
		if as, err := k.Addrs6(ctx, h.ns); err == nil {
			for _, a := range as {
				if a.Link == h.link && a.Prefix.Addr() == dst {
					if r := dadState(ctx, k, h.ns, l, a); r != nil {
						r.Why = "the destination " + r.Why
						r.Message = r.Why
						r.WhyMsg = append([]Msg{{ID: "why-path6-destination"}}, r.WhyMsg...)
						return p, r
					}
				}
			}
		}
	}
	return p, nil
}

// sourceUsable fails when every address ns could send from on l (of the
// destination's scope) is tentative or dadfailed.
func sourceUsable(ctx context.Context, k kernel.Kernel, ns string, l kernel.Link, dst netip.Addr) *Result {
	as, err := k.Addrs6(ctx, ns)
	if err != nil {
		return nil
	}
	var bad *kernel.Addr6
	for i, a := range as {
		if a.Link != l.Name || a.LinkLocal() != dst.IsLinkLocalUnicast() {
			continue
		}
		if !a.Tentative && !a.DADFailed {
			return nil
		}
		if bad == nil || !dst.IsLinkLocalUnicast() && a.Prefix.Contains(dst) {
			bad = &as[i]
		}
	}
	if bad == nil {
		return nil
	}
	r := dadState(ctx, k, ns, l, *bad)
	r.Why = nsName(ns) + " has no usable source address for " + dst.String() + ": " + r.Why
	r.Message = r.Why
	r.WhyMsg = append([]Msg{{ID: "why-path6-no-source", Data: D{"NS": nsV(ns), "Dst": dst}}, {ID: "why-colon"}}, r.WhyMsg...)
	return r
}

// noRoute6 explains an IPv6 destination the kernel has no route to.
func noRoute6(ctx context.Context, k kernel.Kernel, ns string, dst netip.Addr, zone string) Result {
	if dst.IsLinkLocalUnicast() && zone != "" {
		if l, ok, err := findLink(ctx, k, ns, zone); err == nil && !ok {
			return missingLink(ctx, k, ns, zone)
		} else if ok && !l.AdminUp {
			return Failf("%s is down, so nothing leaves through it to %s", inNS(zone, ns), dst).WithFix(ipCmd(ns, "link set "+zone+" up")).WithMistake("link-down").
				Say("why-path6-zone-down", D{"Link": inNSV(zone, ns), "Dst": dst})
		}
	}
	routes, _ := k.Routes6(ctx, ns)
	hasDefault := false
	for _, r := range routes {
		hasDefault = hasDefault || r.IsDefault()
	}
	if !hasDefault {
		return Failf("%s has no IPv6 route to %s: none of its IPv6 prefixes covers it, and it has no IPv6 default route (`ip -6 route` is a table of its own: the IPv4 default route does not count)", nsName(ns), dst).
			WithMistake("no-default-route").Say("why-path6-no-default-route", D{"NS": nsV(ns), "Dst": dst})
	}
	return Failf("%s has no usable IPv6 route to %s (`ip -n %s -6 route get %s` says why)", nsName(ns), dst, ns, dst).WithMistake("no-route").
		Say("why-path6-no-route", D{"NS": nsV(ns), "Name": ns, "Dst": dst})
}

// after6 explains an ICMPv6 echo that got no answer.
// The second result is the rule that dropped the probe, when one did.
func after6(ctx context.Context, k kernel.Kernel, p path6, before nfCounts, after nfSnap) (*Result, *kernel.NFRule) {
	for _, m := range moved(before, after) {
		if !isDrop(m.rule) || !couldMatch6(m.rule) {
			continue
		}
		if dropsAllICMPv6(m.rule) {
			return fail(Failf("the rule `%s` in %s dropped %s of this probe, and it drops all of ICMPv6, not only echo requests: neighbour discovery (who has this address?) is ICMPv6 too, so nothing can even find the MAC",
				showRule(m.rule), ruleWhere(m), plural(int(m.delta), "packet")).WithFix(deleteRule(m.ns, m.rule)).WithMistake("icmpv6-all-dropped").
				Say("why-icmpv6-all-dropped", D{"Rule": showRule(m.rule), "Where": ruleWhere6V(m), "Packets": packets6V(int(m.delta))})), &m.rule
		}
		return fail(Failf("the rule `%s` in %s dropped %s of this probe", showRule(m.rule), ruleWhere(m), plural(int(m.delta), "packet")).
			WithFix(deleteRule(m.ns, m.rule)).WithMistake("dropped-by-rule").
			Say("why-path6-dropped-by-rule", D{"Rule": showRule(m.rule), "Where": ruleWhere6V(m), "Packets": packets6V(int(m.delta))})), &m.rule
	}
	if ns, err := k.Neighbors6(ctx, p.from); err == nil {
		for _, n := range ns {
			nh, _ := netip.AddrFromSlice(n.IP)
			if n.Dev == p.dev && nh.Unmap() == p.nextHop && (n.State == "failed" || n.State == "incomplete") {
				return fail(Failf("%s asked (neighbour solicitation, ICMPv6) who has %s on %s and nobody answered (neighbour entry %s): the frames do not arrive, or the answer is filtered",
					nsName(p.from), p.nextHop, p.dev, strings.ToUpper(n.State)).WithMistake("nd-failed").
					Say("why-path6-nd-failed", D{"NS": nsV(p.from), "IP": p.nextHop, "Dev": p.dev, "State": strings.ToUpper(n.State)})), nil
			}
		}
	}
	for _, e := range []struct{ ns, hook string }{{p.holder.ns, "input"}, {p.from, "output"}} {
		for _, c := range after[e.ns].Chains {
			if c.Hook == e.hook && c.Policy == "drop" && (c.Family == "ip6" || c.Family == "inet") {
				return fail(Failf("the %s chain %s of table %s %s in %s has policy DROP: without rules accepting ICMPv6 (echo and neighbour discovery) IPv6 stops working there",
					strings.ToUpper(e.hook), c.Name, c.Family, c.Table, nsName(e.ns)).WithMistake("policy-drop").
					Say("why-path6-policy-drop", D{"Hook": strings.ToUpper(e.hook), "Chain": c.Name, "Family": c.Family, "Table": c.Table, "NS": nsV(e.ns)})), nil
			}
		}
	}
	return nil, nil
}

// ruleWhere6V is ruleWhere, as a template value, for the rules that
// couldMatch6 lets through: never family ip, so always with the family.
func ruleWhere6V(m movedRule) Msg {
	return Msg{ID: "why-v6-rule-where", Data: D{"NS": nsV(m.ns), "Chain": m.rule.Chain, "Family": m.rule.Family, "Table": m.rule.Table}}
}

// packets6V is plural(n, "packet") as a template value.
func packets6V(n int) Msg {
	if n == 1 {
		return Msg{ID: "why-v6-one-packet"}
	}
	return Msg{ID: "why-v6-packets", Data: D{"N": n}}
}

// couldMatch6 reports whether an IPv6 (or inet, or bridge) rule could have
// dropped this probe's packets, judging by the protocol its text shows.
// Addresses are not compared: the counter moved during this probe, and the
// echo's requests and replies both qualify.
func couldMatch6(r kernel.NFRule) bool {
	if r.Family == "ip" || r.Family == "arp" {
		return false
	}
	w := strings.Fields(r.Text)
	for _, p := range valuesAfter(w, "meta l4proto", "ip6 nexthdr", "-p") {
		if !strings.HasPrefix(p, "!") && p != "ipv6-icmp" && p != "icmpv6" && p != "58" {
			return false
		}
	}
	return true
}

// dropsAllICMPv6 reports a rule that matches ICMPv6 of every type (or
// every packet): it drops neighbour discovery too.
func dropsAllICMPv6(r kernel.NFRule) bool {
	t := r.Text
	// ip6tables-nft shows --icmpv6-type as "xt match icmp6": always typed.
	return !strings.Contains(t, "type") && !strings.Contains(t, "icmp6") && !strings.Contains(t, "dport") && !strings.Contains(t, "tcp") && !strings.Contains(t, "udp")
}
