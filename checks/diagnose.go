package checks

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/netlab/netlab/kernel"
)

// This file explains a probe that was sent and failed (or, for an expected
// drop, succeeded): the things kernel state alone cannot prove beforehand.
// Firewall counters are read before and after the probe; the rule whose
// counter moved is named. Probes of one grading run share the kernel, so a
// counter may also move for another probe: only rules that could match
// this probe's packets (protocol, addresses, port) are considered.

// probeDesc is what the probe's packets look like.
type probeDesc struct {
	proto    string // "icmp" or "tcp"
	src, dst net.IP
	dport    int
	// natDst and natPort are where the packet is rewritten to (DNAT), if
	// anywhere.
	natDst  net.IP
	natPort int
}

// nfSnap is the rulesets of some namespaces at one moment.
type nfSnap map[string]kernel.Ruleset

// perNS reads something of every namespace in nss concurrently; a
// namespace that cannot be read is left out.
func perNS[T any](nss []string, read func(ns string) (T, error)) map[string]T {
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[string]T{}
	for _, ns := range nss {
		wg.Add(1)
		go func(ns string) {
			defer wg.Done()
			v, err := read(ns)
			if err != nil {
				return
			}
			mu.Lock()
			out[ns] = v
			mu.Unlock()
		}(ns)
	}
	wg.Wait()
	return out
}

// snapshotRules reads the rulesets of nss concurrently.
func snapshotRules(ctx context.Context, k kernel.Kernel, nss []string) nfSnap {
	return perNS(nss, func(ns string) (kernel.Ruleset, error) { return k.Ruleset(ctx, ns) })
}

// nfCounts is the rule counters of some namespaces (kernel.RuleKey ->
// packets), read right before a probe.
type nfCounts map[string]map[string]uint64

// snapshotCounters reads the rule counters of nss concurrently: cheap
// enough to do before every probe.
func snapshotCounters(ctx context.Context, k kernel.Kernel, nss []string) nfCounts {
	return perNS(nss, func(ns string) (map[string]uint64, error) { return k.NFCounters(ctx, ns) })
}

// probeNamespaces are the namespaces whose rules could touch the probe.
func probeNamespaces(p pathInfo, extra ...string) []string {
	var out []string
	add := func(ns string) {
		if !contains(out, ns) {
			out = append(out, ns)
		}
	}
	for _, ns := range p.nss {
		add(ns)
	}
	if p.found {
		add(p.holder.ns)
	}
	for _, ns := range extra {
		add(ns)
	}
	return out
}

// movedRule is a rule and how many packets it counted during the probe.
type movedRule struct {
	ns    string
	rule  kernel.NFRule
	hook  string
	delta uint64
}

func hooksOf(rs kernel.Ruleset) map[string]string {
	h := map[string]string{}
	for _, c := range rs.Chains {
		h[c.Family+"/"+c.Table+"/"+c.Name] = c.Hook
	}
	return h
}

func hookOf(hooks map[string]string, r kernel.NFRule, legacy bool) string {
	if legacy {
		return strings.ToLower(r.Chain)
	}
	return hooks[r.Family+"/"+r.Table+"/"+r.Chain]
}

// allRules lists a snapshot's rules with their hooks.
func allRules(snap nfSnap) []movedRule {
	var out []movedRule
	for ns, rs := range snap {
		hooks := hooksOf(rs)
		for _, r := range rs.Rules {
			out = append(out, movedRule{ns: ns, rule: r, hook: hookOf(hooks, r, false)})
		}
		for _, r := range rs.Legacy {
			out = append(out, movedRule{ns: ns, rule: r, hook: hookOf(hooks, r, true)})
		}
	}
	return out
}

// moved lists the rules whose counters grew between before (counters)
// and after (the ruleset read once the probe failed). iptables-legacy
// rules have no cheap counter read and are left out.
func moved(before nfCounts, after nfSnap) []movedRule {
	var out []movedRule
	for ns, rs := range after {
		old, ok := before[ns]
		if !ok {
			continue
		}
		hooks := hooksOf(rs)
		for _, r := range rs.Rules {
			b, seen := old[kernel.RuleKey(r.Family, r.Table, r.Chain, r.Handle)]
			if !seen {
				continue // a rule added during the probe
			}
			if r.Packets > b {
				out = append(out, movedRule{ns: ns, rule: r, hook: hookOf(hooks, r, false), delta: r.Packets - b})
			}
		}
	}
	return out
}

// couldMatch reports whether rule r may match a packet of the probe, in
// either direction (requests or replies), judging by the criteria its text
// shows. Criteria it does not show do not restrict it.
func couldMatch(r kernel.NFRule, pr probeDesc) bool {
	w := strings.Fields(r.Text)
	for _, p := range valuesAfter(w, "l4proto", "ip protocol", "meta l4proto", "-p") {
		if strings.TrimPrefix(p, "!") != pr.proto && !strings.HasPrefix(p, "!") {
			return false
		}
	}
	if pr.proto == "icmp" && len(valuesAfter(w, "tcp dport", "th dport", "udp dport", "--dport")) > 0 {
		return false
	}
	ends := []net.IP{pr.src, pr.dst, pr.natDst}
	matchAny := func(vals []string) bool {
		for _, v := range vals {
			if strings.HasPrefix(v, "!") {
				return true
			}
			ok := false
			for _, ip := range ends {
				if ip != nil && prefixContains(v, ip) {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	if !matchAny(valuesAfter(w, "ip saddr", "-s")) || !matchAny(valuesAfter(w, "ip daddr", "-d")) {
		return false
	}
	if pr.proto == "tcp" && pr.dport != 0 {
		for _, v := range valuesAfter(w, "tcp dport", "th dport", "--dport") {
			if v != strconv.Itoa(pr.dport) && !strings.HasPrefix(v, "{") {
				return false
			}
		}
	}
	return true
}

func isDrop(r kernel.NFRule) bool { return r.Verdict == "drop" || r.Verdict == "reject" }

func ruleWhere(m movedRule) string {
	if m.rule.Family == "ip" && (m.rule.Table == "filter" || m.rule.Table == "nat") {
		return fmt.Sprintf("%s, chain %s of table %s", nsName(m.ns), m.rule.Chain, m.rule.Table)
	}
	return fmt.Sprintf("%s, chain %s of table %s %s", nsName(m.ns), m.rule.Chain, m.rule.Family, m.rule.Table)
}

// ruleWhereV is ruleWhere as a template value.
func ruleWhereV(m movedRule) Msg {
	if m.rule.Family == "ip" && (m.rule.Table == "filter" || m.rule.Table == "nat") {
		return Msg{ID: "why-nat-rule-where", Data: D{"NS": nsV(m.ns), "Chain": m.rule.Chain, "Table": m.rule.Table}}
	}
	return Msg{ID: "why-nat-rule-where-family", Data: D{"NS": nsV(m.ns), "Chain": m.rule.Chain, "Family": m.rule.Family, "Table": m.rule.Table}}
}

// packetsV is plural(n, "packet") as a template value.
func packetsV(n int) Msg {
	if n == 1 {
		return Msg{ID: "why-nat-one-packet"}
	}
	return Msg{ID: "why-nat-packets", Data: D{"N": n}}
}

func sysctlIn(ns, kv string) string {
	if ns == kernel.Root {
		return "sysctl -w " + kv
	}
	return "ip netns exec " + ns + " sysctl -w " + kv
}

func iptIn(ns, args string) string {
	if ns == kernel.Root {
		return "iptables " + args
	}
	return "ip netns exec " + ns + " iptables " + args
}

// forwardDrops reports whether ns has a filter chain on the forward hook
// whose policy is drop.
func forwardDrops(rs kernel.Ruleset) (kernel.NFChain, bool) {
	for _, c := range rs.Chains {
		if c.Hook == "forward" && c.Policy == "drop" && (c.Family == "ip" || c.Family == "inet") {
			return c, true
		}
	}
	return kernel.NFChain{}, false
}

// afterFailure explains a probe that got no answer although the walk found
// nothing wrong. nil means no explanation was found.
func afterFailure(ctx context.Context, v *labView, p pathInfo, pr probeDesc, before nfCounts, after nfSnap) *Result {
	// 1. A DROP (or REJECT) rule counted this probe's packets.
	for _, m := range moved(before, after) {
		if isDrop(m.rule) && couldMatch(m.rule, pr) {
			return fail(Failf("the rule `%s` in %s dropped %s of this probe",
				showRule(m.rule), ruleWhere(m), plural(int(m.delta), "packet")).WithFix(deleteRule(m.ns, m.rule)).WithMistake("dropped-by-rule").
				Say("why-nat-dropped-by-rule", D{"Rule": showRule(m.rule), "Where": ruleWhereV(m), "Packets": packetsV(int(m.delta))}))
		}
	}
	// 1b. A bridge port option kept the frames from their port.
	if r := portConfines(p); r != nil {
		return r
	}
	// 2. The Docker case: bridged frames go through iptables.
	for _, b := range p.bridges {
		if how, howV, ok := bridgeNFCallsIPTables(ctx, v, b.ns, b.link); ok {
			if c, ok := forwardDrops(after[b.ns]); ok {
				return fail(Failf("%s, so frames crossing %s go through iptables' FORWARD chain of %s, whose policy is DROP (chain %s of table %s %s); nothing accepts them (this is what Docker sets up)",
					how, b.link, nsName(b.ns), c.Name, c.Family, c.Table).
					WithFix(iptIn(b.ns, fmt.Sprintf("-A FORWARD -i %s -o %s -j ACCEPT", b.link, b.link))).WithMistake("br-netfilter-drop").
					Say("why-nat-br-forward-drop", D{"How": howV, "Bridge": b.link, "NS": nsV(b.ns), "Chain": c.Name, "Family": c.Family, "Table": c.Table}))
			}
		}
	}
	// 3. A router whose FORWARD policy drops.
	for _, r := range p.routers {
		c, ok := forwardDrops(after[r])
		if !ok {
			continue
		}
		// Only a probe that was meant to be rewritten is a DNAT case: the
		// counter of a DNAT rule may move for another probe of the run.
		dnat := false
		for _, m := range moved(before, after) {
			if m.ns == r && m.rule.Verdict == "dnat" && couldMatch(m.rule, pr) {
				dnat = true
			}
		}
		if dnat && pr.natDst != nil {
			to, port := pr.natDst.String(), ""
			if pr.natPort != 0 {
				to = net.JoinHostPort(to, strconv.Itoa(pr.natPort))
				port = fmt.Sprintf(" --dport %d", pr.natPort)
			}
			return fail(Failf("the DNAT rule in %s rewrote the connection to %s, but the FORWARD policy there is DROP (chain %s of table %s %s) and no rule accepts the rewritten packets",
				nsName(r), to, c.Name, c.Family, c.Table).
				WithFix(iptIn(r, fmt.Sprintf("-A FORWARD -d %s -p tcp%s -j ACCEPT", pr.natDst, port))).WithMistake("dnat-no-forward").
				Say("why-nat-dnat-no-forward", D{"NS": nsV(r), "To": to, "Chain": c.Name, "Family": c.Family, "Table": c.Table}))
		}
		if pr.natDst != nil {
			continue // never rewritten: the DNAT explanation comes below
		}
		return fail(Failf("%s must forward this probe, but its FORWARD policy is DROP (chain %s of table %s %s) and no rule accepts the packets",
			nsName(r), c.Name, c.Family, c.Table).WithMistake("forward-drop").
			Say("why-nat-forward-drop", D{"NS": nsV(r), "Chain": c.Name, "Family": c.Family, "Table": c.Table}))
	}
	// 4. A base chain with policy DROP at either end (nft-made firewalls
	// often start that way) and nothing accepting the probe.
	if r := policyDrops(p, pr, before, after); r != nil {
		return r
	}
	// 5. The answer has no way back: NAT missing or on the wrong interface.
	if p.found && p.holder.ns != p.from && p.src != nil {
		back, err := v.k.RouteGet(ctx, p.holder.ns, p.src)
		if err != nil || back.Type == "unreachable" || back.Type == "blackhole" || back.Type == "prohibit" {
			if !routedPrivately(p) {
				if r := natMissing(ctx, v, p, after); r != nil {
					return r
				}
			}
			return noReturnRoute(ctx, v, p)
		}
	}
	// 6. ARP got no answer.
	if p.lastNS != "" && p.nextHop != nil {
		if ns, err := v.k.Neighbors(ctx, p.lastNS); err == nil {
			for _, n := range ns {
				if n.Dev == p.lastDev && n.IP.Equal(p.nextHop) && (n.State == "failed" || n.State == "incomplete") {
					return fail(Failf("%s asked (ARP) who has %s on %s and nobody answered (neighbour entry %s): frames do not reach the holder of %s, or its answers do not come back",
						nsName(p.lastNS), p.nextHop, p.lastDev, strings.ToUpper(n.State), p.nextHop).WithMistake("neigh-failed").
						Say("why-arp-failed", D{"NS": nsV(p.lastNS), "IP": p.nextHop, "Dev": p.lastDev, "State": strings.ToUpper(n.State)}))
				}
			}
		}
	}
	return nil
}

// natMissing explains answers that cannot come back because the source was
// not rewritten on the way out.
func natMissing(ctx context.Context, v *labView, p pathInfo, after nfSnap) *Result {
	for _, r := range p.routers {
		out := p.outDev[r]
		var masq []kernel.NFRule
		for _, m := range allRules(nfSnap{r: after[r]}) {
			if m.rule.Verdict == "masquerade" || m.rule.Verdict == "snat" {
				masq = append(masq, m.rule)
			}
		}
		if len(masq) == 0 {
			return fail(Failf("%s has no route back to %s, and nothing in %s rewrites the source of packets leaving by %s: there is no MASQUERADE (or SNAT) rule",
				nsName(p.holder.ns), p.src, nsName(r), out).
				WithFix(iptIn(r, fmt.Sprintf("-t nat -A POSTROUTING -s %s -o %s -j MASQUERADE", srcNet(ctx, v, p), out))).WithMistake("masquerade-missing").
				Say("why-nat-masquerade-missing", D{"Holder": nsV(p.holder.ns), "Src": p.src, "NS": nsV(r), "Out": out}))
		}
		for _, m := range masq {
			w := strings.Fields(m.Text)
			for _, o := range valuesAfter(w, "oifname", "oif", "-o") {
				if o = strings.Trim(o, `"`); o != out && !strings.HasPrefix(o, "!") {
					return fail(Failf("the MASQUERADE rule `%s` in %s only matches packets leaving by %s, but packets to %s leave by %s; %s has no route back to %s",
						showRule(m), nsName(r), o, p.dst, out, nsName(p.holder.ns), p.src).
						WithFix(iptIn(r, fmt.Sprintf("-t nat -A POSTROUTING -s %s -o %s -j MASQUERADE", srcNet(ctx, v, p), out))).WithMistake("masq-wrong-if").
						Say("why-nat-masq-wrong-if", D{"Rule": showRule(m), "NS": nsV(r), "If": o, "Dst": p.dst, "Out": out, "Holder": nsV(p.holder.ns), "Src": p.src}))
				}
			}
			for _, s := range valuesAfter(w, "ip saddr", "-s") {
				if !strings.HasPrefix(s, "!") && !prefixContains(s, p.src) {
					return fail(Failf("the MASQUERADE rule `%s` in %s does not match the source %s, so it is not rewritten and %s has no route back",
						showRule(m), nsName(r), p.src, nsName(p.holder.ns)).WithMistake("masq-wrong-src").
						Say("why-nat-masq-wrong-src", D{"Rule": showRule(m), "NS": nsV(r), "Src": p.src, "Holder": nsV(p.holder.ns)}))
				}
			}
		}
	}
	return nil
}

// srcNet is the source's network ("10.0.1.0/24"), for a suggested rule.
func srcNet(ctx context.Context, v *labView, p pathInfo) string {
	for _, a := range v.Addrs(ctx, p.from) {
		if a.IPNet.IP.Equal(p.src) {
			return (&net.IPNet{IP: a.IPNet.IP.Mask(a.IPNet.Mask), Mask: a.IPNet.Mask}).String()
		}
	}
	return p.src.String()
}

// notDropped explains why packets that should have been dropped were
// answered: the DROP rule is somewhere the packets do not pass, or it
// matches something else.
func notDropped(p pathInfo, pr probeDesc, before nfCounts, after nfSnap) *Result {
	target := p.holder.ns
	if r := masqueradeBridged(p, pr, before, after); r != nil {
		return r
	}
	for _, m := range allRules(after) {
		if !isDrop(m.rule) {
			continue
		}
		w := strings.Fields(m.rule.Text)
		aboutIt := false
		for _, s := range valuesAfter(w, "ip saddr", "-s", "ip daddr", "-d") {
			if prefixContains(strings.TrimPrefix(s, "!"), pr.src) || prefixContains(strings.TrimPrefix(s, "!"), pr.dst) {
				aboutIt = true
			}
		}
		for _, pp := range valuesAfter(w, "l4proto", "ip protocol", "-p") {
			if pp == pr.proto {
				aboutIt = true
			}
		}
		if !aboutIt {
			continue
		}
		if m.ns != target {
			return fail(Failf("the DROP rule `%s` is in %s, not in %s, which receives and answers the echo requests: each namespace has its own firewall, and %s's rules do not filter what %s receives",
				showRule(m.rule), ruleWhere(m), nsName(target), nsName(m.ns), nsName(target)).WithFix(deleteRule(m.ns, m.rule)).WithMistake("rule-wrong-ns").
				Say("why-nat-drop-wrong-ns", D{"Rule": showRule(m.rule), "Where": ruleWhereV(m), "Target": nsV(target), "NS": nsV(m.ns)}))
		}
		if m.hook != "" && m.hook != "input" && m.hook != "prerouting" {
			return fail(Failf("the DROP rule `%s` is in %s (the %s hook), but packets for %s itself pass INPUT, not %s: the rule never sees them",
				showRule(m.rule), ruleWhere(m), m.hook, nsName(target), strings.ToUpper(m.hook)).WithMistake("rule-wrong-chain").
				Say("why-nat-drop-wrong-chain", D{"Rule": showRule(m.rule), "Where": ruleWhereV(m), "Hook": m.hook, "Target": nsV(target), "Chain": strings.ToUpper(m.hook)}))
		}
		return fail(Failf("the DROP rule `%s` in %s never matched the echo requests from %s (they are ICMP from %s to %s): check its source, destination and protocol",
			showRule(m.rule), ruleWhere(m), nsName(p.from), pr.src, pr.dst).WithMistake("rule-no-match").
			Say("why-nat-drop-no-match", D{"Rule": showRule(m.rule), "Where": ruleWhereV(m), "From": nsV(p.from), "Src": pr.src, "Dst": pr.dst}))
	}
	return nil
}

// dnatMissing explains a connection to an address that should have been
// rewritten (DNAT) to another: no rule there rewrites it to that target.
func dnatMissing(p pathInfo, pr probeDesc, after nfSnap) *Result {
	ns := p.holder.ns
	var dnats []string
	var dnatsV List
	for _, m := range allRules(nfSnap{ns: after[ns]}) {
		if m.rule.Verdict == "dnat" {
			dnats = append(dnats, "`"+showRule(m.rule)+"`")
			dnatsV = append(dnatsV, "`"+showRule(m.rule)+"`")
		}
	}
	to := pr.natDst.String()
	if pr.natPort != 0 {
		to = net.JoinHostPort(to, strconv.Itoa(pr.natPort))
	}
	if len(dnats) == 0 {
		return fail(Failf("%s:%d is an address of %s, and nothing there rewrites (DNAT) the connection to %s: there is no DNAT rule in %s",
			pr.dst, pr.dport, nsName(ns), to, nsName(ns)).
			WithFix(iptIn(ns, fmt.Sprintf("-t nat -A PREROUTING -d %s -p tcp --dport %d -j DNAT --to-destination %s", pr.dst, pr.dport, to))).
			WithMistake("dnat-missing").
			Say("why-nat-dnat-missing", D{"Addr": fmt.Sprintf("%s:%d", pr.dst, pr.dport), "NS": nsV(ns), "To": to}))
	}
	return fail(Failf("the connection to %s:%d was not rewritten to %s: the DNAT rules in %s (%s) do not match it or point elsewhere",
		pr.dst, pr.dport, to, nsName(ns), strings.Join(dnats, ", ")).WithMistake("dnat-wrong").
		Say("why-nat-dnat-wrong", D{"Addr": fmt.Sprintf("%s:%d", pr.dst, pr.dport), "To": to, "NS": nsV(ns), "Rules": dnatsV}))
}

// policyDrops finds an input chain of the destination, or an output chain
// of the source, whose policy is DROP while no accepting rule of that
// chain counted the probe.
func policyDrops(p pathInfo, pr probeDesc, before nfCounts, after nfSnap) *Result {
	accepted := map[string]bool{}
	for _, m := range moved(before, after) {
		if m.rule.Verdict == "accept" && couldMatch(m.rule, pr) {
			accepted[m.ns+"/"+m.rule.Family+"/"+m.rule.Table+"/"+m.rule.Chain] = true
		}
	}
	type end struct{ ns, hook, what, msg string }
	ends := []end{{p.from, "output", "sends", "why-policy-drop-sends"}}
	if p.found {
		ends = append([]end{{p.holder.ns, "input", "receives", "why-policy-drop-receives"}}, ends...)
	}
	for _, e := range ends {
		for _, c := range after[e.ns].Chains {
			if c.Hook != e.hook || c.Policy != "drop" || (c.Family != "ip" && c.Family != "inet") {
				continue
			}
			if accepted[e.ns+"/"+c.Family+"/"+c.Table+"/"+c.Name] {
				continue
			}
			return fail(Failf("the %s chain %s of table %s %s in %s has policy DROP, and no rule in it accepted this probe: %s drops what it %s",
				strings.ToUpper(e.hook), c.Name, c.Family, c.Table, nsName(e.ns), nsName(e.ns), e.what).WithMistake("policy-drop").
				Say(e.msg, D{"Hook": strings.ToUpper(e.hook), "Chain": c.Name, "Family": c.Family, "Table": c.Table, "NS": nsV(e.ns)}))
		}
	}
	return nil
}

// bridgeNFCallsIPTables reports whether frames bridged by br (in ns) pass
// iptables: the namespace's net.bridge.bridge-nf-call-iptables (br_netfilter,
// every Docker host) or the bridge's own nf_call_iptables option. It says
// which, in words and as a catalogue message.
func bridgeNFCallsIPTables(ctx context.Context, v *labView, ns, br string) (string, Msg, bool) {
	if l, ok := v.link(ctx, ns, br); ok && l.BridgeNFCallIPTables {
		return fmt.Sprintf("%s's own option nf_call_iptables is 1", br), Msg{ID: "why-nat-br-nf-call-option", Data: D{"Bridge": br}}, true
	}
	if val, err := v.k.Sysctl(ctx, ns, "net.bridge.bridge-nf-call-iptables"); err == nil && val == "1" {
		return "net.bridge.bridge-nf-call-iptables is 1 (br_netfilter is loaded, as on every Docker host)", Msg{ID: "why-nat-br-nf-call-sysctl"}, true
	}
	return "", Msg{}, false
}

// masqueradeBridged explains echo requests that a correct DROP rule did
// not drop because they no longer came from their sender: with
// br_netfilter, frames bridged between two ports pass the bridge
// namespace's nat table, and a MASQUERADE (or SNAT) rule there that
// matches them (-o br0) rewrites their source to the bridge's address.
func masqueradeBridged(p pathInfo, pr probeDesc, before nfCounts, after nfSnap) *Result {
	if p.view == nil || pr.src == nil {
		return nil
	}
	ctx := context.Background()
	movedNAT := map[string]bool{}
	for _, m := range moved(before, after) {
		movedNAT[kernel.RuleKey(m.rule.Family, m.rule.Table, m.rule.Chain, m.rule.Handle)] = true
	}
	for _, b := range p.bridges {
		how, howV, ok := bridgeNFCallsIPTables(ctx, p.view, b.ns, b.link)
		if !ok {
			continue
		}
		for _, m := range allRules(nfSnap{b.ns: after[b.ns]}) {
			if m.rule.Verdict != "masquerade" && m.rule.Verdict != "snat" || (m.hook != "" && m.hook != "postrouting") {
				continue
			}
			w := strings.Fields(m.rule.Text)
			hits := true
			for _, o := range valuesAfter(w, "oifname", "oif", "-o") {
				if o = strings.Trim(o, `"`); o != b.link && !strings.HasPrefix(o, "!") {
					hits = false
				}
			}
			for _, s := range valuesAfter(w, "ip saddr", "-s") {
				if !strings.HasPrefix(s, "!") && !prefixContains(s, pr.src) {
					hits = false
				}
			}
			for _, d := range valuesAfter(w, "ip daddr", "-d") {
				if !strings.HasPrefix(d, "!") && !prefixContains(d, pr.dst) {
					hits = false
				}
			}
			if !hits {
				continue
			}
			as := "the bridge's own address"
			var asV any = Msg{ID: "why-nat-bridge-own-addr"}
			if a := p.view.v4On(ctx, b.ns, b.link); len(a) > 0 {
				as = strings.SplitN(a[0], "/", 2)[0]
				asV = as
			}
			counted := ""
			var countedV any = ""
			if movedNAT[kernel.RuleKey(m.rule.Family, m.rule.Table, m.rule.Chain, m.rule.Handle)] {
				counted = " (its counter moved during this probe)"
				countedV = Msg{ID: "why-nat-counter-moved"}
			}
			return fail(Failf("%s, so frames bridged between the ports of %s pass the nat table of %s, and the %s rule `%s` (%s) rewrote the echo requests from %s to come from %s%s: they arrived in %s from %s, not from %s, so a DROP rule for %s never sees them. That rule belongs on the interface towards the internet, not on the bridge",
				how, b.link, nsName(b.ns), strings.ToUpper(m.rule.Verdict), showRule(m.rule), ruleWhere(m), pr.src, as, counted, nsName(p.holder.ns), as, pr.src, pr.src).
				WithFix(deleteRule(m.ns, m.rule)).WithMistake("masquerade-bridged").
				Say("why-nat-masquerade-bridged", D{"How": howV, "Bridge": b.link, "NS": nsV(b.ns), "Verdict": strings.ToUpper(m.rule.Verdict),
					"Rule": showRule(m.rule), "Where": ruleWhereV(m), "Src": pr.src, "As": asV, "Counted": countedV, "Holder": nsV(p.holder.ns)}))
		}
	}
	return nil
}

// probePortTaken explains a TCP probe whose server could not listen: the
// learner's own server holds the port (lesson 4 has them try
// `python3 -m http.server 80`). netlab cannot judge the connection then,
// but it says whether the DNAT rule that would carry it is in place and
// counting, so a correct rule does not go without feedback.
func probePortTaken(ctx context.Context, env Env, listen net.TCPAddr, serverNS string, p pathInfo, pr probeDesc) Result {
	r := Errorf("netlab's probe server cannot listen on %s in %s: the port is taken, most likely by your own server (such as `python3 -m http.server %d`), so netlab cannot tell whether the connection arrives. Stop that server (`kill %%1` in the shell that started it; `%s` shows who listens) and check again",
		hostPort(listen), nsName(serverNS), listen.Port, strings.TrimSpace(nsExec(serverNS, "ss -ltnp"))).
		WithFix(nsExec(serverNS, fmt.Sprintf("ss -ltnp 'sport = :%d'", listen.Port))).WithMistake("probe-port-taken").
		Say("why-probe-port-taken", D{"Addr": hostPort(listen), "NS": nsV(serverNS), "Port": listen.Port, "SS": strings.TrimSpace(nsExec(serverNS, "ss -ltnp"))})
	if pr.natDst == nil || !p.found {
		return r
	}
	rs, err := env.K.Ruleset(ctx, p.holder.ns)
	if err != nil {
		return r
	}
	for _, m := range allRules(nfSnap{p.holder.ns: rs}) {
		if m.rule.Verdict != "dnat" || !couldMatch(m.rule, pr) {
			continue
		}
		to := net.JoinHostPort(pr.natDst.String(), strconv.Itoa(pr.natPort))
		if pr.natPort == 0 {
			to = pr.natDst.String()
		}
		if !strings.Contains(m.rule.Text, to) {
			continue
		}
		r.Why += fmt.Sprintf(". Meanwhile: your DNAT rule `%s` (%s) is in place and has counted %s so far",
			showRule(m.rule), ruleWhere(m), plural(int(m.rule.Packets), "packet"))
		r = r.Say("why-probe-port-taken-dnat", D{"Rule": showRule(m.rule), "Where": ruleWhereV(m), "Packets": packetsV(int(m.rule.Packets))})
		break
	}
	return r
}

// nsExec prefixes a command with `ip netns exec NS` outside the root.
func nsExec(ns, cmd string) string {
	if ns == kernel.Root {
		return cmd
	}
	return "ip netns exec " + ns + " " + cmd
}
