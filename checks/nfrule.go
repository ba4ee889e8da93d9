package checks

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// NFRuleKind: supporting evidence that a firewall rule with this meaning is
// in ns's netfilter state. Behaviour (ping, tcp) is the judge; this check
// only shows the learner which rule does it. Rules written with nft and
// with iptables (nft or legacy backend) count alike. A criterion the rule
// does not restrict counts as matched: `-j DROP` with no -s drops ns0 too.
func NFRuleKind() *Kind { return nFRuleKind.Get(newNFRuleKind) }

var nFRuleKind lazy.Value[*Kind]

func newNFRuleKind() *Kind {
	return Define(Spec[nfRuleParams]{
		Name:  "nf_rule",
		Doc:   "ns's netfilter ruleset has a rule with this meaning: verdict (drop also accepts reject), and optionally proto, src, in_if, out_if, dport, to (DNAT target IP:port), hook",
		Phase: PhaseState,
		Build: func(p nfRuleParams) (Check, error) {
			switch p.Verdict {
			case "drop", "accept", "masquerade", "snat", "dnat":
			default:
				return nil, fieldErr("verdict", "%q: want drop, accept, masquerade, snat or dnat", p.Verdict)
			}
			c := nfRuleCheck{ns: p.NS, verdict: p.Verdict, proto: p.Proto, inIf: p.InIf, outIf: p.OutIf, dport: p.DPort, to: p.To, hook: p.Hook}
			if p.Src != "" {
				ip, _, err := net.ParseCIDR(p.Src)
				if err != nil {
					ip = net.ParseIP(p.Src)
				}
				if ip == nil {
					return nil, fieldErr("src", "%q is not an address or prefix", p.Src)
				}
				c.src = ip
			}
			switch p.Hook {
			case "", "input", "forward", "output", "prerouting", "postrouting":
			default:
				return nil, fieldErr("hook", "%q is not a netfilter hook", p.Hook)
			}
			if p.NS == "*" {
				return nil, fieldErr("ns", "nf_rule needs one namespace")
			}
			return c, nil
		},
		Mistakes: []string{"ns-missing", "rule-wrong-chain", "rule-mismatch", "rule-wrong-ns", "rule-missing"},
		Cases: func() []Case[nfRuleParams] {
			return []Case[nfRuleParams]{
				{Name: "masquerade on the wrong interface", Fixture: "bridge-lab", Params: nfRuleParams{Verdict: "masquerade", Src: "10.0.1.0/24", OutIf: "wan0"},
					Break: func(f *kerneltest.Fake) {
						f.NSs[kernel.Root].Ruleset.Rules[0].Text = "ip saddr 10.0.1.0/24 oifname br0 masquerade"
					}, Mistake: "rule-mismatch"},
				{Name: "gone", Fixture: "bridge-lab", Params: nfRuleParams{Verdict: "masquerade", OutIf: "wan0"},
					Break: func(f *kerneltest.Fake) { f.NSs[kernel.Root].Ruleset = kernel.Ruleset{} }, Mistake: "rule-missing"},
				{Name: "in the wrong namespace", Fixture: "bridge-lab", Params: nfRuleParams{Verdict: "masquerade", OutIf: "wan0"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Ruleset = f.NSs[kernel.Root].Ruleset
						f.NSs[kernel.Root].Ruleset = kernel.Ruleset{}
					}, Mistake: "rule-wrong-ns"},
			}
		},
	})
}

type nfRuleParams struct {
	NS      string `yaml:"ns" doc:"namespace whose ruleset is read (default: the lab's root)"`
	Verdict string `yaml:"verdict" required:"true" doc:"drop (or reject), accept, masquerade, snat or dnat"`
	Proto   string `yaml:"proto" doc:"protocol matched: icmp, tcp, udp"`
	Src     string `yaml:"src" doc:"source address or prefix matched"`
	InIf    string `yaml:"in_if" doc:"input interface matched"`
	OutIf   string `yaml:"out_if" doc:"output interface matched"`
	DPort   int    `yaml:"dport" doc:"destination port matched"`
	To      string `yaml:"to" doc:"DNAT target IP:port"`
	Hook    string `yaml:"hook" doc:"input, forward, output, prerouting or postrouting"`
}

type nfRuleCheck struct {
	ns, verdict, proto, inIf, outIf, to, hook string
	src                                       net.IP
	dport                                     int
}

func (c nfRuleCheck) Describe() string {
	var parts []string
	if c.proto != "" {
		parts = append(parts, c.proto)
	}
	if c.src != nil {
		parts = append(parts, "from "+c.src.String())
	}
	if c.inIf != "" {
		parts = append(parts, "in on "+c.inIf)
	}
	if c.outIf != "" {
		parts = append(parts, "out on "+c.outIf)
	}
	if c.dport != 0 {
		parts = append(parts, "to port "+strconv.Itoa(c.dport))
	}
	if c.to != "" {
		parts = append(parts, "to "+c.to)
	}
	return fmt.Sprintf("%s has a %s rule (%s)", nsName(c.ns), strings.ToUpper(c.verdict), strings.Join(parts, ", "))
}

func (c nfRuleCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-nfrule", Data: D{"NS": nsV(c.ns), "Want": Msg{ID: "why-nat-want", Data: c.wantData()}}}}
}

// want is the rule the lesson asks for: "a DROP rule (icmp, from
// 10.0.1.10)".
func (c nfRuleCheck) want() string {
	d := c.Describe()
	if i := strings.Index(d, " has a "); i >= 0 {
		d = d[i+len(" has "):]
	}
	return d
}

// wantData is the data of want as a catalogue message (why-nat-want): its
// verdict and the list of what it matches, as Describe says them.
func (c nfRuleCheck) wantData() D {
	parts := List{}
	if c.proto != "" {
		parts = append(parts, c.proto)
	}
	if c.src != nil {
		parts = append(parts, Msg{ID: "why-nat-want-from", Data: D{"IP": c.src.String()}})
	}
	if c.inIf != "" {
		parts = append(parts, Msg{ID: "why-nat-want-in", Data: D{"Link": c.inIf}})
	}
	if c.outIf != "" {
		parts = append(parts, Msg{ID: "why-nat-want-out", Data: D{"Link": c.outIf}})
	}
	if c.dport != 0 {
		parts = append(parts, Msg{ID: "why-nat-want-dport", Data: D{"Port": c.dport}})
	}
	if c.to != "" {
		parts = append(parts, Msg{ID: "why-nat-want-to", Data: D{"To": c.to}})
	}
	return D{"Verdict": strings.ToUpper(c.verdict), "Parts": parts}
}

// fieldsAfter returns the words that follow key in text ("ip saddr" -> X).
func valuesAfter(words []string, keys ...string) []string {
	var out []string
	for i := range words {
		for _, k := range keys {
			kw := strings.Fields(k)
			if i+len(kw) < len(words) && strings.Join(words[i:i+len(kw)], " ") == k {
				v := words[i+len(kw)]
				if v == "!=" && i+len(kw)+1 < len(words) {
					v = "!" + words[i+len(kw)+1]
				}
				out = append(out, v)
			}
		}
	}
	return out
}

func (c nfRuleCheck) verdictOK(r kernel.NFRule) bool {
	v := r.Verdict
	if c.verdict == "drop" {
		return v == "drop" || v == "reject"
	}
	return v == c.verdict
}

// Matches reports whether rule r (with the hook of its chain) means what
// the check asks for.
func (c nfRuleCheck) matches(r kernel.NFRule, hook string) bool {
	if !c.verdictOK(r) {
		return false
	}
	if c.hook != "" && hook != "" && hook != c.hook {
		return false
	}
	w := strings.Fields(r.Text)
	if c.src != nil {
		for _, s := range valuesAfter(w, "ip saddr", "-s") {
			if strings.HasPrefix(s, "!") || !prefixContains(s, c.src) {
				return false
			}
		}
	}
	if c.proto != "" {
		for _, p := range valuesAfter(w, "l4proto", "ip protocol", "meta l4proto", "-p") {
			if p != c.proto {
				return false
			}
		}
	}
	if c.inIf != "" {
		for _, v := range valuesAfter(w, "iifname", "iif", "-i") {
			if strings.Trim(v, `"`) != c.inIf {
				return false
			}
		}
	}
	if c.outIf != "" {
		for _, v := range valuesAfter(w, "oifname", "oif", "-o") {
			if strings.Trim(v, `"`) != c.outIf {
				return false
			}
		}
	}
	if c.dport != 0 {
		for _, v := range valuesAfter(w, "tcp dport", "th dport", "udp dport", "--dport") {
			if v != strconv.Itoa(c.dport) {
				return false
			}
		}
	}
	if c.to != "" {
		got := valuesAfter(w, "dnat to", "to", "--to-destination")
		if len(got) == 0 {
			return false
		}
		ok := false
		for _, g := range got {
			if g == c.to || strings.TrimSuffix(c.to, ":0") == g {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func prefixContains(s string, ip net.IP) bool {
	if !strings.Contains(s, "/") {
		other := net.ParseIP(s)
		return other != nil && other.Equal(ip)
	}
	_, n, err := net.ParseCIDR(s)
	return err == nil && n.Contains(ip)
}

func (c nfRuleCheck) Run(ctx context.Context, env Env) Result {
	// The rule is usually among the first of the ruleset (the lab's
	// tables): found there, the thousands of rules a host may hold after
	// it are never rendered. The pass is the one the loop below gives.
	if r, _, found, known, err := kernel.FirstRule(ctx, env.K, c.ns, c.matches); err == nil && known && found {
		return Passf("%s: %s %s %s: %s", nsName(c.ns), r.Family, r.Table, r.Chain, showRule(r))
	}
	rs, err := env.K.Ruleset(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	hooks := map[string]string{}
	for _, ch := range rs.Chains {
		hooks[ch.Family+"/"+ch.Table+"/"+ch.Name] = ch.Hook
	}
	for _, r := range rs.Rules {
		if c.matches(r, hooks[r.Family+"/"+r.Table+"/"+r.Chain]) {
			return Passf("%s: %s %s %s: %s", nsName(c.ns), r.Family, r.Table, r.Chain, showRule(r))
		}
	}
	for _, r := range rs.Legacy {
		if c.matches(r, strings.ToLower(r.Chain)) {
			return Passf("%s (iptables-legacy): %s", nsName(c.ns), showRule(r))
		}
	}
	if c.hook != "" {
		// The right rule in the wrong chain (FORWARD for INPUT, ...).
		loose := c
		loose.hook = ""
		for _, r := range rs.Rules {
			if h := hooks[r.Family+"/"+r.Table+"/"+r.Chain]; loose.matches(r, h) {
				return Failf("%s has the rule `%s`, but in chain %s (the %s hook), not on the %s hook the lesson asks for",
					nsName(c.ns), showRule(r), r.Chain, h, c.hook).WithMistake("rule-wrong-chain").
					Say("why-rule-wrong-chain", D{"NS": nsV(c.ns), "Rule": showRule(r), "Chain": r.Chain, "Hook": h, "Want": c.hook})
			}
		}
	}
	// A rule with the right verdict but other matches (MASQUERADE -o br0
	// instead of -o wan0) is the learner's near miss: show it.
	for _, r := range append(append([]kernel.NFRule(nil), rs.Rules...), rs.Legacy...) {
		if c.verdictOK(r) {
			return Failf("%s has a %s rule, `%s`, but it matches other packets than the lesson wants (%s)",
				nsName(c.ns), strings.ToUpper(c.verdict), showRule(r), c.want()).WithMistake("rule-mismatch").
				Say("why-nat-rule-mismatch", D{"NS": nsV(c.ns), "Verdict": strings.ToUpper(c.verdict), "Rule": showRule(r), "Want": Msg{ID: "why-nat-want", Data: c.wantData()}})
		}
	}
	if other, text, ok := c.elsewhere(ctx, env); ok {
		return Failf("%s has no such %s rule, but %s has one (`%s`): every namespace has its own firewall, so the rule must be added inside %s",
			nsName(c.ns), strings.ToUpper(c.verdict), nsName(other), text, nsName(c.ns)).WithMistake("rule-wrong-ns").
			Say("why-rule-wrong-ns", D{"NS": nsV(c.ns), "Verdict": strings.ToUpper(c.verdict), "Other": nsV(other), "Rule": text})
	}
	n := len(rs.Rules) + len(rs.Legacy)
	have, haveV := "its ruleset is empty", Msg{ID: "why-nat-ruleset-empty"}
	switch {
	case n == 1:
		have, haveV = "its only rule is another", Msg{ID: "why-nat-only-other-rule"}
	case n > 1:
		have, haveV = fmt.Sprintf("none of its %d rules is one", n), Msg{ID: "why-nat-no-rule-is-one", Data: D{"N": n}}
	}
	missing := c.wantData()
	missing["NS"], missing["Have"] = nsV(c.ns), haveV
	return Failf("%s has no %s: %s", nsName(c.ns), strings.TrimPrefix(c.want(), "a "), have).WithMistake("rule-missing").
		Say("why-nat-rule-missing", missing)
}

// elsewhere looks for the rule in the lab's other namespaces: the classic
// mistake is `iptables ...` typed without `ip netns exec NS`.
func (c nfRuleCheck) elsewhere(ctx context.Context, env Env) (string, string, bool) {
	nss, err := allNamespaces(ctx, env.K)
	if err != nil {
		return "", "", false
	}
	for _, ns := range nss {
		if ns == c.ns || ctx.Err() != nil {
			continue
		}
		rs, err := env.K.Ruleset(ctx, ns)
		if err != nil {
			continue
		}
		hooks := map[string]string{}
		for _, ch := range rs.Chains {
			hooks[ch.Family+"/"+ch.Table+"/"+ch.Name] = ch.Hook
		}
		for _, r := range rs.Rules {
			if c.matches(r, hooks[r.Family+"/"+r.Table+"/"+r.Chain]) {
				return ns, showRule(r), true
			}
		}
		for _, r := range rs.Legacy {
			if c.matches(r, strings.ToLower(r.Chain)) {
				return ns, showRule(r), true
			}
		}
	}
	return "", "", false
}
