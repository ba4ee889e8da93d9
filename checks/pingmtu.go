package checks

import (
	"context"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// PingMTUKind: a ping that fills the sender's MTU, with "don't fragment",
// is answered: the whole path carries full-size packets. (ping -M do -s
// MTU-28: 20 bytes of IPv4 header and 8 of ICMP.)
func PingMTUKind() *Kind { return pingMTUKind.Get(newPingMTUKind) }

var pingMTUKind lazy.Value[*Kind]

func newPingMTUKind() *Kind {
	return Define(Spec[pingMTUParams]{
		Name:  "ping_mtu",
		Doc:   "a ping from namespace from to to with don't-fragment whose packet fills the MTU of the interface it leaves by (payload = MTU - 28) is answered",
		Phase: PhaseProbe,
		Build: func(p pingMTUParams) (Check, error) {
			ip := net.ParseIP(p.To)
			if ip == nil || ip.To4() == nil {
				return nil, fieldErr("to", "%q is not an IPv4 address", p.To)
			}
			if p.From == "*" {
				return nil, fieldErr("from", "ping_mtu needs one namespace")
			}
			return pingMTUCheck{from: p.From, to: ip.To4()}, nil
		},
		Mistakes:    slices.Concat(pathMistakes, []string{"mtu-too-big", "no-reply"}),
		Unexplained: []string{"no-reply"},
		Cases: func() []Case[pingMTUParams] {
			return []Case[pingMTUParams]{
				{Name: "frames too big for the tunnel", Fixture: "overlay", Params: pingMTUParams{From: "c1", To: "10.244.0.12"},
					Break: func(f *kerneltest.Fake) { f.NSs["c1"].Links[1].MTU = 1500 }, Mistake: "mtu-too-big"},
			}
		},
	})
}

type pingMTUParams struct {
	From string `yaml:"from" required:"true" doc:"namespace the ping starts in"`
	To   string `yaml:"to" required:"true" doc:"IPv4 address that must answer"`
}

type pingMTUCheck struct {
	from string
	to   net.IP
}

func (c pingMTUCheck) Describe() string {
	return fmt.Sprintf("%s pings %s with full-size packets and don't-fragment", nsName(c.from), c.to)
}

func (c pingMTUCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-ping-mtu", Data: D{"From": nsV(c.from), "To": c.to.String()}}}
}

func (c pingMTUCheck) Run(ctx context.Context, env Env) Result {
	v := newLabView(ctx, env.K)
	path, verdict := walkPath(ctx, v, c.from, c.to, false, false)
	if verdict != nil {
		return *verdict
	}
	r, err := env.K.RouteGet(ctx, c.from, c.to)
	if err != nil {
		return FromErr(err, c.from)
	}
	out, ok := v.link(ctx, c.from, r.Dev)
	if !ok || out.MTU < 68 {
		return Errorf("could not read the MTU of %s", inNS(r.Dev, c.from)).Say("why-mtu-unread", D{"Link": inNSV(r.Dev, c.from)})
	}
	size := out.MTU - 28
	res, err := env.K.Ping(ctx, c.from, c.to, kernel.PingOpts{Count: 2, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env), Size: size, DontFragment: true})
	if err != nil {
		return FromErr(err, c.from)
	}
	if res.Received > 0 {
		return Passf("%s pings %s with %d-byte packets (payload %d, don't fragment)", nsName(c.from), c.to, out.MTU, size)
	}
	why := fmt.Sprintf("%s sent %d-byte pings (payload %d) with don't-fragment to %s and got no reply", nsName(c.from), out.MTU, size, c.to)
	whyMsg := Msg{ID: "why-pingmtu-no-reply", Data: D{"From": nsV(c.from), "MTU": out.MTU, "Size": size, "To": c.to}}
	for _, ns := range path.nss {
		for _, l := range v.Links(ctx, ns) {
			if l.Type == "vxlan" && l.MTU < out.MTU {
				return Failf("%s: %s has MTU %d, so frames of %d bytes cannot enter the tunnel, and the bridge drops them silently (bridging is layer 2: no ICMP \"fragmentation needed\" comes back). Lower the MTU of %s to %d",
					why, inNS(l.Name, ns), l.MTU, out.MTU, inNS(r.Dev, c.from), l.MTU).
					WithFix(ipCmd(c.from, fmt.Sprintf("link set %s mtu %d", r.Dev, l.MTU))).WithMistake("mtu-too-big").
					Say(whyMsg.ID, whyMsg.Data).Say("why-pingmtu-tunnel", D{"Tunnel": inNSV(l.Name, ns), "TunMTU": l.MTU, "MTU": out.MTU, "Link": inNSV(r.Dev, c.from)})
			}
		}
	}
	msgs := []Msg{whyMsg}
	if res.Err != nil {
		why += fmt.Sprintf(" (%v)", res.Err)
		msgs = append(msgs, Msg{ID: "why-pingmtu-err", Data: D{"Err": res.Err}})
	}
	r2 := Failf("%s", why).WithMistake("no-reply")
	r2.WhyMsg = msgs
	return r2
}
