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

// TunnelKind: a ping is answered and provably crossed a tunnel: the
// tunnel device's packet counters moved during the probe, sending on one
// side (ns) and receiving on the other (peer_ns). An answer alone could
// come another way (a leftover direct veth, an address on the wrong host).
func TunnelKind() *Kind { return tunnelKind.Get(newTunnelKind) }

var tunnelKind lazy.Value[*Kind]

func newTunnelKind() *Kind {
	return Define(Spec[tunnelParams]{
		Name:  "tunnel",
		Doc:   "a ping from namespace from to to is answered, and it crossed link: link's transmit counter in ns and its receive counter in peer_ns moved during the probe",
		Phase: PhaseProbe,
		Build: func(p tunnelParams) (Check, error) {
			ip := net.ParseIP(p.To)
			if ip == nil || ip.To4() == nil {
				return nil, fieldErr("to", "%q is not an IPv4 address", p.To)
			}
			if p.From == "*" || p.NS == "*" || p.PeerNS == "*" {
				return nil, fieldErr("ns", "tunnel needs one namespace on each side")
			}
			return tunnelCheck{from: p.From, to: ip.To4(), link: p.Link, ns: p.NS, peerNS: p.PeerNS}, nil
		},
		Mistakes:    slices.Concat(pathMistakes, []string{"no-reply", "not-through-tunnel"}),
		Unexplained: []string{"no-reply", "not-through-tunnel"},
		Cases: func() []Case[tunnelParams] {
			return []Case[tunnelParams]{
				{Name: "the other end has another VNI", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].VNI = 43 }, Mistake: "vni-mismatch"},
				{Name: "the other end listens on another port", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].Port = 8472 }, Mistake: "vxlan-port-mismatch"},
				{Name: "the other end is no bridge port", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].MasterIndex = 0 }, Mistake: "vxlan-not-port"},
				{Name: "the other end sends elsewhere", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].Remote = net.ParseIP("192.168.100.7") }, Mistake: "vxlan-remote-wrong"},
				{Name: "no vxlan on the other host", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs = nil }, Mistake: "vxlan-missing"},
				{Name: "nothing sent into the tunnel", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Remote = nil }, Mistake: "vxlan-no-remote"},
				{Name: "the other end is down", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].AdminUp = false }, Mistake: "link-down"},
				{Name: "the other end sends nowhere", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) { f.NSs["host2"].VXLANs[0].Remote = nil }, Mistake: "vxlan-remote-wrong"},
				{Name: "answered another way", Fixture: "overlay", Params: tunnelParams{From: "c1", To: "10.244.0.12", Link: "vxlan42", NS: "host1", PeerNS: "host2"},
					Break: func(f *kerneltest.Fake) {
						ping := f.PingF
						f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
							r, err := ping(ns, dst, o)
							f.NSs["host1"].LinkStats = map[string]kernel.LinkStats{"vxlan42": {}}
							f.NSs["host2"].LinkStats = map[string]kernel.LinkStats{"vxlan42": {}}
							return r, err
						}
						f.NSs["host1"].LinkStats = map[string]kernel.LinkStats{"vxlan42": {}}
						f.NSs["host2"].LinkStats = map[string]kernel.LinkStats{"vxlan42": {}}
					}, Mistake: "not-through-tunnel"},
			}
		},
	})
}

type tunnelParams struct {
	From   string `yaml:"from" required:"true" doc:"namespace the ping starts in"`
	To     string `yaml:"to" required:"true" doc:"IPv4 address that must answer"`
	Link   string `yaml:"link" required:"true" doc:"the tunnel device, of that name on both sides"`
	NS     string `yaml:"ns" required:"true" doc:"namespace whose tunnel device sends"`
	PeerNS string `yaml:"peer_ns" required:"true" doc:"namespace whose tunnel device receives"`
}

type tunnelCheck struct {
	from, link, ns, peerNS string
	to                     net.IP
}

func (c tunnelCheck) Describe() string {
	return fmt.Sprintf("%s pings %s through %s (%s to %s)", nsName(c.from), c.to, c.link, nsName(c.ns), nsName(c.peerNS))
}

func (c tunnelCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-tunnel", Data: D{"From": nsV(c.from), "To": c.to.String(), "Link": c.link, "NS": nsV(c.ns), "Peer": nsV(c.peerNS)}}}
}

func (c tunnelCheck) Run(ctx context.Context, env Env) Result {
	v := newLabView(ctx, env.K)
	if _, verdict := walkPath(ctx, v, c.from, c.to, false, false); verdict != nil {
		return *verdict
	}
	tx0, err := env.K.LinkStats(ctx, c.ns, c.link)
	if err != nil {
		return c.noLink(ctx, env, c.ns, err)
	}
	rx0, err := env.K.LinkStats(ctx, c.peerNS, c.link)
	if err != nil {
		return c.noLink(ctx, env, c.peerNS, err)
	}
	res, err := env.K.Ping(ctx, c.from, c.to, kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env)})
	if err != nil {
		return FromErr(err, c.from)
	}
	if res.Received == 0 {
		return Failf("%s sent %d echo requests to %s and got no reply within %s", nsName(c.from), res.Sent, c.to, probeTimeout(env)).WithMistake("no-reply").
			Say("why-ping-no-reply", noReplyData(c.from, res.Sent, c.to, probeTimeout(env)))
	}
	tx1, err1 := env.K.LinkStats(ctx, c.ns, c.link)
	rx1, err2 := env.K.LinkStats(ctx, c.peerNS, c.link)
	if err1 != nil || err2 != nil {
		return Errorf("could not read the counters of %s again", c.link).Say("why-tunnel-counters-unread", D{"Link": c.link})
	}
	if tx1.TxPackets > tx0.TxPackets && rx1.RxPackets > rx0.RxPackets {
		return Passf("%s pings %s through the tunnel: %s sent %s in %s, %d arrived in %s",
			nsName(c.from), c.to, c.link, plural(int(tx1.TxPackets-tx0.TxPackets), "packet"), nsName(c.ns), rx1.RxPackets-rx0.RxPackets, nsName(c.peerNS))
	}
	return Failf("%s gets replies from %s, but not through %s: its packet counters did not move (sent in %s: %d, received in %s: %d), so the packets took another way",
		nsName(c.from), c.to, c.link, nsName(c.ns), tx1.TxPackets-tx0.TxPackets, nsName(c.peerNS), rx1.RxPackets-rx0.RxPackets).WithMistake("not-through-tunnel").
		Say("why-tunnel-bypassed", D{"From": nsV(c.from), "To": c.to, "Link": c.link, "NS": nsV(c.ns), "Sent": tx1.TxPackets - tx0.TxPackets, "PeerNS": nsV(c.peerNS), "Got": rx1.RxPackets - rx0.RxPackets})
}

func (c tunnelCheck) noLink(ctx context.Context, env Env, ns string, err error) Result {
	if _, ok, ferr := findLink(ctx, env.K, ns, c.link); ferr == nil && !ok {
		return missingLink(ctx, env.K, ns, c.link)
	}
	return FromErr(err, ns)
}
