package checks

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// AddrKind: a link carries an address with exactly this prefix length.
func AddrKind() *Kind { return addrKind.Get(newAddrKind) }

var addrKind lazy.Value[*Kind]

func newAddrKind() *Kind {
	return Define(Spec[addrParams]{
		Name:  "addr",
		Doc:   "link in ns has the address addr (IP/prefix); other addresses on it are fine",
		Phase: PhaseState,
		Build: func(p addrParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "addr needs one namespace")
			}
			ip, n, err := net.ParseCIDR(p.Addr)
			if err != nil {
				return nil, fieldErr("addr", "%q is not an address with a prefix length, like 10.0.0.1/24", p.Addr)
			}
			ones, _ := n.Mask.Size()
			return addrCheck{ns: p.NS, link: p.Link, ip: ip, ones: ones}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "wrong-prefix", "addr-wrong-link", "addr-wrong-end", "dup-addr", "addr-missing", "lo-down"}, missingLinkMistakes),
		Cases: func() []Case[addrParams] {
			return []Case[addrParams]{
				{Name: "wrong prefix", Fixture: "veth-pair", Params: addrParams{NS: "ns0", Link: "veth0", Addr: "10.0.0.1/24"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Addrs[1].IPNet = kerneltest.CIDR("10.0.0.1/32") }, Mistake: "wrong-prefix"},
				{Name: "on the wrong end", Fixture: "veth-pair", Params: addrParams{NS: "ns0", Link: "veth0", Addr: "10.0.0.1/24"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Addrs = f.NSs["ns0"].Addrs[:1]
						f.NSs["ns1"].Addrs = append(f.NSs["ns1"].Addrs, kernel.Addr{Link: "veth1", IPNet: kerneltest.CIDR("10.0.0.1/24")})
					}, Mistake: "addr-wrong-end"},
			}
		},
	})
}

type addrParams struct {
	NS   string `yaml:"ns" doc:"namespace of the link (default: the lab's root)"`
	Link string `yaml:"link" required:"true" doc:"the link's name"`
	Addr string `yaml:"addr" required:"true" doc:"address with its prefix length: 10.0.0.1/24"`
}

type addrCheck struct {
	ns, link string
	ip       net.IP
	ones     int
}

func (c addrCheck) cidr() string { return fmt.Sprintf("%s/%d", c.ip, c.ones) }

func (c addrCheck) Describe() string { return fmt.Sprintf("%s has %s", inNS(c.link, c.ns), c.cidr()) }

func (c addrCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-addr", Data: D{"Link": inNSV(c.link, c.ns), "CIDR": c.cidr()}}}
}

func (c addrCheck) Run(ctx context.Context, env Env) Result {
	if _, ok, err := findLink(ctx, env.K, c.ns, c.link); err != nil {
		return FromErr(err, c.ns)
	} else if !ok {
		return missingLink(ctx, env.K, c.ns, c.link)
	}
	addrs, err := env.K.Addrs(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if r, ok := loopbackDown(ctx, env, c, addrs); ok {
		return r
	}
	var onLink []string
	for _, a := range addrs {
		ones, _ := a.IPNet.Mask.Size()
		if a.Link == c.link && a.IPNet.IP.Equal(c.ip) {
			if ones == c.ones {
				return Passf("%s has %s", inNS(c.link, c.ns), c.cidr())
			}
			return Failf("%s has %s/%d, but the lesson wants /%d: with /%d the kernel does not treat the other addresses of the subnet as directly reachable",
				inNS(c.link, c.ns), c.ip, ones, c.ones, ones).
				WithFix(fmt.Sprintf("%s && %s", ipCmd(c.ns, fmt.Sprintf("addr del %s/%d dev %s", c.ip, ones, c.link)), ipCmd(c.ns, fmt.Sprintf("addr add %s dev %s", c.cidr(), c.link)))).
				WithMistake("wrong-prefix").Say("why-addr-wrong-prefix", D{"Link": inNSV(c.link, c.ns), "IP": c.ip, "Have": ones, "Want": c.ones})
		}
		if a.IPNet.IP.Equal(c.ip) {
			return Failf("%s is on %s, not on %s", c.cidr(), inNS(a.Link, c.ns), c.link).
				WithFix(fmt.Sprintf("%s && %s", ipCmd(c.ns, fmt.Sprintf("addr del %s/%d dev %s", c.ip, ones, a.Link)), ipCmd(c.ns, fmt.Sprintf("addr add %s dev %s", c.cidr(), c.link)))).
				WithMistake("addr-wrong-link").Say("why-addr-wrong-link", D{"CIDR": c.cidr(), "On": inNSV(a.Link, c.ns), "Link": c.link})
		}
		if a.Link == c.link && a.IPNet.IP.To4() != nil {
			onLink = append(onLink, fmt.Sprintf("%s/%d", a.IPNet.IP, ones))
		}
	}
	// Maybe the address sits in another namespace (on the wrong end).
	if nss, err := allNamespaces(ctx, env.K); err == nil {
		for _, ns := range nss {
			if ns == c.ns {
				continue
			}
			other, err := env.K.Addrs(ctx, ns)
			if err != nil {
				continue
			}
			for _, a := range other {
				if a.IPNet.IP.Equal(c.ip) {
					return Failf("%s is on %s, not on %s", c.ip, inNS(a.Link, ns), inNS(c.link, c.ns)).
						WithFix(ipCmd(c.ns, fmt.Sprintf("addr add %s dev %s", c.cidr(), c.link))).WithMistake("addr-wrong-end").
						Say("why-addr-wrong-end", D{"IP": c.ip, "On": inNSV(a.Link, ns), "Want": inNSV(c.link, c.ns)})
				}
			}
		}
	}
	// A learner who copied a line and forgot to change the address: the
	// link has an address that another namespace already holds.
	for _, a := range addrs {
		if a.Link != c.link || a.IPNet.IP.To4() == nil || a.IPNet.IP.IsLoopback() {
			continue
		}
		if nss, err := allNamespaces(ctx, env.K); err == nil {
			for _, ns := range nss {
				if ns == c.ns {
					continue
				}
				other, _ := env.K.Addrs(ctx, ns)
				for _, o := range other {
					if o.IPNet.IP.Equal(a.IPNet.IP) {
						ones, _ := a.IPNet.Mask.Size()
						return Failf("duplicate address: %s has %s/%d, which %s already has; it should have %s",
							inNS(c.link, c.ns), a.IPNet.IP, ones, inNS(o.Link, ns), c.cidr()).
							WithFix(fmt.Sprintf("%s && %s", ipCmd(c.ns, fmt.Sprintf("addr del %s/%d dev %s", a.IPNet.IP, ones, c.link)), ipCmd(c.ns, fmt.Sprintf("addr add %s dev %s", c.cidr(), c.link)))).
							WithMistake("dup-addr").
							Say("why-dup-addr", D{"Link": inNSV(c.link, c.ns), "IP": a.IPNet.IP, "Ones": ones, "Other": inNSV(o.Link, ns), "Want": c.cidr()})
					}
				}
			}
		}
	}
	r := Failf("%s does not have %s", inNS(c.link, c.ns), c.cidr()).
		WithFix(ipCmd(c.ns, fmt.Sprintf("addr add %s dev %s", c.cidr(), c.link))).WithMistake("addr-missing").
		Say("why-addr-missing", D{"Link": inNSV(c.link, c.ns), "CIDR": c.cidr()})
	if len(onLink) > 0 {
		r.Why += " (it has " + strings.Join(onLink, ", ") + ")"
		r = r.Say("why-addr-has", D{"Addrs": strings.Join(onLink, ", ")})
	}
	return r
}

// loopbackDown: the kernel gives lo its 127.0.0.1/8 when lo comes up, so
// a down lo without it needs `link set lo up`, not an `addr add`.
func loopbackDown(ctx context.Context, env Env, c addrCheck, addrs []kernel.Addr) (Result, bool) {
	if c.link != "lo" || !c.ip.IsLoopback() {
		return Result{}, false
	}
	for _, a := range addrs {
		if a.Link == "lo" && a.IPNet.IP.Equal(c.ip) {
			return Result{}, false
		}
	}
	lo, ok, err := findLink(ctx, env.K, c.ns, "lo")
	if err != nil || !ok || lo.AdminUp {
		return Result{}, false
	}
	return Failf("lo in %s is down and has no %s: bringing lo up is enough, the kernel gives it %s by itself", nsName(c.ns), c.cidr(), c.cidr()).
		WithFix(ipCmd(c.ns, "link set lo up")).WithMistake("lo-down").Say("why-lo-down-no-addr", D{"NS": nsV(c.ns), "CIDR": c.cidr()}), true
}
