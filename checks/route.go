package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/sys/unix"
)

// RouteKind: a route exists in ns's main table (or, with absent: true, no
// route covers dst at all).
var RouteKind = &Kind{
	Name:     "route",
	Doc:      "ns has a route to dst (CIDR or \"default\"), optionally via a gateway and/or out of dev; with absent: true, ns has no route that covers dst",
	Phase:    PhaseState,
	Fields:   []string{"ns", "dst", "via", "dev", "absent"},
	Required: []string{"dst"},
	Build: func(p Params) (Check, error) {
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
			nsName(c.ns), c.dstText(), how).WithMistake("route-should-be-absent")
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
			WithFix(ipCmd(c.ns, strings.Replace(add, "route add", "route replace", 1))).WithMistake("wrong-gateway")
	}
	r := Failf("%s has no route to %s", nsName(c.ns), c.dstText()).WithFix(ipCmd(c.ns, add))
	if c.dst == nil {
		r = r.WithMistake("no-default-route")
	} else {
		r = r.WithMistake("route-missing")
	}
	return r
}

// SysctlKind: a net.* sysctl has a value in ns.
var SysctlKind = &Kind{
	Name:     "sysctl",
	Doc:      "the net.* sysctl key has value in ns (each namespace has its own net.* settings)",
	Phase:    PhaseState,
	Fields:   []string{"ns", "key", "value"},
	Required: []string{"key", "value"},
	Build: func(p Params) (Check, error) {
		if p.NS == "*" {
			return nil, fieldErr("ns", "sysctl needs one namespace")
		}
		if !strings.HasPrefix(p.Key, "net.") {
			return nil, fieldErr("key", "%q: netlab checks net.* keys only", p.Key)
		}
		return sysctlCheck{ns: p.NS, key: p.Key, value: p.Value}, nil
	},
}

type sysctlCheck struct{ ns, key, value string }

func (c sysctlCheck) Describe() string {
	return fmt.Sprintf("%s = %s in %s", c.key, c.value, nsName(c.ns))
}

func (c sysctlCheck) Run(ctx context.Context, env Env) Result {
	v, err := env.K.Sysctl(ctx, c.ns, c.key)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if v == c.value {
		return Passf("%s = %s in %s", c.key, v, nsName(c.ns))
	}
	fix := "sysctl -w " + c.key + "=" + c.value
	if c.ns != "" {
		fix = "ip netns exec " + c.ns + " " + fix
	}
	r := Failf("%s is %s in %s, not %s", c.key, v, nsName(c.ns), c.value).WithFix(fix)
	if c.key == "net.ipv4.ip_forward" {
		r.Why += ": without forwarding the namespace drops packets that are not addressed to itself"
		r = r.WithMistake("ip-forward-off")
	}
	return r
}
