package checks

import (
	"context"
	"fmt"
	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel/kerneltest"
	"slices"
)

// MTUKind: a link's MTU is at most max_mtu. An overlay costs headers:
// VXLAN over IPv4 adds 50 bytes, so on a 1500-byte underlay the
// containers' interfaces must carry at most 1450.
func MTUKind() *Kind { return mTUKind.Get(newMTUKind) }

var mTUKind lazy.Value[*Kind]

func newMTUKind() *Kind {
	return Define(Spec[mtuParams]{
		Name:  "mtu",
		Doc:   "link in ns has an MTU of at most max_mtu",
		Phase: PhaseState,
		Build: func(p mtuParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "mtu needs one namespace")
			}
			if p.MaxMTU < 68 || p.MaxMTU > 65535 {
				return nil, fieldErr("max_mtu", "%d: want 68 to 65535", p.MaxMTU)
			}
			return mtuCheck{ns: p.NS, link: p.Link, max: p.MaxMTU}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "mtu-too-big"}, missingLinkMistakes),
		Cases: func() []Case[mtuParams] {
			return []Case[mtuParams]{
				{Name: "1500 on a 1450 overlay", Fixture: "overlay", Params: mtuParams{NS: "c1", Link: "eth0", MaxMTU: 1450},
					Break: func(f *kerneltest.Fake) { f.NSs["c1"].Links[1].MTU = 1500 }, Mistake: "mtu-too-big"},
			}
		},
	})
}

type mtuParams struct {
	NS     string `yaml:"ns" doc:"namespace of the link (default: the lab's root)"`
	Link   string `yaml:"link" required:"true" doc:"link name"`
	MaxMTU int    `yaml:"max_mtu" required:"true" doc:"the largest MTU allowed"`
}

type mtuCheck struct {
	ns, link string
	max      int
}

func (c mtuCheck) Describe() string {
	return fmt.Sprintf("%s has an MTU of at most %d", inNS(c.link, c.ns), c.max)
}

func (c mtuCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-mtu", Data: D{"Link": inNSV(c.link, c.ns), "Max": c.max}}}
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
	msgs := []Msg{{ID: "why-mtu-too-big", Data: D{"Link": inNSV(c.link, c.ns), "MTU": l.MTU, "Max": c.max}}}
	if tun, ok := tunnelBehind(ctx, newLabView(ctx, env.K), c.ns, l); ok && tun.mtu < l.MTU {
		why += fmt.Sprintf(" (%s has MTU %d: the tunnel's headers come off the underlay's MTU), and a bridge drops a frame too big for its outgoing port without a word", tun, tun.mtu)
		msgs = append(msgs, Msg{ID: "why-mtu-tunnel", Data: D{"Tunnel": inNSV(tun.link, tun.ns), "MTU": tun.mtu}})
	}
	r := Failf("%s", why).WithFix(ipCmd(c.ns, fmt.Sprintf("link set %s mtu %d", c.link, c.max))).WithMistake("mtu-too-big")
	r.WhyMsg = msgs
	return r
}
