package checks

import (
	"context"
	"fmt"
	"net"

	"github.com/netlab/netlab/kernel"
)

// The path through a VXLAN overlay (lesson 6): a frame that no local port
// of a bridge leads to may leave by a vxlan port, wrapped in UDP to the
// endpoints the vxlan device knows (its remote, or its fdb entries), and
// come out of the vxlan device of the same VNI and port on the other host,
// into that host's bridge.

// crossTunnels follows a frame for nh out of the vxlan ports of bridge br
// (in ns). ok with a place, or a failure that explains why the tunnel
// cannot carry it; neither when the bridge has no tunnel that leads to nh.
func crossTunnels(ctx context.Context, v *labView, p *pathInfo, ns string, br, in kernel.Link, nh net.IP) (string, string, bool, *Result) {
	var firstFail *Result
	keep := func(r *Result) {
		if firstFail == nil {
			firstFail = r
		}
	}
	for _, port := range v.Links(ctx, ns) {
		if port.MasterIndex != br.Index || port.Index == in.Index || port.Type != "vxlan" {
			continue
		}
		vx, ok, err := findVXLAN(ctx, v.k, ns, port.Name)
		if err != nil || !ok {
			continue
		}
		if r := portOK(ns, br, port, " (the tunnel to the other host)", Msg{ID: "why-port-tunnel"}); r != nil {
			keep(r)
			continue
		}
		dsts, _ := vxlanDsts(ctx, v.k, ns, vx)
		if len(dsts) == 0 {
			keep(fail(Failf("%s has no remote and no fdb entry with a dst: it does not know where to send, so nothing enters the tunnel", inNS(vx.Name, ns)).WithMistake("vxlan-no-remote").
				Say("why-vxlan-no-dst-path", D{"Link": inNSV(vx.Name, ns)})))
			continue
		}
		for _, d := range dsts {
			hs := v.holders(ctx, d)
			if len(hs) == 0 {
				keep(fail(Failf("%s sends its packets to %s, an address no namespace of the lab has, so they are lost", inNS(vx.Name, ns), d).WithMistake("vxlan-remote-wrong").
					Say("why-vxlan-remote-nobody", D{"Link": inNSV(vx.Name, ns), "Dst": d})))
				continue
			}
			for _, h := range hs {
				if h.ns == ns || contains(p.nss, h.ns) {
					continue
				}
				next, nin, ok, r := intoFarEnd(ctx, v, p, ns, vx, d, h, nh)
				if ok {
					return next, nin, true, nil
				}
				if r != nil {
					keep(r)
				}
			}
		}
	}
	if firstFail != nil && !behindAnotherBridge(ctx, v, nh, ns) {
		return "", "", false, nil // the tunnel is not the way to nh: let the caller explain
	}
	return "", "", false, firstFail
}

// behindAnotherBridge reports whether nh is held by a namespace whose veth
// peer sits in a namespace other than ns: only then can a tunnel be
// the way to it.
func behindAnotherBridge(ctx context.Context, v *labView, nh net.IP, ns string) bool {
	for _, h := range v.holders(ctx, nh) {
		l, ok := v.link(ctx, h.ns, h.link)
		if !ok || l.Type != "veth" {
			continue
		}
		if pns, _, ok := v.peer(ctx, h.ns, l); ok && pns != ns {
			return true
		}
	}
	return false
}

// intoFarEnd checks the endpoint at h (the holder of the underlay
// address the near vxlan device sends to) and crosses its bridge.
func intoFarEnd(ctx context.Context, v *labView, p *pathInfo, ns string, vx kernel.VXLAN, d net.IP, h place, nh net.IP) (string, string, bool, *Result) {
	far, err := v.k.VXLANs(ctx, h.ns)
	if err != nil {
		return "", "", false, nil
	}
	if len(far) == 0 {
		return "", "", false, fail(Failf("%s sends to %s, which is %s, but %s has no vxlan device: nothing there unwraps the tunnel's packets",
			inNS(vx.Name, ns), d, h, nsName(h.ns)).WithMistake("vxlan-missing").
			Say("why-vxlan-one-sided", D{"Link": inNSV(vx.Name, ns), "Dst": d, "Holder": inNSV(h.link, h.ns), "NS": nsV(h.ns)}))
	}
	var match *kernel.VXLAN
	var sameVNI []kernel.VXLAN
	for i, f := range far {
		if f.VNI == vx.VNI {
			sameVNI = append(sameVNI, f)
			if f.Port == vx.Port {
				match = &far[i]
			}
		}
	}
	switch {
	case match == nil && len(sameVNI) == 0:
		return "", "", false, fail(Failf("%s sends VNI %d to %s, but the vxlan devices there have %s: a VXLAN endpoint drops packets of a VNI it does not have",
			inNS(vx.Name, ns), vx.VNI, nsName(h.ns), vnis(far)).WithMistake("vni-mismatch").
			Say("why-vxlan-vni-mismatch", D{"Link": inNSV(vx.Name, ns), "VNI": vx.VNI, "NS": nsV(h.ns), "Have": vnisV(far)}))
	case match == nil:
		return "", "", false, fail(Failf("%s sends to UDP port %d, but %s in %s listens on port %d: the packets arrive at a port nobody listens on (8472 is Linux's default when dstport is left out; the IANA port is 4789)",
			inNS(vx.Name, ns), vx.Port, sameVNI[0].Name, nsName(h.ns), sameVNI[0].Port).WithMistake("vxlan-port-mismatch").
			Say("why-vxlan-port-mismatch", D{"Link": inNSV(vx.Name, ns), "Port": vx.Port, "Far": sameVNI[0].Name, "NS": nsV(h.ns), "FarPort": sameVNI[0].Port}))
	}
	if !match.AdminUp {
		return "", "", false, fail(Failf("%s, the other end of the tunnel, is down", inNS(match.Name, h.ns)).
			WithFix(ipCmd(h.ns, "link set "+match.Name+" up")).WithMistake("link-down").
			Say("why-vxlan-far-down", D{"Link": inNSV(match.Name, h.ns)}))
	}
	fbr, ok := v.byIndex(ctx, h.ns, match.MasterIndex)
	if match.MasterIndex == 0 || !ok || fbr.Type != "bridge" {
		return "", "", false, fail(Failf("%s, the other end of the tunnel, is not a port of a bridge: what arrives through the tunnel goes nowhere",
			inNS(match.Name, h.ns)).WithFix(ipCmd(h.ns, "link set "+match.Name+" master br0")).WithMistake("vxlan-not-port").
			Say("why-vxlan-far-not-port", D{"Link": inNSV(match.Name, h.ns)}))
	}
	back, _ := vxlanDsts(ctx, v.k, h.ns, *match)
	home := false
	for _, d := range back {
		if _, ok := v.holds(ctx, ns, d); ok {
			home = true
		}
	}
	if !home {
		where := "nowhere (no remote, no fdb entry)"
		whereV := Msg{ID: "why-vxlan-sends-nowhere"}
		if len(back) > 0 {
			where = "to " + joinIPs(back)
			whereV = Msg{ID: "why-vxlan-sends-to", Data: D{"IPs": ipsV(back)}}
		}
		return "", "", false, fail(Failf("%s sends %s, not to %s's underlay address: the answers cannot come back through the tunnel",
			inNS(match.Name, h.ns), where, nsName(ns)).WithMistake("vxlan-remote-wrong").
			Say("why-vxlan-no-way-back", D{"Link": inNSV(match.Name, h.ns), "Where": whereV, "NS": nsV(ns)}))
	}
	flink, _ := v.link(ctx, h.ns, match.Name)
	return crossBridge(ctx, v, p, h.ns, fbr, flink, nh)
}

func vnis(vxs []kernel.VXLAN) string {
	s := ""
	for i, x := range vxs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("VNI %d (%s)", x.VNI, x.Name)
	}
	return s
}

// vnisV is vnis as a template value.
func vnisV(vxs []kernel.VXLAN) List {
	out := make(List, len(vxs))
	for i, x := range vxs {
		out[i] = Msg{ID: "why-vxlan-vni-of", Data: D{"VNI": x.VNI, "Name": x.Name}}
	}
	return out
}

// ipsV is joinIPs as a template value.
func ipsV(ips []net.IP) List {
	out := make(List, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

// tunnelPort is a vxlan port on the bridge a link leads to.
type tunnelPort struct {
	place
	mtu int
}

// tunnelBehind finds a vxlan port of the bridge that link l of ns (a veth)
// is plugged into.
func tunnelBehind(ctx context.Context, v *labView, ns string, l kernel.Link) (tunnelPort, bool) {
	if l.Type != "veth" {
		return tunnelPort{}, false
	}
	pns, peer, ok := v.peer(ctx, ns, l)
	if !ok || peer.MasterIndex == 0 {
		return tunnelPort{}, false
	}
	for _, port := range v.Links(ctx, pns) {
		if port.MasterIndex == peer.MasterIndex && port.Type == "vxlan" {
			return tunnelPort{place: place{ns: pns, link: port.Name}, mtu: port.MTU}, true
		}
	}
	return tunnelPort{}, false
}
