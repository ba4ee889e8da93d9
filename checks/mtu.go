package checks

import (
	"context"
	"fmt"
)

// MTUKind: a link's MTU is at most max_mtu. An overlay costs headers:
// VXLAN over IPv4 adds 50 bytes, so on a 1500-byte underlay the
// containers' interfaces must carry at most 1450.
var MTUKind = &Kind{
	Name:     "mtu",
	Doc:      "link in ns has an MTU of at most max_mtu",
	Phase:    PhaseState,
	Fields:   []string{"ns", "link", "max_mtu"},
	Required: []string{"link", "max_mtu"},
	Build: func(p Params) (Check, error) {
		if p.NS == "*" {
			return nil, fieldErr("ns", "mtu needs one namespace")
		}
		if p.MaxMTU < 68 || p.MaxMTU > 65535 {
			return nil, fieldErr("max_mtu", "%d: want 68 to 65535", p.MaxMTU)
		}
		return mtuCheck{ns: p.NS, link: p.Link, max: p.MaxMTU}, nil
	},
}

type mtuCheck struct {
	ns, link string
	max      int
}

func (c mtuCheck) Describe() string {
	return fmt.Sprintf("%s has an MTU of at most %d", inNS(c.link, c.ns), c.max)
}

func (c mtuCheck) Run(ctx context.Context, env Env) Result {
	l, ok, err := findLink(ctx, env.K, c.ns, c.link)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if !ok {
		return missingLink(ctx, env.K, c.ns, c.link)
	}
	if l.MTU <= c.max {
		return Passf("%s has MTU %d", inNS(c.link, c.ns), l.MTU)
	}
	why := fmt.Sprintf("%s has MTU %d, more than %d: its full-size packets do not fit what the path can carry", inNS(c.link, c.ns), l.MTU, c.max)
	if tun, ok := tunnelBehind(ctx, newLabView(ctx, env.K), c.ns, l); ok && tun.mtu < l.MTU {
		why += fmt.Sprintf(" (%s has MTU %d: the tunnel's headers come off the underlay's MTU), and a bridge drops a frame too big for its outgoing port without a word", tun, tun.mtu)
	}
	return Failf("%s", why).WithFix(ipCmd(c.ns, fmt.Sprintf("link set %s mtu %d", c.link, c.max))).WithMistake("mtu-too-big")
}
