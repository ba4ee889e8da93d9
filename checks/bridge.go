package checks

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// bridgePortMistakes are the ids bridgePort.port reports (a function: a
// package-level slices.Concat would run at every start).
func bridgePortMistakes() []string {
	return slices.Concat([]string{"ns-missing", "bridge-missing", "link-wrong-type", "peer-unnamed-ns", "port-wrong-ns", "port-not-attached"}, missingLinkMistakes)
}

// BridgePortKind: link in ns is a veth whose peer (any name) is a port of
// bridge in bridge_ns.
func BridgePortKind() *Kind { return bridgePortKind.Get(newBridgePortKind) }

var bridgePortKind lazy.Value[*Kind]

func newBridgePortKind() *Kind {
	return Define(Spec[bridgeParams]{
		Name:  "bridge_port",
		Doc:   "link in ns is a veth whose other end (any name) is a port of bridge (in bridge_ns, default the lab's root namespace)",
		Phase: PhaseState,
		Build: func(p bridgeParams) (Check, error) {
			if p.NS == "*" || p.BridgeNS == "*" {
				return nil, fieldErr("ns", "bridge_port needs one namespace")
			}
			return bridgePort{ns: p.NS, link: p.Link, bridge: p.Bridge, brNS: p.BridgeNS}, nil
		},
		Mistakes: bridgePortMistakes(),
		Cases: func() []Case[bridgeParams] {
			return []Case[bridgeParams]{
				{Name: "not attached", Fixture: "bridge-lab", Params: bridgeParams{NS: "ns0", Link: "eth0", Bridge: "br0"},
					Break: func(f *kerneltest.Fake) { f.NSs[kernel.Root].Links[2].MasterIndex = 0 }, Mistake: "port-not-attached"},
				{Name: "bridge missing", Fixture: "bridge-lab", Params: bridgeParams{NS: "ns0", Link: "eth0", Bridge: "br0"},
					Break: func(f *kerneltest.Fake) { f.NSs[kernel.Root].Links[1].Name = "br1" }, Mistake: "bridge-missing"},
			}
		},
	})
}

// bridgeParams are the parameters of bridge_port and fdb.
type bridgeParams struct {
	NS       string `yaml:"ns" required:"true" doc:"namespace of link"`
	Link     string `yaml:"link" required:"true" doc:"the veth end in ns (its other end is the bridge port)"`
	Bridge   string `yaml:"bridge" required:"true" doc:"the bridge's name"`
	BridgeNS string `yaml:"bridge_ns" doc:"namespace of the bridge (default: the lab's root)"`
}

type bridgePort struct{ ns, link, bridge, brNS string }

func (c bridgePort) Describe() string {
	return fmt.Sprintf("the other end of %s is a port of %s", inNS(c.link, c.ns), c.bridge)
}

func (c bridgePort) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-bridge-port", Data: D{"Link": inNSV(c.link, c.ns), "Bridge": c.bridge}}}
}

// port finds the bridge and the peer of link; r is set when either is wrong.
func (c bridgePort) port(ctx context.Context, env Env) (br, peer kernel.Link, link kernel.Link, r *Result) {
	fail := func(x Result) (kernel.Link, kernel.Link, kernel.Link, *Result) {
		return kernel.Link{}, kernel.Link{}, kernel.Link{}, &x
	}
	br, ok, err := findLink(ctx, env.K, c.brNS, c.bridge)
	if err != nil {
		return fail(FromErr(err, c.brNS))
	}
	if !ok {
		return fail(Failf("there is no bridge %s in %s", c.bridge, nsName(c.brNS)).
			WithFix(ipCmd(c.brNS, "link add "+c.bridge+" type bridge")).WithMistake("bridge-missing").
			Say("why-bridge-missing", D{"Bridge": c.bridge, "NS": nsV(c.brNS)}))
	}
	if br.Type != "bridge" {
		return fail(Failf("%s is a %s link, not a bridge", c.bridge, br.Type).WithMistake("link-wrong-type").
			Say("why-not-bridge", D{"Link": c.bridge, "Type": br.Type}))
	}
	link, ok, err = findLink(ctx, env.K, c.ns, c.link)
	if err != nil {
		return fail(FromErr(err, c.ns))
	}
	if !ok {
		return fail(missingLink(ctx, env.K, c.ns, c.link))
	}
	if link.Type != "veth" {
		return fail(Failf("%s is a %s link, not a veth", inNS(c.link, c.ns), link.Type).WithMistake("link-wrong-type").
			Say("why-not-veth", D{"Link": inNSV(c.link, c.ns), "Type": link.Type}))
	}
	pns, peer, found, err := resolvePeer(ctx, env.K, c.ns, link)
	if err != nil {
		return fail(FromErr(err, c.ns))
	}
	if !found {
		return fail(Failf("the other end of %s is in a namespace that has no name", inNS(c.link, c.ns)).WithMistake("peer-unnamed-ns").
			Say("why-port-peer-unnamed-ns", D{"Link": inNSV(c.link, c.ns)}))
	}
	same := pns == c.brNS
	if !same {
		same, _ = env.K.SameNS(ctx, pns, c.brNS)
	}
	if !same {
		return fail(Failf("the other end of %s is %s, which is not in %s's namespace (%s), so it cannot be a port of %s",
			inNS(c.link, c.ns), inNS(peer.Name, pns), c.bridge, nsName(c.brNS), c.bridge).
			WithFix(ipCmd(pns, fmt.Sprintf("link set %s netns %s", peer.Name, nsOrOne(c.brNS)))).WithMistake("port-wrong-ns").
			Say("why-port-wrong-ns", D{"Link": inNSV(c.link, c.ns), "Peer": inNSV(peer.Name, pns), "Bridge": c.bridge, "NS": nsV(c.brNS)}))
	}
	if peer.MasterIndex != br.Index {
		return fail(Failf("%s (the other end of %s) is not a port of %s", peer.Name, inNS(c.link, c.ns), c.bridge).
			WithFix(ipCmd(c.brNS, fmt.Sprintf("link set %s master %s", peer.Name, c.bridge))).WithMistake("port-not-attached").
			Say("why-port-not-attached", D{"Peer": peer.Name, "Link": inNSV(c.link, c.ns), "Bridge": c.bridge}))
	}
	return br, peer, link, nil
}

// nsOrOne names the root namespace for `ip link set ... netns`: the PID 1
// namespace is the host's; in a sandbox the learner's shell is in it.
func nsOrOne(ns string) string {
	if ns == kernel.Root {
		return "1"
	}
	return ns
}

func (c bridgePort) Run(ctx context.Context, env Env) Result {
	_, peer, _, r := c.port(ctx, env)
	if r != nil {
		return *r
	}
	return Passf("%s's other end %s is a port of %s", inNS(c.link, c.ns), peer.Name, c.bridge)
}

// FDBKind: the bridge learned link's MAC on the port that leads to it.
func FDBKind() *Kind { return fDBKind.Get(newFDBKind) }

var fDBKind lazy.Value[*Kind]

func newFDBKind() *Kind {
	return Define(Spec[bridgeParams]{
		Name:  "fdb",
		Doc:   "bridge's forwarding database has learned the MAC of link (in ns) on the port that leads to it",
		Phase: PhaseAfter,
		Build: func(p bridgeParams) (Check, error) {
			if p.NS == "*" || p.BridgeNS == "*" {
				return nil, fieldErr("ns", "fdb needs one namespace")
			}
			return fdbCheck{bridgePort{ns: p.NS, link: p.Link, bridge: p.Bridge, brNS: p.BridgeNS}}, nil
		},
		Mistakes: slices.Concat(bridgePortMistakes(), []string{"fdb-wrong-port", "fdb-not-learned", "port-down", "port-learning-off", "fdb-ageing-zero", "port-not-forwarding"}),
		Cases: func() []Case[bridgeParams] {
			return []Case[bridgeParams]{
				{Name: "not learned", Fixture: "bridge-lab", Params: bridgeParams{NS: "ns0", Link: "eth0", Bridge: "br0"},
					Break: func(f *kerneltest.Fake) { f.NSs[kernel.Root].FDB["br0"] = nil }, Mistake: "fdb-not-learned"},
				{Name: "wrong port", Fixture: "bridge-lab", Params: bridgeParams{NS: "ns0", Link: "eth0", Bridge: "br0"},
					Break: func(f *kerneltest.Fake) { f.NSs[kernel.Root].FDB["br0"][0].PortIndex = 99 }, Mistake: "fdb-wrong-port"},
				// The kernel collects an entry late on a loaded machine: with
				// ageing_time 0 one still listed is not learned.
				{Name: "ageing 0, entry not yet collected", Fixture: "bridge-lab", Params: bridgeParams{NS: "ns0", Link: "eth0", Bridge: "br0"},
					Break: func(f *kerneltest.Fake) {
						for i := range f.NSs[kernel.Root].Links {
							if f.NSs[kernel.Root].Links[i].Name == "br0" {
								f.NSs[kernel.Root].Links[i].BridgeAgeingZero = true
							}
						}
					}, Mistake: "fdb-ageing-zero"},
			}
		},
	})
}

type fdbCheck struct{ bridgePort }

func (c fdbCheck) Describe() string {
	return fmt.Sprintf("%s has learned the MAC of %s", c.bridge, inNS(c.link, c.ns))
}

func (c fdbCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-fdb", Data: D{"Bridge": c.bridge, "Link": inNSV(c.link, c.ns)}}}
}

func (c fdbCheck) Run(ctx context.Context, env Env) Result {
	br, peer, link, r := c.port(ctx, env)
	if r != nil {
		return *r
	}
	fdb, err := env.K.FDB(ctx, c.brNS, c.bridge)
	if err != nil {
		return FromErr(err, c.brNS)
	}
	for _, e := range fdb {
		// With ageing_time 0 a learned entry is gone at the bridge's next
		// garbage collection: one still listed (on a loaded machine the
		// collection runs late) is no learning that lasts.
		if bytes.Equal(e.MAC, link.MAC) && !(br.BridgeAgeingZero && !e.Permanent) {
			if e.PortIndex == peer.Index {
				return Passf("%s learned %s (%s) on port %s", c.bridge, link.MAC, inNS(c.link, c.ns), peer.Name)
			}
			port := fmt.Sprintf("ifindex %d", e.PortIndex)
			if links, err := env.K.Links(ctx, c.brNS); err == nil {
				for _, l := range links {
					if l.Index == e.PortIndex {
						port = l.Name
					}
				}
			}
			return Failf("%s learned %s's MAC %s on port %s, not on %s, the port that leads to it: two links share that MAC", c.bridge, inNS(c.link, c.ns), link.MAC, port, peer.Name).WithMistake("fdb-wrong-port").
				Say("why-fdb-wrong-port", D{"Bridge": c.bridge, "Link": inNSV(c.link, c.ns), "MAC": link.MAC, "Port": port, "Want": peer.Name})
		}
	}
	res := Failf("%s has not learned %s's MAC %s: no frame from it has crossed the bridge (does a ping from %s get through?)",
		c.bridge, inNS(c.link, c.ns), link.MAC, c.ns).WithMistake("fdb-not-learned")
	res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-no-frame", D{"NS": c.ns})
	// Say why no frame came in, when the state shows it.
	switch {
	case !link.AdminUp:
		res.Why = fmt.Sprintf("%s has not learned %s's MAC %s: %s is down, so it sends no frames", c.bridge, inNS(c.link, c.ns), link.MAC, inNS(c.link, c.ns))
		res = res.WithFix(ipCmd(c.ns, "link set "+c.link+" up"))
		res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-link-down", D{"Link": inNSV(c.link, c.ns)})
	case !peer.AdminUp:
		res.Why = fmt.Sprintf("%s has not learned %s's MAC %s: its port %s is down", c.bridge, inNS(c.link, c.ns), link.MAC, peer.Name)
		res = res.WithFix(ipCmd(c.brNS, "link set "+peer.Name+" up")).WithMistake("port-down")
		res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-port-down", D{"Port": peer.Name})
	case peer.BridgePortNoLearning:
		res.Why = fmt.Sprintf("%s has not learned %s's MAC %s: learning is turned off on its port %s, so the bridge forwards its frames (by flooding) but never records where the MAC lives", c.bridge, inNS(c.link, c.ns), link.MAC, peer.Name)
		res = res.WithFix("bridge link set dev " + peer.Name + " learning on").WithMistake("port-learning-off")
		res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-learning-off", D{"Port": peer.Name})
	case br.BridgeAgeingZero:
		res.Why = fmt.Sprintf("%s has not learned %s's MAC %s: %s's ageing_time is 0, so it forgets every MAC the moment it learns it and floods like a hub", c.bridge, inNS(c.link, c.ns), link.MAC, c.bridge)
		res = res.WithFix(ipCmd(c.brNS, "link set "+c.bridge+" type bridge ageing_time 30000")).WithMistake("fdb-ageing-zero")
		res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-ageing-zero", D{"Bridge": c.bridge})
	case peer.BridgePortState != "" && peer.BridgePortState != "forwarding" && peer.BridgePortState != "learning":
		res.Why = fmt.Sprintf("%s has not learned %s's MAC %s: its port %s is in STP state %s, where the bridge learns nothing", c.bridge, inNS(c.link, c.ns), link.MAC, peer.Name, peer.BridgePortState)
		res = res.WithMistake("port-not-forwarding")
		res.WhyMsg = fdbWhy(c.bridge, c.link, c.ns, link.MAC, "why-fdb-port-stp", D{"Port": peer.Name, "State": peer.BridgePortState})
	}
	return res
}
