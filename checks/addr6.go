package checks

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// Addr6Kind: an IPv6 address on a link, usable: duplicate address
// detection (DAD) has finished and found no other holder. A prefix whose
// host part is zero (fe80::/64) asks for any address inside it: the
// link-local address every IPv6 interface makes for itself.
func Addr6Kind() *Kind { return addr6Kind.Get(newAddr6Kind) }

var addr6Kind lazy.Value[*Kind]

func newAddr6Kind() *Kind {
	return Define(Spec[addr6Params]{
		Name:  "addr6",
		Doc:   "link in ns has the IPv6 address addr (IP/prefix), no longer tentative (DAD done) and not dadfailed; addr with a zero host part (fe80::/64) means any address in that prefix",
		Phase: PhaseState,
		Build: func(p addr6Params) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "addr6 needs one namespace")
			}
			pf, err := netip.ParsePrefix(p.Addr)
			if err != nil || !pf.Addr().Is6() || pf.Addr().Is4In6() {
				return nil, fieldErr("addr", "%q is not an IPv6 address with a prefix length, like fd00:1::10/64", p.Addr)
			}
			return addr6Check{ns: p.NS, link: p.Link, want: pf, any: pf.Masked() == pf}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "wrong-prefix", "ipv6-disabled", "no-link-local", "addr-missing", "addr-wrong-end", "dad-failed", "addr-tentative"}, missingLinkMistakes),
		Cases: func() []Case[addr6Params] {
			return []Case[addr6Params]{
				{Name: "missing", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:] }, Mistake: "addr-missing"},
				{Name: "tentative", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Tentative = true }, Mistake: "addr-tentative"},
				{Name: "tentative without carrier", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Addrs6[0].Tentative = true
						f.NSs["ns1"].Links[1].LowerUp, f.NSs["ns1"].Links[1].OperState = false, "lowerlayerdown"
					}, Mistake: "addr-tentative"},
				{Name: "dadfailed", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].DADFailed = true }, Mistake: "dad-failed"},
				{Name: "a neighbour's address, refused by DAD", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Addrs6[0] = kernel.Addr6{Link: "veth1", Prefix: netip.MustParsePrefix("fd00::1/64"), DADFailed: true}
					}, Mistake: "dad-failed"},
				{Name: "on the wrong end", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:]
						f.NSs["ns0"].Addrs6 = append(f.NSs["ns0"].Addrs6, kernel.Addr6{Link: "veth0", Prefix: netip.MustParsePrefix("fd00::2/64")})
					}, Mistake: "addr-wrong-end"},
				{Name: "wrong prefix", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Prefix = netip.MustParsePrefix("fd00::2/128") }, Mistake: "wrong-prefix"},
				{Name: "IPv6 disabled", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Addrs6 = nil
						f.NSs["ns1"].Sysctls["net.ipv6.conf.veth1.disable_ipv6"] = "1"
					}, Mistake: "ipv6-disabled"},
				{Name: "no link-local", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fe80::/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[:1] }, Mistake: "no-link-local"},
				{Name: "the link is gone", Fixture: "veth-pair-v6", Params: addr6Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Links = f.NSs["ns1"].Links[:1] }, Mistake: "link-missing"},
			}
		},
	})
}

type addr6Params struct {
	NS   string `yaml:"ns" doc:"namespace of the link (default: the lab's root)"`
	Link string `yaml:"link" required:"true" doc:"link name"`
	Addr string `yaml:"addr" required:"true" doc:"IPv6 address with prefix length (fd00:1::10/64); a zero host part (fe80::/64) means any address in the prefix"`
}

type addr6Check struct {
	ns, link string
	want     netip.Prefix
	any      bool // any address inside want
}

func (c addr6Check) Describe() string {
	if c.any {
		return fmt.Sprintf("%s has an address in %s", inNS(c.link, c.ns), c.want)
	}
	return fmt.Sprintf("%s has %s, DAD done", inNS(c.link, c.ns), c.want)
}

func (c addr6Check) DescribeMsgs() []Msg {
	if c.any {
		return []Msg{{ID: "title-addr6-any", Data: D{"Link": inNSV(c.link, c.ns), "Prefix": c.want.String()}}}
	}
	return []Msg{{ID: "title-addr6", Data: D{"Link": inNSV(c.link, c.ns), "Prefix": c.want.String()}}}
}

func (c addr6Check) match(a kernel.Addr6) bool {
	if c.any {
		return c.want.Contains(a.Prefix.Addr()) && a.Prefix.Bits() == c.want.Bits()
	}
	return a.Prefix.Addr() == c.want.Addr()
}

func (c addr6Check) Run(ctx context.Context, env Env) Result {
	l, ok, err := findLink(ctx, env.K, c.ns, c.link)
	if err != nil {
		return FromErr(err, c.ns)
	} else if !ok {
		return missingLink(ctx, env.K, c.ns, c.link)
	}
	addrs, err := env.K.Addrs6(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	var onLink []string
	for _, a := range addrs {
		if a.Link != c.link {
			continue
		}
		onLink = append(onLink, a.Prefix.String())
		if !c.match(a) {
			continue
		}
		if r := dadState(ctx, env.K, c.ns, l, a); r != nil {
			return *r
		}
		if a.Prefix.Bits() != c.want.Bits() {
			return Failf("%s has %s, but the lesson wants /%d: IPv6 subnets on a link are /64, and with another length the kernel does not treat the other hosts as on-link",
				inNS(c.link, c.ns), a.Prefix, c.want.Bits()).
				WithFix(fmt.Sprintf("%s && %s", ipCmd(c.ns, "addr del "+a.Prefix.String()+" dev "+c.link), ipCmd(c.ns, "addr add "+c.want.String()+" dev "+c.link))).
				WithMistake("wrong-prefix").
				Say("why-addr6-wrong-prefix", D{"Link": inNSV(c.link, c.ns), "Prefix": a.Prefix, "Want": c.want.Bits()})
		}
		return Passf("%s has %s", inNS(c.link, c.ns), a.Prefix)
	}
	disable := "net.ipv6.conf." + c.link + ".disable_ipv6"
	if v, err := env.K.Sysctl(ctx, c.ns, disable); err == nil && v == "1" {
		return Failf("%s has no IPv6 address at all: IPv6 is disabled on it (%s = 1), and the kernel removed its addresses (Docker hosts often ship with this)",
			inNS(c.link, c.ns), disable).
			WithFix(sysctlIn(c.ns, disable+"=0")+" && "+ipCmd(c.ns, "addr add "+c.want.String()+" dev "+c.link)).WithMistake("ipv6-disabled").
			Say("why-ipv6-disabled", D{"Link": inNSV(c.link, c.ns), "Key": disable})
	}
	if c.any && c.want.Addr().IsLinkLocalUnicast() {
		return Failf("%s has no link-local (fe80::/64) address: the kernel makes one when the link comes up, unless its addr_gen_mode is none", inNS(c.link, c.ns)).
			WithFix(ipCmd(c.ns, "link set "+c.link+" down")+" && "+ipCmd(c.ns, "link set "+c.link+" up")).WithMistake("no-link-local").
			Say("why-no-link-local", D{"Link": inNSV(c.link, c.ns)})
	}
	r := Failf("%s does not have %s", inNS(c.link, c.ns), c.want).WithFix(ipCmd(c.ns, "addr add "+c.want.String()+" dev "+c.link)).WithMistake("addr-missing").
		Say("why-addr-missing", D{"Link": inNSV(c.link, c.ns), "CIDR": c.want})
	if len(onLink) > 0 {
		r.Why += " (it has " + strings.Join(onLink, ", ") + ")"
		r.Message = r.Why
		r = r.Say("why-addr-has", D{"Addrs": strings.Join(onLink, ", ")})
	}
	for _, a := range addrs {
		if a.Link == c.link && a.DADFailed && !a.LinkLocal() {
			// The classic typo: the address of a neighbour, refused by DAD.
			d := dadState(ctx, env.K, c.ns, l, a)
			r.Why += "; " + d.Why
			r.Message = r.Why
			r.WhyMsg = append(append(r.WhyMsg, Msg{ID: "why-addr6-dad-also"}), d.WhyMsg...)
			return r.WithMistake("dad-failed")
		}
	}
	if holder, ok := holder6(ctx, env.K, c.want.Addr()); ok {
		r.Why += "; " + c.want.Addr().String() + " is on " + holder.String() + " instead"
		r.Message = r.Why
		r = r.WithMistake("addr-wrong-end").Say("why-addr6-elsewhere", D{"IP": c.want.Addr(), "Holder": inNSV(holder.link, holder.ns)})
	}
	return r
}

// dadState fails an address that is not usable yet (tentative) or never
// will be (dadfailed), saying why.
func dadState(ctx context.Context, k kernel.Kernel, ns string, l kernel.Link, a kernel.Addr6) *Result {
	switch {
	case a.DADFailed:
		why := fmt.Sprintf("%s on %s is marked dadfailed: duplicate address detection found another host on the link that already has %s, so the kernel will not use it",
			a.Prefix, inNS(l.Name, ns), a.Prefix.Addr())
		msgs := []Msg{{ID: "why-dad-failed", Data: D{"Prefix": a.Prefix, "Link": inNSV(l.Name, ns), "IP": a.Prefix.Addr()}}}
		if h, ok := holder6(ctx, k, a.Prefix.Addr(), place{ns: ns, link: l.Name}); ok {
			why += " (" + h.String() + " has it)"
			msgs = append(msgs, Msg{ID: "why-dad-holder", Data: D{"Holder": inNSV(h.link, h.ns)}})
		}
		r := Failf("%s", why).WithFix(ipCmd(ns, "addr del "+a.Prefix.String()+" dev "+l.Name)).WithMistake("dad-failed")
		r.WhyMsg = msgs
		return fail(r)
	case a.Tentative:
		why := fmt.Sprintf("%s on %s is still tentative: duplicate address detection has not finished, and until it has the kernel neither uses nor answers for it", a.Prefix, inNS(l.Name, ns))
		msgs := []Msg{{ID: "why-tentative", Data: D{"Prefix": a.Prefix, "Link": inNSV(l.Name, ns)}}}
		if !l.OperUp() {
			why += fmt.Sprintf("; DAD waits for carrier, and %s is not operationally up (%s)", l.Name, l.OperState)
			msgs = append(msgs, Msg{ID: "why-tentative-no-carrier", Data: D{"Link": l.Name, "State": l.OperState}})
		} else {
			why += " (it takes about a second after the address is added; `ip -6 addr` shows `tentative` until then)"
			msgs = append(msgs, Msg{ID: "why-tentative-wait"})
		}
		r := Failf("%s", why).WithMistake("addr-tentative")
		r.WhyMsg = msgs
		return fail(r)
	}
	return nil
}

// holder6 finds which namespace of the lab (other than the excluded
// places) has ip, usable or not.
func holder6(ctx context.Context, k kernel.Kernel, ip netip.Addr, exclude ...place) (place, bool) {
	nss, err := allNamespaces(ctx, k)
	if err != nil {
		return place{}, false
	}
	for _, ns := range nss {
		as, err := k.Addrs6(ctx, ns)
		if err != nil {
			continue
		}
	next:
		for _, a := range as {
			if a.Prefix.Addr() != ip {
				continue
			}
			for _, e := range exclude {
				if e.ns == ns && e.link == a.Link {
					continue next
				}
			}
			return place{ns: ns, link: a.Link}, true
		}
	}
	return place{}, false
}
