package checks

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// VXLANKind: a vxlan device with the lesson's attributes, reaching the
// other endpoint either by its remote attribute or by an all-zero
// forwarding entry (`bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst
// IP`): both are correct, and both are what flannel's vxlan backend does.
func VXLANKind() *Kind { return vXLANKind.Get(newVXLANKind) }

var vXLANKind lazy.Value[*Kind]

func newVXLANKind() *Kind {
	return Define(Spec[vxlanParams]{
		Name:  "vxlan",
		Doc:   "link in ns is a vxlan device with VNI vni, UDP destination port dport, underlay device dev, local address src; it reaches remote by its remote attribute or by an all-zero fdb entry; with bridge, it is a port of that bridge",
		Phase: PhaseState,
		Build: func(p vxlanParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "vxlan needs one namespace")
			}
			if p.VNI <= 0 || p.VNI >= 1<<24 {
				return nil, fieldErr("vni", "%d: a VNI is 1 to 16777215", p.VNI)
			}
			if p.DPort < 0 || p.DPort > 65535 {
				return nil, fieldErr("dport", "%d is not a port", p.DPort)
			}
			c := vxlanCheck{ns: p.NS, link: p.Link, vni: p.VNI, port: p.DPort, dev: p.Dev, bridge: p.Bridge}
			if p.Src != "" {
				if c.local = net.ParseIP(p.Src); c.local == nil {
					return nil, fieldErr("src", "%q is not an IP address", p.Src)
				}
			}
			if p.Remote != "" {
				if c.remote = net.ParseIP(p.Remote); c.remote == nil {
					return nil, fieldErr("remote", "%q is not an IP address", p.Remote)
				}
			}
			return c, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "link-wrong-type", "vni-mismatch", "vxlan-port-mismatch", "vxlan-wrong-dev", "vxlan-wrong-local", "vxlan-no-remote", "vxlan-remote-wrong", "vxlan-not-port"}, missingLinkMistakes),
		Cases: func() []Case[vxlanParams] {
			return []Case[vxlanParams]{
				{Name: "another VNI", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].VNI = 43 }, Mistake: "vni-mismatch"},
				{Name: "Linux's default port", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Port = 8472 }, Mistake: "vxlan-port-mismatch"},
				{Name: "no underlay device", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Dev = "" }, Mistake: "vxlan-wrong-dev"},
				{Name: "no local", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Local = nil }, Mistake: "vxlan-wrong-local"},
				{Name: "remote typo", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Remote = net.ParseIP("192.168.100.3") }, Mistake: "vxlan-remote-wrong"},
				{Name: "nowhere to send", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Remote = nil }, Mistake: "vxlan-no-remote"},
				{Name: "all-zero fdb entry to the wrong host", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) {
					f.NSs["host1"].VXLANs[0].Remote = nil
					f.NSs["host1"].VXLANFDB = map[string][]kernel.TunnelFDB{"vxlan42": {{MAC: zeroMAC, Dst: net.ParseIP("192.168.100.9")}}}
				}, Mistake: "vxlan-remote-wrong"},
				// host2's own traffic (IPv6 chatter from c2) teaches host1 one MAC
				// behind 192.168.100.2: no configuration, no broadcast.
				{Name: "only a learned entry", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) {
					f.NSs["host1"].VXLANs[0].Remote = nil
					f.NSs["host1"].VXLANFDB = map[string][]kernel.TunnelFDB{"vxlan42": {{MAC: net.HardwareAddr{2, 0, 0, 0, 0, 12}, Dst: net.ParseIP("192.168.100.2"), Learned: true}}}
				}, Mistake: "vxlan-no-remote"},
				{Name: "not a bridge port", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].MasterIndex = 0 }, Mistake: "vxlan-not-port"},
				{Name: "not a vxlan", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs = nil }, Mistake: "link-wrong-type"},
				{Name: "another underlay device", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Dev = "eth1" }, Mistake: "vxlan-wrong-dev"},
				{Name: "another local address", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) { f.NSs["host1"].VXLANs[0].Local = net.ParseIP("192.168.100.5") }, Mistake: "vxlan-wrong-local"},
				{Name: "fdb entries to the wrong host", Fixture: "overlay", Params: overlayVXLAN(), Break: func(f *kerneltest.Fake) {
					f.NSs["host1"].VXLANs[0].Remote = nil
					f.NSs["host1"].VXLANFDB = map[string][]kernel.TunnelFDB{"vxlan42": {{MAC: net.HardwareAddr{2, 0, 0, 0, 0, 12}, Dst: net.ParseIP("192.168.100.9")}}}
				}, Mistake: "vxlan-remote-wrong"},
			}
		},
	})
}

type vxlanParams struct {
	NS     string `yaml:"ns" doc:"namespace of the vxlan device (default: the lab's root)"`
	Link   string `yaml:"link" required:"true" doc:"the vxlan device's name"`
	VNI    int    `yaml:"vni" required:"true" doc:"VXLAN network identifier"`
	DPort  int    `yaml:"dport" doc:"UDP destination port (4789)"`
	Dev    string `yaml:"dev" doc:"underlay device"`
	Src    string `yaml:"src" doc:"local underlay address"`
	Remote string `yaml:"remote" doc:"the other endpoint's underlay address, reached by remote or by an all-zero fdb entry"`
	Bridge string `yaml:"bridge" doc:"the bridge it must be a port of"`
}

// overlayVXLAN is host1's vxlan42 of the overlay fixture, as lesson 6 wants it.
func overlayVXLAN() vxlanParams {
	return vxlanParams{NS: "host1", Link: "vxlan42", VNI: 42, DPort: 4789, Dev: "eth0", Src: "192.168.100.1", Remote: "192.168.100.2", Bridge: "br0"}
}

type vxlanCheck struct {
	ns, link, dev, bridge string
	vni, port             int
	local, remote         net.IP
}

func (c vxlanCheck) Describe() string {
	s := fmt.Sprintf("%s is a vxlan with VNI %d", inNS(c.link, c.ns), c.vni)
	if c.port != 0 {
		s += fmt.Sprintf(", dstport %d", c.port)
	}
	if c.dev != "" {
		s += ", dev " + c.dev
	}
	if c.local != nil {
		s += ", local " + c.local.String()
	}
	if c.remote != nil {
		s += ", reaching " + c.remote.String()
	}
	if c.bridge != "" {
		s += ", a port of " + c.bridge
	}
	return s
}

func (c vxlanCheck) DescribeMsgs() []Msg {
	out := []Msg{{ID: "title-vxlan", Data: D{"Link": inNSV(c.link, c.ns), "VNI": c.vni}}}
	if c.port != 0 {
		out = append(out, Msg{ID: "title-vxlan-port", Data: D{"Port": c.port}})
	}
	if c.dev != "" {
		out = append(out, Msg{ID: "title-vxlan-dev", Data: D{"Dev": c.dev}})
	}
	if c.local != nil {
		out = append(out, Msg{ID: "title-vxlan-local", Data: D{"IP": c.local.String()}})
	}
	if c.remote != nil {
		out = append(out, Msg{ID: "title-vxlan-remote", Data: D{"IP": c.remote.String()}})
	}
	if c.bridge != "" {
		out = append(out, Msg{ID: "title-vxlan-bridge", Data: D{"Bridge": c.bridge}})
	}
	return out
}

var zeroMAC = net.HardwareAddr{0, 0, 0, 0, 0, 0}

// vxlanDsts are the endpoints a vxlan device is configured to send to:
// its remote, and the destinations of its configured fdb entries
// (all-zero ones first). Entries it learned from received packets do not
// count: they come and go with traffic from the other side (host2's own
// IPv6 chatter teaches host1 c2's MAC) and carry no broadcast, so ARP
// would still go nowhere.
func vxlanDsts(ctx context.Context, k kernel.Kernel, ns string, vx kernel.VXLAN) (dsts []net.IP, how string) {
	if vx.Remote != nil {
		return []net.IP{vx.Remote}, "remote"
	}
	fdb, err := k.VXLANFDB(ctx, ns, vx.Name)
	if err != nil {
		return nil, ""
	}
	for _, e := range fdb {
		if !e.Learned && bytes.Equal(e.MAC, zeroMAC) {
			dsts = append(dsts, e.Dst)
		}
	}
	if len(dsts) > 0 {
		return dsts, "an all-zero fdb entry"
	}
	for _, e := range fdb {
		if !e.Learned {
			dsts = append(dsts, e.Dst)
		}
	}
	return dsts, "fdb entries"
}

func findVXLAN(ctx context.Context, k kernel.Kernel, ns, name string) (kernel.VXLAN, bool, error) {
	vxs, err := k.VXLANs(ctx, ns)
	if err != nil {
		return kernel.VXLAN{}, false, err
	}
	for _, vx := range vxs {
		if vx.Name == name {
			return vx, true, nil
		}
	}
	return kernel.VXLAN{}, false, nil
}

func (c vxlanCheck) Run(ctx context.Context, env Env) Result {
	vx, ok, err := findVXLAN(ctx, env.K, c.ns, c.link)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if !ok {
		if l, found, err := findLink(ctx, env.K, c.ns, c.link); err == nil && found {
			return Failf("%s is a %s, not a vxlan", inNS(c.link, c.ns), l.Type).
				WithFix(ipCmd(c.ns, "link del "+c.link)).WithMistake("link-wrong-type").
				Say("why-vxlan-not-vxlan", D{"Link": inNSV(c.link, c.ns), "Type": l.Type})
		}
		return missingLink(ctx, env.K, c.ns, c.link)
	}
	if vx.VNI != c.vni {
		r := Failf("%s has VNI %d, not %d: a VXLAN endpoint only accepts packets of its own VNI, so the two ends must agree", inNS(c.link, c.ns), vx.VNI, c.vni).
			Say("why-vxlan-vni", D{"Link": inNSV(c.link, c.ns), "VNI": vx.VNI, "Want": c.vni})
		return r.WithFix(ipCmd(c.ns, "link del "+c.link) + " && " + ipCmd(c.ns, "link add "+c.link+fmt.Sprintf(" type vxlan id %d ...", c.vni))).WithMistake("vni-mismatch")
	}
	if c.port != 0 && vx.Port != c.port {
		why := fmt.Sprintf("%s sends to and listens on UDP port %d, not %d", inNS(c.link, c.ns), vx.Port, c.port)
		msgs := []Msg{{ID: "why-vxlan-port", Data: D{"Link": inNSV(c.link, c.ns), "Port": vx.Port, "Want": c.port}}}
		if vx.Port == 8472 {
			why += ": 8472 is what Linux picks when `dstport` is left out (flannel's port), while the IANA port, and this lesson's, is 4789"
			msgs = append(msgs, Msg{ID: "why-vxlan-port-8472"})
		}
		r := Failf("%s", why).WithMistake("vxlan-port-mismatch")
		r.WhyMsg = msgs
		return r
	}
	if c.dev != "" && vx.Dev != c.dev {
		dev := vx.Dev
		if dev == "" {
			dev = "none"
		}
		return Failf("%s has underlay device %s, not %s (`dev %s` when creating it)", inNS(c.link, c.ns), dev, c.dev, c.dev).WithMistake("vxlan-wrong-dev").
			Say(vxlanDevMsg(vx.Dev), D{"Link": inNSV(c.link, c.ns), "Dev": dev, "Want": c.dev})
	}
	if c.local != nil && !c.local.Equal(vx.Local) {
		have := "no local address"
		haveV := Msg{ID: "why-vxlan-no-local"}
		if vx.Local != nil {
			have = "local address " + vx.Local.String()
			haveV = Msg{ID: "why-vxlan-local-addr", Data: D{"IP": vx.Local}}
		}
		return Failf("%s has %s, not %s: the tunnel's packets must leave from this host's own underlay address", inNS(c.link, c.ns), have, c.local).WithMistake("vxlan-wrong-local").
			Say("why-vxlan-local", D{"Link": inNSV(c.link, c.ns), "Have": haveV, "Want": c.local})
	}
	how := ""
	if c.remote != nil {
		dsts, by := vxlanDsts(ctx, env.K, c.ns, vx)
		found := false
		for _, d := range dsts {
			found = found || d.Equal(c.remote)
		}
		switch {
		case len(dsts) == 0:
			return Failf("%s has no remote and no fdb entry with a dst: it does not know where the other host is, so it sends nothing", inNS(c.link, c.ns)).
				WithFix(fmt.Sprintf("bridge%s fdb append 00:00:00:00:00:00 dev %s dst %s", nsFlag(c.ns), c.link, c.remote)).WithMistake("vxlan-no-remote").
				Say("why-vxlan-no-dst", D{"Link": inNSV(c.link, c.ns)})
		case !found:
			return Failf("%s sends to %s (by %s), not to %s, the other host's underlay address", inNS(c.link, c.ns), joinIPs(dsts), by, c.remote).WithMistake("vxlan-remote-wrong").
				Say("why-vxlan-remote", D{"Link": inNSV(c.link, c.ns), "IPs": ipsV(dsts), "By": dstsByV(by), "Want": c.remote})
		}
		how = ", reaching " + c.remote.String() + " by " + by
	}
	if c.bridge != "" {
		br, ok := linkByIndex(ctx, env.K, c.ns, vx.MasterIndex)
		switch {
		case vx.MasterIndex == 0 || !ok:
			return Failf("%s is not a port of %s: frames that arrive through the tunnel go nowhere, and nothing from the bridge enters the tunnel", inNS(c.link, c.ns), c.bridge).
				WithFix(ipCmd(c.ns, "link set "+c.link+" master "+c.bridge)).WithMistake("vxlan-not-port").
				Say("why-vxlan-not-port", D{"Link": inNSV(c.link, c.ns), "Bridge": c.bridge})
		case br.Name != c.bridge:
			return Failf("%s is a port of %s, not of %s", inNS(c.link, c.ns), br.Name, c.bridge).
				WithFix(ipCmd(c.ns, "link set "+c.link+" master "+c.bridge)).WithMistake("vxlan-not-port").
				Say("why-vxlan-other-bridge", D{"Link": inNSV(c.link, c.ns), "Other": br.Name, "Bridge": c.bridge})
		}
		how += ", port of " + c.bridge
	}
	return Passf("%s: vxlan VNI %d dstport %d dev %s%s", inNS(c.link, c.ns), vx.VNI, vx.Port, vx.Dev, how)
}

// vxlanDevMsg is the message of a wrong underlay device: none is words.
func vxlanDevMsg(dev string) string {
	if dev == "" {
		return "why-vxlan-no-dev"
	}
	return "why-vxlan-dev"
}

// dstsByV says how vxlanDsts found the endpoints, as a template value.
func dstsByV(by string) any {
	switch by {
	case "remote":
		return Msg{ID: "why-vxlan-by-remote"}
	case "an all-zero fdb entry":
		return Msg{ID: "why-vxlan-by-zero-fdb"}
	case "fdb entries":
		return Msg{ID: "why-vxlan-by-fdb"}
	}
	return by
}

func nsFlag(ns string) string {
	if ns == kernel.Root {
		return ""
	}
	return " -n " + ns
}

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

func linkByIndex(ctx context.Context, k kernel.Kernel, ns string, idx int) (kernel.Link, bool) {
	ls, err := k.Links(ctx, ns)
	if err != nil {
		return kernel.Link{}, false
	}
	for _, l := range ls {
		if l.Index == idx {
			return l, true
		}
	}
	return kernel.Link{}, false
}
