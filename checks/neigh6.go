package checks

import (
	"bytes"
	"context"
	"fmt"
	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel/kerneltest"
	"net"
	"net/netip"
	"strings"
)

// Neigh6Kind: neighbour discovery resolved an IPv6 address: ns's
// neighbour table on link holds to with the MAC of the interface that
// really has that address. Read after the probes, which fill the table.
func Neigh6Kind() *Kind { return neigh6Kind.Get(newNeigh6Kind) }

var neigh6Kind lazy.Value[*Kind]

func newNeigh6Kind() *Kind {
	return Define(Spec[neigh6Params]{
		Name:  "neigh6",
		Doc:   "the IPv6 neighbour table of ns on link holds to, resolved (not FAILED or INCOMPLETE) to the MAC of the interface of the lab that has to; read after the probes of the run, which fill it",
		Phase: PhaseAfter,
		Build: func(p neigh6Params) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "neigh6 needs one namespace")
			}
			a, err := netip.ParseAddr(p.To)
			if err != nil || !a.Is6() || a.Is4In6() {
				return nil, fieldErr("to", "%q is not an IPv6 address", p.To)
			}
			return neigh6Check{ns: p.NS, link: p.Link, to: a}, nil
		},
		Mistakes:    []string{"ns-missing", "nd-failed", "neigh-wrong-mac", "neigh-missing"},
		Unexplained: []string{"neigh-missing"},
		Cases: func() []Case[neigh6Params] {
			return []Case[neigh6Params]{
				{Name: "no entry", Fixture: "veth-pair-v6", Params: neigh6Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6 = nil }, Mistake: "neigh-missing"},
				{Name: "wrong MAC", Fixture: "veth-pair-v6", Params: neigh6Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6[0].MAC = kerneltest.MAC("02:00:00:00:00:99") }, Mistake: "neigh-wrong-mac"},
				{Name: "unanswered", Fixture: "veth-pair-v6", Params: neigh6Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6[0].State = "incomplete" }, Mistake: "nd-failed"},
				{Name: "no entry for an address nobody has", Fixture: "veth-pair-v6", Params: neigh6Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Neigh6 = nil
						f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:]
					}, Mistake: "neigh-missing"},
			}
		},
	})
}

type neigh6Params struct {
	NS   string `yaml:"ns" doc:"namespace whose neighbour table is read (default: the lab's root)"`
	Link string `yaml:"link" required:"true" doc:"the link the entry is on"`
	To   string `yaml:"to" required:"true" doc:"the IPv6 address that must be resolved"`
}

type neigh6Check struct {
	ns, link string
	to       netip.Addr
}

func (c neigh6Check) Describe() string {
	return fmt.Sprintf("%s's neighbour table on %s resolves %s to its owner's MAC", nsName(c.ns), c.link, c.to)
}

func (c neigh6Check) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-neigh6", Data: D{"NS": nsV(c.ns), "Link": c.link, "IP": c.to.String()}}}
}

func (c neigh6Check) Run(ctx context.Context, env Env) Result {
	ns, err := env.K.Neighbors6(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	h, ok := holder6(ctx, env.K, c.to, place{ns: c.ns, link: c.link})
	var want net.HardwareAddr
	if ok {
		if l, found, err := findLink(ctx, env.K, h.ns, h.link); err == nil && found {
			want = l.MAC
		}
	}
	for _, n := range ns {
		ip, _ := netip.AddrFromSlice(n.IP)
		if n.Dev != c.link || ip.Unmap() != c.to {
			continue
		}
		switch {
		case n.State == "failed" || n.State == "incomplete":
			return Failf("%s asked (ICMPv6 neighbour solicitation) who has %s on %s and got no answer (entry %s): the owner's answers (neighbour advertisements, ICMPv6 too) do not come back",
				nsName(c.ns), c.to, c.link, strings.ToUpper(n.State)).WithMistake("nd-failed").
				Say("why-neigh6-no-answer", D{"NS": nsV(c.ns), "IP": c.to, "Link": c.link, "State": strings.ToUpper(n.State)})
		case want != nil && !bytes.Equal(n.MAC, want):
			return Failf("%s's neighbour entry for %s on %s says %s, but %s, which has %s, is %s",
				nsName(c.ns), c.to, c.link, n.MAC, h, c.to, want).WithMistake("neigh-wrong-mac").
				Say("why-neigh6-wrong-mac", D{"NS": nsV(c.ns), "IP": c.to, "Link": c.link, "MAC": n.MAC, "Holder": inNSV(h.link, h.ns), "Want": want})
		}
		return Passf("%s: %s lladdr %s %s on %s", nsName(c.ns), c.to, n.MAC, strings.ToUpper(n.State), c.link)
	}
	why := fmt.Sprintf("%s's neighbour table on %s has no entry for %s: nothing has been sent there yet (ping it), or the entry expired", nsName(c.ns), c.link, c.to)
	msgs := []Msg{{ID: "why-neigh6-missing", Data: D{"NS": nsV(c.ns), "Link": c.link, "IP": c.to}}}
	if !ok {
		why += fmt.Sprintf("; no namespace of the lab has %s", c.to)
		msgs = append(msgs, Msg{ID: "why-neigh6-nobody", Data: D{"IP": c.to}})
	}
	r := Failf("%s", why).WithFix(inNSExec(c.ns, "ping -c 1 "+c.to.String())).WithMistake("neigh-missing")
	r.WhyMsg = msgs
	return r
}

// inNSExec prefixes a command to run inside ns.
func inNSExec(ns, cmd string) string {
	if ns == "" {
		return cmd
	}
	return "ip netns exec " + ns + " " + cmd
}
