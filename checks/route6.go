package checks

import (
	"context"
	"fmt"
	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel/kerneltest"
	"net"
	"strings"
)

// Route6Kind: an IPv6 route in ns's main table.
func Route6Kind() *Kind { return route6Kind.Get(newRoute6Kind) }

var route6Kind lazy.Value[*Kind]

func newRoute6Kind() *Kind {
	return Define(Spec[route6Params]{
		Name:  "route6",
		Doc:   "ns has an IPv6 route to dst (prefix or \"default\"), optionally via a gateway and/or out of dev",
		Phase: PhaseState,
		Build: func(p route6Params) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "route6 needs one namespace")
			}
			c := route6Check{ns: p.NS, dev: p.Dev}
			if p.Via != "" {
				if c.via = net.ParseIP(p.Via); c.via == nil || c.via.To4() != nil {
					return nil, fieldErr("via", "%q is not an IPv6 address", p.Via)
				}
			}
			if p.Dst != "default" {
				ip, n, err := net.ParseCIDR(p.Dst)
				if err != nil || ip.To4() != nil {
					return nil, fieldErr("dst", "%q is neither \"default\" nor an IPv6 prefix like fd00:1::/64", p.Dst)
				}
				c.dst = n
			}
			return c, nil
		},
		Mistakes: []string{"ns-missing", "wrong-gateway", "no-default-route", "route-missing"},
		Cases: func() []Case[route6Params] {
			return []Case[route6Params]{
				{Name: "no default route", Fixture: "veth-pair-v6", Params: route6Params{NS: "ns0", Dst: "default", Via: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Routes6 = f.NSs["ns0"].Routes6[:1] }, Mistake: "no-default-route"},
				{Name: "wrong gateway", Fixture: "veth-pair-v6", Params: route6Params{NS: "ns0", Dst: "default", Via: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Routes6[1].Gw = net.ParseIP("fd00::99") }, Mistake: "wrong-gateway"},
				{Name: "prefix route missing", Fixture: "veth-pair-v6", Params: route6Params{NS: "ns0", Dst: "fd00::/64", Dev: "veth0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Routes6 = f.NSs["ns0"].Routes6[1:] }, Mistake: "route-missing"},
			}
		},
	})
}

type route6Params struct {
	NS  string `yaml:"ns" doc:"namespace (default: the lab's root)"`
	Dst string `yaml:"dst" required:"true" doc:"IPv6 prefix (fd00:1::/64) or default"`
	Via string `yaml:"via" doc:"the gateway the route must name"`
	Dev string `yaml:"dev" doc:"the device the route must leave by"`
}

type route6Check struct {
	ns  string
	dst *net.IPNet // nil = default
	via net.IP
	dev string
}

func (c route6Check) dstText() string {
	if c.dst == nil {
		return "default"
	}
	return c.dst.String()
}

func (c route6Check) add() string {
	s := "-6 route add " + c.dstText()
	if c.via != nil {
		s += " via " + c.via.String()
	}
	if c.dev != "" {
		s += " dev " + c.dev
	}
	return s
}

func (c route6Check) Describe() string {
	s := fmt.Sprintf("%s has an IPv6 route to %s", nsName(c.ns), c.dstText())
	if c.via != nil {
		s += " via " + c.via.String()
	}
	if c.dev != "" {
		s += " dev " + c.dev
	}
	return s
}

func (c route6Check) DescribeMsgs() []Msg {
	var via string
	if c.via != nil {
		via = c.via.String()
	}
	m := Msg{ID: "title-route6-default", Data: D{"NS": nsV(c.ns)}}
	if c.dst != nil {
		m = Msg{ID: "title-route6", Data: D{"NS": nsV(c.ns), "Dst": c.dst.String()}}
	}
	return append([]Msg{m}, routeTailMsgs(via, c.dev)...)
}

func (c route6Check) Run(ctx context.Context, env Env) Result {
	routes, err := env.K.Routes6(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	var near []string
	for _, r := range routes {
		if !sameNet(r.Dst, c.dst) && !(c.dst == nil && r.IsDefault()) {
			continue
		}
		if r.Type != "" && r.Type != "unicast" {
			near = append(near, r.Type)
			continue
		}
		if c.via != nil && !c.via.Equal(r.Gw) {
			near = append(near, fmt.Sprintf("via %v dev %s", r.Gw, r.Dev))
			continue
		}
		if c.dev != "" && r.Dev != c.dev {
			near = append(near, "dev "+r.Dev)
			continue
		}
		return Passf("%s", c.Describe())
	}
	if len(near) > 0 {
		return Failf("%s's IPv6 route to %s goes %s, not the way the lesson wants (%s)", nsName(c.ns), c.dstText(), strings.Join(near, "; "), c.Describe()).
			WithFix(ipCmd(c.ns, strings.Replace(c.add(), "route add", "route replace", 1))).WithMistake("wrong-gateway").
			Say("why-route6-wrong-way", D{"NS": nsV(c.ns), "Dst": c.dstText(), "Near": strings.Join(near, "; "),
				"Want": Msg{ID: "why-route6-want", Data: D{"NS": nsV(c.ns), "Dst": c.dstText(), "Spec": strings.TrimPrefix(c.add(), "-6 route add "+c.dstText())}}})
	}
	r := Failf("%s has no IPv6 route to %s (`ip -6 route` and `ip route` are two tables: an IPv4 default route does nothing for IPv6)", nsName(c.ns), c.dstText()).
		WithFix(ipCmd(c.ns, c.add())).Say("why-route6-missing", D{"NS": nsV(c.ns), "Dst": c.dstText()})
	if c.dst == nil {
		return r.WithMistake("no-default-route")
	}
	return r.WithMistake("route-missing")
}
