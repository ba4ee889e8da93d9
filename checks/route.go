package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// RouteKind: a route exists in ns's main table (or, with absent: true, no
// route covers dst at all).
func RouteKind() *Kind { return routeKind.Get(newRouteKind) }

var routeKind lazy.Value[*Kind]

func newRouteKind() *Kind {
	return Define(Spec[routeParams]{
		Name:  "route",
		Doc:   "ns has a route to dst (CIDR or \"default\"), optionally via a gateway and/or out of dev; with absent: true, ns has no route that covers dst",
		Phase: PhaseState,
		Build: func(p routeParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "route needs one namespace")
			}
			c := routeCheck{ns: p.NS, via: net.ParseIP(p.Via), dev: p.Dev, absent: p.Absent}
			if p.Via != "" && c.via == nil {
				return nil, fieldErr("via", "%q is not an IP address", p.Via)
			}
			if p.Dst != "default" {
				_, n, err := net.ParseCIDR(p.Dst)
				if err != nil {
					return nil, fieldErr("dst", "%q is neither \"default\" nor a prefix like 10.0.1.0/24", p.Dst)
				}
				c.dst = n
			}
			if c.absent && (c.via != nil || c.dev != "") {
				return nil, fieldErr("absent", "absent: true takes no via or dev")
			}
			if c.absent && c.dst == nil {
				return nil, fieldErr("dst", "absent: true needs a prefix, not default")
			}
			return c, nil
		},
		Mistakes: []string{"ns-missing", "route-should-be-absent", "wrong-gateway", "no-default-route", "route-missing"},
		Cases: func() []Case[routeParams] {
			return []Case[routeParams]{
				{Name: "missing", Fixture: "veth-pair", Params: routeParams{NS: "ns0", Dst: "10.0.0.0/24", Dev: "veth0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Routes = nil }, Mistake: "route-missing"},
				{Name: "absent", Fixture: "veth-pair", Params: routeParams{NS: "ns1", Dst: "192.168.7.0/24", Absent: true},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Routes = append(f.NSs["ns1"].Routes, kernel.Route{Dev: "veth1", Gw: net.ParseIP("10.0.0.1"), Table: 254})
					}, Mistake: "route-should-be-absent"},
			}
		},
	})
}

type routeParams struct {
	NS     string `yaml:"ns" doc:"namespace (default: the lab's root)"`
	Dst    string `yaml:"dst" required:"true" doc:"destination: a prefix like 10.0.1.0/24, or default"`
	Via    string `yaml:"via" doc:"gateway address the route must use"`
	Dev    string `yaml:"dev" doc:"output device the route must use"`
	Absent bool   `yaml:"absent" doc:"no route may cover dst (takes no via or dev)"`
}

type routeCheck struct {
	ns     string
	dst    *net.IPNet // nil = default
	via    net.IP
	dev    string
	absent bool
}

func (c routeCheck) dstText() string {
	if c.dst == nil {
		return "default"
	}
	return c.dst.String()
}

func (c routeCheck) Describe() string {
	if c.absent {
		return fmt.Sprintf("%s has no route to %s", nsName(c.ns), c.dstText())
	}
	s := fmt.Sprintf("%s has a route to %s", nsName(c.ns), c.dstText())
	if c.via != nil {
		s += " via " + c.via.String()
	}
	if c.dev != "" {
		s += " dev " + c.dev
	}
	return s
}

func (c routeCheck) DescribeMsgs() []Msg {
	data := D{"NS": nsV(c.ns)}
	var m Msg
	switch {
	case c.absent: // never default (Build refuses it)
		data["Dst"] = c.dstText()
		m = Msg{ID: "title-route-absent", Data: data}
	case c.dst == nil:
		m = Msg{ID: "title-route-default", Data: data}
	default:
		data["Dst"] = c.dst.String()
		m = Msg{ID: "title-route", Data: data}
	}
	if c.absent {
		return []Msg{m}
	}
	var via string
	if c.via != nil {
		via = c.via.String()
	}
	return append([]Msg{m}, routeTailMsgs(via, c.dev)...)
}

func sameNet(a, b *net.IPNet) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ao, _ := a.Mask.Size()
	bo, _ := b.Mask.Size()
	return ao == bo && a.IP.Equal(b.IP)
}

func (c routeCheck) Run(ctx context.Context, env Env) Result {
	if c.absent {
		// The first host of the prefix stands for it.
		probe := make(net.IP, len(c.dst.IP.To4()))
		copy(probe, c.dst.IP.To4())
		probe[len(probe)-1]++
		r, err := env.K.RouteGet(ctx, c.ns, probe)
		if err != nil {
			if errors.Is(err, unix.ENETUNREACH) || errors.Is(err, unix.EHOSTUNREACH) || strings.Contains(err.Error(), "unreachable") {
				return Passf("%s has no route to %s", nsName(c.ns), c.dstText())
			}
			return FromErr(err, c.ns)
		}
		if r.Type != "unicast" && r.Type != "local" {
			return Passf("%s has no usable route to %s (%s)", nsName(c.ns), c.dstText(), r.Type)
		}
		how := "dev " + r.Dev
		if r.Gw != nil {
			how = "via " + r.Gw.String() + " " + how
		}
		return Failf("%s can route to %s (%s): the lesson wants it to know nothing of that network, so that only NAT can make replies come back",
			nsName(c.ns), c.dstText(), how).WithMistake("route-should-be-absent").
			Say("why-route-should-be-absent", D{"NS": nsV(c.ns), "Dst": c.dstText(), "How": how})
	}
	routes, err := env.K.Routes(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	var near []string
	for _, r := range routes {
		if r.Table != 0 && r.Table != unix.RT_TABLE_MAIN {
			continue
		}
		if !sameNet(r.Dst, c.dst) && !(c.dst == nil && r.IsDefault()) {
			continue
		}
		if c.via != nil && !c.via.Equal(r.Gw) {
			near = append(near, fmt.Sprintf("via %v dev %s", r.Gw, r.Dev))
			continue
		}
		if c.dev != "" && r.Dev != c.dev {
			near = append(near, fmt.Sprintf("dev %s", r.Dev))
			continue
		}
		return Passf("%s: %s", nsName(c.ns), c.Describe())
	}
	add := "route add " + c.dstText()
	if c.via != nil {
		add += " via " + c.via.String()
	}
	if c.dev != "" {
		add += " dev " + c.dev
	}
	if len(near) > 0 {
		return Failf("%s's route to %s goes %s, not the way the lesson wants (%s)", nsName(c.ns), c.dstText(), strings.Join(near, "; "), c.Describe()).
			WithFix(ipCmd(c.ns, strings.Replace(add, "route add", "route replace", 1))).WithMistake("wrong-gateway").
			Say("why-route-wrong-way", D{"NS": nsV(c.ns), "Dst": c.dstText(), "Near": strings.Join(near, "; "),
				"Want": Msg{ID: "why-route-want", Data: D{"NS": nsV(c.ns), "Dst": c.dstText(), "Spec": strings.TrimPrefix(add, "route add "+c.dstText())}}})
	}
	r := Failf("%s has no route to %s", nsName(c.ns), c.dstText()).WithFix(ipCmd(c.ns, add))
	if c.dst == nil {
		r = r.WithMistake("no-default-route").Say("why-no-default-route", D{"NS": nsV(c.ns)})
	} else {
		r = r.WithMistake("route-missing").Say("why-route-missing", D{"NS": nsV(c.ns), "Dst": c.dstText()})
	}
	return r
}
