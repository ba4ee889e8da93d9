package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/netlab/netlab/kernel"
)

// This file walks a probe's path through the lab from kernel state alone:
// source namespace, route lookup, sending link, the veth's other end, the
// bridge and its ports, routers on the way, and the namespace that holds
// the destination address. When the state already proves that the probe
// cannot succeed, the walk returns that verdict, in the lesson's names, and
// the probe is not even sent (a fast verdict, no timeout to wait for).

// labView caches the reads of one diagnosis: a walk asks for the same
// namespace's links and addresses many times.
type labView struct {
	k     kernel.Kernel
	nss   []string
	links map[string][]kernel.Link
	addrs map[string][]kernel.Addr
}

func newLabView(ctx context.Context, k kernel.Kernel) *labView {
	v := &labView{k: k, links: map[string][]kernel.Link{}, addrs: map[string][]kernel.Addr{}}
	v.nss, _ = allNamespaces(ctx, k)
	if len(v.nss) == 0 {
		v.nss = []string{kernel.Root}
	}
	return v
}

func (v *labView) Links(ctx context.Context, ns string) []kernel.Link {
	if l, ok := v.links[ns]; ok {
		return l
	}
	l, _ := v.k.Links(ctx, ns)
	v.links[ns] = l
	return l
}

func (v *labView) Addrs(ctx context.Context, ns string) []kernel.Addr {
	if a, ok := v.addrs[ns]; ok {
		return a
	}
	a, _ := v.k.Addrs(ctx, ns)
	v.addrs[ns] = a
	return a
}

// link and byIndex find one link: in the view's list of ns's links when
// it has one, else read alone (a busy host's root namespace holds
// thousands of links the walk never looks at).
func (v *labView) link(ctx context.Context, ns, name string) (kernel.Link, bool) {
	if links, ok := v.links[ns]; ok {
		for _, l := range links {
			if l.Name == name {
				return l, true
			}
		}
		return kernel.Link{}, false
	}
	l, ok, _ := kernel.LinkByName(ctx, v.k, ns, name)
	return l, ok
}

func (v *labView) byIndex(ctx context.Context, ns string, idx int) (kernel.Link, bool) {
	if links, ok := v.links[ns]; ok {
		for _, l := range links {
			if l.Index == idx {
				return l, true
			}
		}
		return kernel.Link{}, false
	}
	l, ok, _ := kernel.LinkByIndex(ctx, v.k, ns, idx)
	return l, ok
}

// ports lists the ports of bridge br in ns.
func (v *labView) ports(ctx context.Context, ns string, br kernel.Link) []kernel.Link {
	if links, ok := v.links[ns]; ok {
		var out []kernel.Link
		for _, l := range links {
			if l.MasterIndex == br.Index {
				out = append(out, l)
			}
		}
		return out
	}
	ports, _ := kernel.BridgePorts(ctx, v.k, ns, br.Index)
	return ports
}

// place is an address on a link in a namespace.
type place struct {
	ns, link string
	ipnet    *net.IPNet
}

func (p place) String() string { return inNS(p.link, p.ns) }

// holders lists every place in the lab that holds ip.
func (v *labView) holders(ctx context.Context, ip net.IP) []place {
	var out []place
	for _, ns := range v.nss {
		for _, a := range v.Addrs(ctx, ns) {
			if a.IPNet.IP.Equal(ip) {
				out = append(out, place{ns: ns, link: a.Link, ipnet: a.IPNet})
			}
		}
	}
	return out
}

// holds reports whether ns has ip on any of its links (Linux answers ARP
// and accepts packets for any of its addresses on any interface).
func (v *labView) holds(ctx context.Context, ns string, ip net.IP) (place, bool) {
	for _, a := range v.Addrs(ctx, ns) {
		if a.IPNet.IP.Equal(ip) {
			return place{ns: ns, link: a.Link, ipnet: a.IPNet}, true
		}
	}
	return place{}, false
}

// v4On lists the IPv4 addresses on a link, "10.0.0.1/24, ...".
func (v *labView) v4On(ctx context.Context, ns, link string) []string {
	var out []string
	for _, a := range v.Addrs(ctx, ns) {
		if a.Link == link && a.IPNet.IP.To4() != nil {
			ones, _ := a.IPNet.Mask.Size()
			out = append(out, fmt.Sprintf("%s/%d", a.IPNet.IP, ones))
		}
	}
	return out
}

func (v *labView) peer(ctx context.Context, ns string, l kernel.Link) (string, kernel.Link, bool) {
	pns, p, ok, err := resolvePeer(ctx, v.k, ns, l)
	if err != nil || !ok {
		return "", kernel.Link{}, false
	}
	// Prefer the cached copy (same link) so that later reads agree.
	if c, ok := v.byIndex(ctx, pns, p.Index); ok {
		p = c
	}
	return pns, p, true
}

// pathInfo is what the walk learned, for the diagnosis after a failed probe.
type pathInfo struct {
	from    string
	dst     net.IP
	src     net.IP   // source address the kernel picked in from
	nss     []string // namespaces the packet passes, in order
	routers []string // namespaces that must forward it
	bridges []place  // bridges crossed (ns, bridge name)
	holder  place    // where dst lives (ns empty-linked when unknown)
	found   bool     // holder is known
	// last hop: the namespace and link that send to nextHop (ARP happens there)
	lastNS, lastDev string
	nextHop         net.IP
	// outDev is, per router, the link the packet leaves it by.
	outDev map[string]string
	// view is the walk's reads, for the diagnosis after the probe.
	view *labView
	// hops are the bridge crossings: bridge, the port the frame enters by
	// (zero when the bridge itself sends) and the port it leaves by.
	hops []bridgeHop
}

// bridgeHop is one crossing of a bridge.
type bridgeHop struct {
	ns          string
	br, in, out kernel.Link
}

func (p *pathInfo) addNS(ns string) {
	for _, n := range p.nss {
		if n == ns {
			return
		}
	}
	p.nss = append(p.nss, ns)
}

func fail(r Result) *Result { return &r }

func isLoopback(ip net.IP) bool { return ip.IsLoopback() }

// walkPath follows a packet from namespace from to dst. It returns a
// failing result when kernel state proves the packet cannot arrive (or
// that a reply would prove nothing), nil when the path looks complete.
// forwarded says the packet did not originate in from but arrived there to
// be forwarded (the second leg of a DNAT path).
func walkPath(ctx context.Context, v *labView, from string, dst net.IP, local, forwarded bool) (pathInfo, *Result) {
	p := pathInfo{from: from, dst: dst, outDev: map[string]string{}, view: v}
	if from != kernel.Root {
		st, err := v.k.NamespaceState(ctx, from)
		if err != nil {
			return p, fail(FromErr(err, from))
		}
		switch st {
		case kernel.NSStale:
			return p, fail(Failf("/run/netns/%s is a leftover file, not a namespace mount, so there is no namespace %s to send from", from, from).
				WithFix(fmt.Sprintf("rm /run/netns/%s && ip netns add %s", from, from)).WithMistake("ns-stale").Say("why-path-ns-stale", D{"NS": from}))
		case kernel.NSMissing:
			r := Failf("namespace %s does not exist, so nothing can be sent from it", from).WithFix("ip netns add "+from).WithMistake("ns-missing").
				Say("why-path-ns-missing", D{"NS": from})
			if others, _ := v.k.Namespaces(ctx); len(others) > 0 {
				r.Why += fmt.Sprintf(" (existing namespaces: %s; `ip netns add` takes one name at a time)", strings.Join(others, ", "))
				r = r.Say("why-path-ns-existing", D{"Names": strings.Join(others, ", ")})
			}
			return p, fail(r)
		}
	}
	cur, curIn := from, ""
	p.addNS(cur)
	if forwarded {
		p.routers = append(p.routers, cur)
	}
	for hop := 0; hop < 8; hop++ {
		route, rerr := v.k.RouteGet(ctx, cur, dst)
		if rerr != nil && errors.Is(rerr, kernel.ErrNoNamespace) {
			return p, fail(FromErr(rerr, cur))
		}
		unusable := rerr != nil || route.Type == "unreachable" || route.Type == "blackhole" || route.Type == "prohibit"
		if unusable {
			return p, fail(noRoute(ctx, v, cur, dst, route, rerr, hop == 0 && !forwarded))
		}
		if route.Type == "local" {
			if cur == from && !forwarded {
				if local {
					if isLoopback(dst) {
						if lo, ok := v.link(ctx, cur, "lo"); ok && !lo.AdminUp {
							return p, fail(loDown(cur, dst))
						}
					}
					p.holder, p.found = place{ns: cur, link: route.Dev}, true
					return p, nil
				}
				return p, fail(pingSelf(ctx, v, cur, dst, route))
			}
			p.holder, p.found = place{ns: cur, link: route.Dev}, true
			if h, ok := v.holds(ctx, cur, dst); ok {
				p.holder = h
			}
			return p, nil
		}
		if local {
			return p, fail(Failf("%s is not a local address of %s", dst, nsName(from)).WithMistake("not-local").
				Say("why-path-not-local", D{"Dst": dst, "NS": nsV(from)}))
		}
		if hop == 0 {
			p.src = route.Src
			if p.src == nil {
				if as := v.v4On(ctx, cur, route.Dev); len(as) > 0 {
					p.src, _, _ = net.ParseCIDR(as[0])
				}
			}
		}
		if cur != from || forwarded {
			// cur forwards: the packet is not for it.
			if !contains(p.routers, cur) {
				p.routers = append(p.routers, cur)
			}
			if off, fix := forwardingOff(ctx, v.k, cur); off {
				return p, fail(Failf("%s is 0 in %s: packets to %s reach %s, which would have to forward them out of %s, and without forwarding it drops them",
					keyIPForward, nsName(cur), dst, nsName(cur), route.Dev).WithFix(fix).WithMistake("ip-forward-off").
					Say("why-path-forward-off", D{"Key": keyIPForward, "NS": nsV(cur), "Dst": dst, "Dev": route.Dev}))
			}
			if r := rpFilter(ctx, v, cur, curIn, p.src); r != nil {
				return p, r
			}
			p.outDev[cur] = route.Dev
		}
		dev, ok := v.link(ctx, cur, route.Dev)
		if !ok {
			return p, nil // cannot follow; let the probe judge
		}
		if !dev.AdminUp {
			return p, fail(Failf("%s is down, and %s's route to %s leaves through it", inNS(dev.Name, cur), nsName(cur), dst).
				WithFix(ipCmd(cur, "link set "+dev.Name+" up")).WithMistake("link-down").
				Say("why-path-route-link-down", D{"Link": inNSV(dev.Name, cur), "NS": nsV(cur), "Dst": dst}))
		}
		nh := dst
		if route.Gw != nil {
			nh = route.Gw
		}
		p.lastNS, p.lastDev, p.nextHop = cur, dev.Name, nh
		next, in, ok, r := follow(ctx, v, &p, cur, dev, nh)
		if r != nil {
			if route.Gw != nil && r.Mistake == "addr-missing" {
				r.Why = fmt.Sprintf("%s's route to %s goes via the gateway %s, but %s", nsName(cur), dst, nh, r.Why)
				if len(r.WhyMsg) > 0 {
					r.WhyMsg = append([]Msg{{ID: "why-path-via-gateway", Data: D{"NS": nsV(cur), "Dst": dst, "Gw": nh}}}, r.WhyMsg...)
				}
				r.Mistake = "wrong-gateway"
				r.Fix = ""
			}
			return p, r
		}
		if !ok {
			return p, nil // a link netlab does not follow (a physical device): no verdict
		}
		for _, end := range []struct{ ns, link string }{{cur, dev.Name}, {next, in}} {
			if l, ok := v.link(ctx, end.ns, end.link); ok && l.NoARP && (l.Type == "veth" || l.Type == "bridge") {
				return p, fail(Failf("%s has ARP turned off (NOARP): it neither asks nor answers who has an address, so %s and %s cannot find each other's MAC",
					inNS(l.Name, end.ns), nsName(cur), nsName(next)).
					WithFix(ipCmd(end.ns, "link set "+l.Name+" arp on")).WithMistake("arp-off").
					Say("why-path-noarp", D{"Link": inNSV(l.Name, end.ns), "A": nsV(cur), "B": nsV(next)}))
			}
		}
		cur, curIn = next, in
		p.addNS(cur)
	}
	return p, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func loDown(ns string, dst net.IP) Result {
	return Failf("lo in %s is down, so %s has no route even to %s (ping says `ping: connect: Network is unreachable`): a new namespace starts with lo down",
		nsName(ns), nsName(ns), dst).WithFix(ipCmd(ns, "link set lo up")).WithMistake("lo-down").
		Say("why-path-lo-down", D{"NS": nsV(ns), "Dst": dst})
}

// pingSelf explains a destination that is an address of the source itself.
func pingSelf(ctx context.Context, v *labView, ns string, dst net.IP, route kernel.Route) Result {
	mine, _ := v.holds(ctx, ns, dst)
	if mine.link == "" {
		mine.link = route.Dev
	}
	var others []string
	var othersV List
	for _, h := range v.holders(ctx, dst) {
		if h.ns != ns {
			others = append(others, h.String())
			othersV = append(othersV, inNSV(h.link, h.ns))
		}
	}
	if len(others) > 0 {
		ones, _ := mine.ipnet.Mask.Size()
		return Failf("duplicate address: %s is on %s and also on %s, so %s answers its own ping and never reaches the other end",
			dst, inNS(mine.link, ns), strings.Join(others, ", "), nsName(ns)).
			WithFix(ipCmd(ns, fmt.Sprintf("addr del %s/%d dev %s", dst, ones, mine.link))).WithMistake("dup-addr").
			Say("why-path-dup-addr", D{"Dst": dst, "Mine": inNSV(mine.link, ns), "Others": othersV, "NS": nsV(ns)})
	}
	return Failf("%s is an address of %s itself (on %s): a ping to it never leaves %s, so it proves nothing about the link (you are pinging yourself)",
		dst, nsName(ns), mine.link, nsName(ns)).WithMistake("ping-self").
		Say("why-ping-self", D{"Dst": dst, "NS": nsV(ns), "Link": mine.link})
}

// noRoute explains why ns has no usable route to dst.
func noRoute(ctx context.Context, v *labView, ns string, dst net.IP, route kernel.Route, rerr error, origin bool) Result {
	refuse := ""
	if origin {
		refuse = " (ping says `ping: connect: Network is unreachable`)"
	}
	if rerr == nil {
		return Failf("%s's route to %s is of type %s: the kernel discards the packet%s", nsName(ns), dst, route.Type, refuse).WithMistake("no-route").
			Say("why-path-route-type", D{"NS": nsV(ns), "Dst": dst, "Type": route.Type, "Refuse": refuseV(refuse)})
	}
	if isLoopback(dst) {
		if lo, ok := v.link(ctx, ns, "lo"); ok && !lo.AdminUp {
			return loDown(ns, dst)
		}
	}
	// A link whose address (with the lesson's usual /24) would cover dst,
	// but which is down: its connected route is gone with it.
	var v4 []string
	for _, a := range v.Addrs(ctx, ns) {
		if a.IPNet.IP.To4() == nil || a.Link == "lo" {
			continue
		}
		ones, _ := a.IPNet.Mask.Size()
		v4 = append(v4, fmt.Sprintf("%s/%d on %s", a.IPNet.IP, ones, a.Link))
		l, _ := v.link(ctx, ns, a.Link)
		wide := net.IPNet{IP: a.IPNet.IP.Mask(net.CIDRMask(24, 32)), Mask: net.CIDRMask(24, 32)}
		if ones == 32 && wide.Contains(dst) {
			return Failf("%s has %s/32 on %s: a /32 is a network of one address, so the kernel has no route to %s next to it%s",
				nsName(ns), a.IPNet.IP, a.Link, dst, refuse).
				WithFix(fmt.Sprintf("%s && %s", ipCmd(ns, fmt.Sprintf("addr del %s/32 dev %s", a.IPNet.IP, a.Link)), ipCmd(ns, fmt.Sprintf("addr add %s/24 dev %s", a.IPNet.IP, a.Link)))).
				WithMistake("wrong-prefix").
				Say("why-path-prefix-32", D{"NS": nsV(ns), "IP": a.IPNet.IP, "Link": a.Link, "Dst": dst, "Refuse": refuseV(refuse)})
		}
		if (a.IPNet.Contains(dst) || wide.Contains(dst)) && !l.AdminUp {
			return Failf("%s is down, so the route to %s's network is gone%s", inNS(a.Link, ns), dst, refuse).
				WithFix(ipCmd(ns, "link set "+a.Link+" up")).WithMistake("link-down").
				Say("why-path-link-down", D{"Link": inNSV(a.Link, ns), "Dst": dst, "Refuse": refuseV(refuse)})
		}
		if wide.Contains(dst) && !a.IPNet.Contains(dst) {
			return Failf("%s has %s/%d on %s, which does not cover %s, and no other route does%s",
				nsName(ns), a.IPNet.IP, ones, a.Link, dst, refuse).WithMistake("wrong-prefix").
				Say("why-path-prefix-narrow", D{"NS": nsV(ns), "IP": a.IPNet.IP, "Ones": ones, "Link": a.Link, "Dst": dst, "Refuse": refuseV(refuse)})
		}
	}
	if len(v4) == 0 {
		var names []string
		for _, l := range v.Links(ctx, ns) {
			if l.Name != "lo" {
				names = append(names, l.Name)
			}
		}
		if len(names) == 0 {
			r := Failf("%s has no interface but lo, so it has no route to %s%s", nsName(ns), dst, refuse).WithMistake("no-link").
				Say("why-path-no-link", D{"NS": nsV(ns), "Dst": dst, "Refuse": refuseV(refuse)})
			// The seed notes' trap: a veth made in the root namespace stays
			// there until it is moved.
			for _, l := range v.Links(ctx, kernel.Root) {
				if l.Type == "veth" && l.MasterIndex == 0 && ns != kernel.Root && l.PeerNetNSID < 0 {
					r.Why += fmt.Sprintf("; the veth %s is still in the lab's root namespace: a veth is created where the command runs and must be moved", l.Name)
					r = r.WithFix(fmt.Sprintf("ip link set %s netns %s", l.Name, ns)).WithMistake("veth-not-moved").
						Say("why-path-veth-not-moved", D{"Link": l.Name})
					break
				}
			}
			return r
		}
		return Failf("%s has no IPv4 address on %s, so it has no route to %s%s", nsName(ns), strings.Join(names, ", "), dst, refuse).WithMistake("addr-missing").
			Say("why-path-no-addr", D{"NS": nsV(ns), "Links": strings.Join(names, ", "), "Dst": dst, "Refuse": refuseV(refuse)})
	}
	return Failf("%s has no route to %s: its addresses (%s) do not cover it and there is no default route%s",
		nsName(ns), dst, strings.Join(v4, ", "), refuse).
		WithMistake("no-default-route").
		Say("why-path-no-default-route", D{"NS": nsV(ns), "Dst": dst, "Addrs": strings.Join(v4, ", "), "Refuse": refuseV(refuse)})
}

// rpFilter: strict reverse-path filtering drops a packet that arrives on
// a link other than the one the router would use to answer its source.
func rpFilter(ctx context.Context, v *labView, ns, in string, src net.IP) *Result {
	if in == "" || src == nil {
		return nil
	}
	mode := "0"
	for _, key := range []string{"net.ipv4.conf.all.rp_filter", "net.ipv4.conf." + in + ".rp_filter"} {
		if val, err := v.k.Sysctl(ctx, ns, key); err == nil && val > mode {
			mode = val
		}
	}
	if mode != "1" {
		return nil
	}
	back, err := v.k.RouteGet(ctx, ns, src)
	if err != nil || back.Type == "unreachable" {
		return fail(Failf("rp_filter is strict (1) in %s and it has no route back to %s: it drops packets from %s arriving on %s as spoofed",
			nsName(ns), src, src, in).WithMistake("rp-filter").
			Say("why-path-rp-no-route", D{"NS": nsV(ns), "Src": src, "In": in}))
	}
	if back.Type == "unicast" && back.Dev != in {
		return fail(Failf("rp_filter is strict (1) in %s: packets from %s arrive on %s, but the route back to %s leaves by %s, so they are dropped as spoofed",
			nsName(ns), src, in, src, back.Dev).WithMistake("rp-filter").
			Say("why-path-rp-other-way", D{"NS": nsV(ns), "Src": src, "In": in, "Dev": back.Dev}))
	}
	return nil
}

// follow finds where dev (in ns) delivers a packet for next hop nh: the
// namespace and link that hold nh. ok is false (and the result nil) when
// dev is not something netlab can follow.
func follow(ctx context.Context, v *labView, p *pathInfo, ns string, dev kernel.Link, nh net.IP) (string, string, bool, *Result) {
	switch dev.Type {
	case "bridge":
		return crossBridge(ctx, v, p, ns, dev, kernel.Link{}, nh)
	case "veth":
	default:
		return "", "", false, nil
	}
	pns, peer, ok := v.peer(ctx, ns, dev)
	if !ok {
		return "", "", false, fail(Failf("the other end of %s is in a namespace that has no name under /run/netns (its namespace was deleted, or it belongs to a process)", inNS(dev.Name, ns)).WithMistake("peer-unnamed-ns").
			Say("why-path-peer-unnamed-ns", D{"Link": inNSV(dev.Name, ns)}))
	}
	if !peer.AdminUp && peer.MasterIndex != 0 {
		br, _ := v.byIndex(ctx, pns, peer.MasterIndex)
		return "", "", false, fail(Failf("port %s of %s (the other end of %s) is down: the bridge sends nothing through it", peer.Name, br.Name, inNS(dev.Name, ns)).
			WithFix(ipCmd(pns, "link set "+peer.Name+" up")).WithMistake("port-down").
			Say("why-path-peer-port-down", D{"Port": peer.Name, "Bridge": br.Name, "Link": inNSV(dev.Name, ns)}))
	}
	if !peer.AdminUp {
		return "", "", false, fail(Failf("%s is up, but its other end %s is down: a veth carries packets only when both ends are up", inNS(dev.Name, ns), inNS(peer.Name, pns)).
			WithFix(ipCmd(pns, "link set "+peer.Name+" up")).WithMistake("peer-down").
			Say("why-path-peer-down", D{"Link": inNSV(dev.Name, ns), "Peer": inNSV(peer.Name, pns)}))
	}
	if !dev.OperUp() {
		return "", "", false, fail(Failf("%s is admin up but has no carrier (state %s)", inNS(dev.Name, ns), strings.ToUpper(dev.OperState)).WithMistake("no-carrier").
			Say("why-no-carrier", D{"Link": inNSV(dev.Name, ns), "State": strings.ToUpper(dev.OperState)}))
	}
	if peer.MasterIndex != 0 {
		if br, ok := v.byIndex(ctx, pns, peer.MasterIndex); ok && br.Type == "bridge" {
			return crossBridge(ctx, v, p, pns, br, peer, nh)
		}
	}
	if _, ok := v.holds(ctx, pns, nh); ok {
		return pns, peer.Name, true, nil
	}
	leads := fmt.Sprintf("%s leads to %s", inNS(dev.Name, ns), inNS(peer.Name, pns))
	leadsV := Msg{ID: "why-path-leads-to", Data: D{"Link": inNSV(dev.Name, ns), "Peer": inNSV(peer.Name, pns)}}
	return "", "", false, fail(nobodyHas(ctx, v, nh, leads, leadsV, pns, peer.Name, ns, dev.Name))
}

// nobodyHas explains a next hop that is not where the link leads
// (leads, said as leadsV).
func nobodyHas(ctx context.Context, v *labView, nh net.IP, leads string, leadsV any, wantNS, wantLink, fromNS, fromLink string) Result {
	hs := v.holders(ctx, nh)
	if len(hs) == 0 {
		ones := 24
		for _, a := range v.Addrs(ctx, fromNS) {
			if a.Link == fromLink && a.IPNet.Contains(nh) {
				ones, _ = a.IPNet.Mask.Size()
			}
		}
		have := v.v4On(ctx, wantNS, wantLink)
		hv, msg := "no IPv4 address", "why-path-nobody-no-v4"
		if len(have) > 0 {
			hv, msg = strings.Join(have, ", "), "why-path-nobody-has"
		}
		return Failf("no namespace of the lab has the address %s: %s, which has %s", nh, leads, hv).
			WithFix(ipCmd(wantNS, fmt.Sprintf("addr add %s/%d dev %s", nh, ones, wantLink))).WithMistake("addr-missing").
			Say(msg, D{"IP": nh, "Leads": leadsV, "Have": hv})
	}
	var where []string
	for _, h := range hs {
		where = append(where, h.String())
	}
	return Failf("%s is on %s, but %s, not there: the address is on the wrong end", nh, strings.Join(where, ", "), leads).WithMistake("addr-wrong-end").
		Say("why-path-wrong-end", D{"IP": nh, "Where": placesV(hs), "Leads": leadsV})
}

// crossBridge follows a frame into bridge br (in ns), entering by port in
// (zero Link when the bridge itself sends), to the port that leads to nh.
func crossBridge(ctx context.Context, v *labView, p *pathInfo, ns string, br, in kernel.Link, nh net.IP) (string, string, bool, *Result) {
	p.addNS(ns)
	if !br.AdminUp {
		return "", "", false, fail(Failf("bridge %s is down: it forwards nothing between its ports until it is up", inNS(br.Name, ns)).
			Say("why-path-bridge-down", D{"Bridge": inNSV(br.Name, ns)}).
			WithFix(ipCmd(ns, "link set "+br.Name+" up")).WithMistake("bridge-down"))
	}
	if in.Name != "" {
		if r := portOK(ns, br, in, "", ""); r != nil {
			return "", "", false, r
		}
	}
	if _, ok := v.holds(ctx, ns, nh); ok && in.Name != "" {
		return ns, br.Name, true, nil
	}
	for _, port := range v.ports(ctx, ns, br) {
		if port.MasterIndex != br.Index || port.Index == in.Index || port.Type != "veth" {
			continue
		}
		pns, peer, ok := v.peer(ctx, ns, port)
		if !ok {
			continue
		}
		if _, has := v.holds(ctx, pns, nh); !has {
			continue
		}
		what := fmt.Sprintf(" (the port that leads to %s)", inNS(peer.Name, pns))
		whatV := Msg{ID: "why-port-leads-to", Data: D{"Link": inNSV(peer.Name, pns)}}
		if !port.AdminUp {
			return "", "", false, portOK(ns, br, port, what, whatV)
		}
		if !peer.AdminUp {
			return "", "", false, fail(Failf("%s, which holds %s, is down", inNS(peer.Name, pns), nh).
				WithFix(ipCmd(pns, "link set "+peer.Name+" up")).WithMistake("link-down").
				Say("why-path-holder-down", D{"Link": inNSV(peer.Name, pns), "IP": nh}))
		}
		if r := portOK(ns, br, port, what, whatV); r != nil {
			return "", "", false, r
		}
		if in.Name != "" && in.BridgePort.Isolated && port.BridgePort.Isolated {
			return "", "", false, fail(Failf("ports %s and %s of %s are both isolated (`bridge -d link show` says isolated on): the bridge passes no frame between two isolated ports, so %s cannot reach %s",
				in.Name, port.Name, br.Name, nsName(p.from), inNS(peer.Name, pns)).
				WithFix(fmt.Sprintf("bridge link set dev %s isolated off && bridge link set dev %s isolated off", in.Name, port.Name)).WithMistake("port-isolated").
				Say("why-port-isolated", D{"In": in.Name, "Port": port.Name, "Bridge": br.Name, "From": nsV(p.from), "To": inNSV(peer.Name, pns)}))
		}
		p.hops = append(p.hops, bridgeHop{ns: ns, br: br, in: in, out: port})
		if in.Name != "" {
			// Port to port: the frame is bridged, not routed (this is
			// what br_netfilter hands to iptables' FORWARD chain).
			p.bridges = append(p.bridges, place{ns: ns, link: br.Name})
		}
		return pns, peer.Name, true, nil
	}
	// Through a tunnel port to a bridge on another host (path_vxlan.go).
	if next, nin, ok, r := crossTunnels(ctx, v, p, ns, br, in, nh); ok || r != nil {
		return next, nin, ok, r
	}
	// Nothing behind the bridge has nh: find it elsewhere.
	for _, h := range v.holders(ctx, nh) {
		l, ok := v.link(ctx, h.ns, h.link)
		if !ok || l.Type != "veth" {
			continue
		}
		pns, peer, ok := v.peer(ctx, h.ns, l)
		if !ok {
			continue
		}
		if pns == ns && peer.MasterIndex == 0 {
			return "", "", false, fail(Failf("%s has %s, but its other end %s is not a port of %s, so nothing on the bridge reaches it",
				h, nh, inNS(peer.Name, pns), br.Name).
				WithFix(ipCmd(ns, fmt.Sprintf("link set %s master %s", peer.Name, br.Name))).WithMistake("port-not-attached").
				Say("why-path-port-not-attached", D{"Holder": inNSV(h.link, h.ns), "IP": nh, "Peer": inNSV(peer.Name, pns), "Bridge": br.Name}))
		}
		if pns == ns && peer.MasterIndex != br.Index {
			other, _ := v.byIndex(ctx, ns, peer.MasterIndex)
			return "", "", false, fail(Failf("%s has %s, but its other end %s is a port of %s, not of %s",
				h, nh, inNS(peer.Name, pns), other.Name, br.Name).
				WithFix(ipCmd(ns, fmt.Sprintf("link set %s master %s", peer.Name, br.Name))).WithMistake("port-not-attached").
				Say("why-path-port-other-bridge", D{"Holder": inNSV(h.link, h.ns), "IP": nh, "Peer": inNSV(peer.Name, pns), "Other": other.Name, "Bridge": br.Name}))
		}
		if pns != ns {
			return "", "", false, fail(Failf("%s has %s, but its other end %s is not in %s's namespace (%s), so it cannot be a port of %s",
				h, nh, inNS(peer.Name, pns), br.Name, nsName(ns), br.Name).
				WithFix(ipCmd(pns, fmt.Sprintf("link set %s netns %s", peer.Name, nsOrOne(ns)))).WithMistake("port-wrong-ns").
				Say("why-path-port-wrong-ns", D{"Holder": inNSV(h.link, h.ns), "IP": nh, "Peer": inNSV(peer.Name, pns), "Bridge": br.Name, "NS": nsV(ns)}))
		}
	}
	from := "bridge " + inNS(br.Name, ns)
	return "", "", false, fail(nobodyHasBridge(ctx, v, nh, from, Msg{ID: "why-bridge-named", Data: D{"Bridge": inNSV(br.Name, ns)}}))
}

// from is said as fromV.
func nobodyHasBridge(ctx context.Context, v *labView, nh net.IP, from string, fromV any) Result {
	hs := v.holders(ctx, nh)
	if len(hs) == 0 {
		return Failf("no namespace of the lab has the address %s: nothing behind %s answers for it", nh, from).WithMistake("addr-missing").
			Say("why-path-nobody-behind", D{"IP": nh, "From": fromV})
	}
	var where []string
	for _, h := range hs {
		where = append(where, h.String())
	}
	return Failf("%s is on %s, which is not connected to %s", nh, strings.Join(where, ", "), from).WithMistake("addr-wrong-end").
		Say("why-path-not-connected", D{"IP": nh, "Where": placesV(hs), "From": fromV})
}

// portOK checks a bridge port is up and forwarding.
// what ("" or " (the port that leads to ...)") is said as whatV.
func portOK(ns string, br, port kernel.Link, what string, whatV any) *Result {
	if !port.AdminUp {
		return fail(Failf("port %s of %s is down%s: the bridge sends nothing through it", port.Name, br.Name, what).
			WithFix(ipCmd(ns, "link set "+port.Name+" up")).WithMistake("port-down").
			Say("why-port-down", D{"Port": port.Name, "Bridge": br.Name, "What": whatV}))
	}
	if port.BridgePortState != "" && port.BridgePortState != "forwarding" {
		if !br.BridgeSTP && port.BridgePortState == "disabled" && port.AdminUp && port.LowerUp {
			// Without STP an up port with carrier is enabled by the bridge
			// when linkwatch reports the carrier, a moment after `ip link
			// set up`: no verdict from a state about to change; the probe
			// judges.
			return nil
		}
		r := Failf("port %s of %s is in STP state %s%s, not forwarding: the bridge passes no frames through it yet", port.Name, br.Name, port.BridgePortState, what).
			Say("why-port-stp", D{"Port": port.Name, "Bridge": br.Name, "State": port.BridgePortState, "What": whatV})
		if br.BridgeSTP {
			r.Why += fmt.Sprintf(" (STP is on for %s: stp_state 1; each port listens and learns for forward_delay before it forwards)", br.Name)
			r = r.Say("why-port-stp-on", D{"Bridge": br.Name})
		}
		return fail(r.WithFix(ipCmd(ns, "link set "+br.Name+" type bridge stp_state 0")).WithMistake("port-not-forwarding"))
	}
	return nil
}

// portConfines explains a probe that crossed a bridge and got no answer
// by a port option that keeps frames from a port (see `bridge -d link
// show`): the frame that leaves by out (an ARP request, or an echo
// request to a MAC the bridge has not learned) or the answer that comes
// back in by out. Options that cannot stop unicast IPv4 and ARP are not
// blamed: mcast_flood, proxy_arp, hairpin, and neigh_suppress (the bridge
// keeps an ARP request only when it answered it itself, from a neighbour
// entry: tried on this kernel, pings still cross a port with it on).
func portConfines(p pathInfo) *Result {
	for _, h := range p.hops {
		o, in := h.out, h.in
		set := func(opt string) string { return fmt.Sprintf("bridge link set dev %s %s", o.Name, opt) }
		nsFix := func(fix string) string {
			if h.ns == kernel.Root {
				return fix
			}
			return "ip netns exec " + h.ns + " " + fix
		}
		switch {
		case o.BridgePort.Locked:
			return fail(Failf("port %s of %s is locked (`bridge -d link show` says locked on): it drops every frame from a MAC that has no fdb entry on it, so the answers from behind it never enter the bridge",
				o.Name, h.br.Name).WithFix(nsFix(set("locked off"))).WithMistake("port-locked").
				Say("why-port-locked-out", D{"Port": o.Name, "Bridge": h.br.Name}))
		case in.Name != "" && in.BridgePort.Locked:
			return fail(Failf("port %s of %s is locked (`bridge -d link show` says locked on): it drops every frame from a MAC that has no fdb entry on it, so the requests of %s never enter the bridge",
				in.Name, h.br.Name, nsName(p.from)).WithFix(nsFix(fmt.Sprintf("bridge link set dev %s locked off", in.Name))).WithMistake("port-locked").
				Say("why-port-locked-in", D{"Port": in.Name, "Bridge": h.br.Name, "From": nsV(p.from)}))
		case o.BridgePort.NoBcastFlood:
			return fail(Failf("port %s of %s has bcast_flood off: the bridge floods no broadcast out of it, so the ARP request (who has %s?) never reaches the other side and nobody answers",
				o.Name, h.br.Name, p.nextHop).WithFix(nsFix(set("bcast_flood on"))).WithMistake("port-bcast-flood-off").
				Say("why-port-bcast-flood-off", D{"Port": o.Name, "Bridge": h.br.Name, "IP": p.nextHop}))
		case o.BridgePort.NoFlood && (o.BridgePortNoLearning || h.br.BridgeAgeingZero):
			why, whyV := "learning is off on it", Msg{ID: "why-port-learning-off-on-it"}
			if h.br.BridgeAgeingZero {
				why, whyV = "the bridge's ageing_time is 0", Msg{ID: "why-bridge-ageing-zero"}
			}
			return fail(Failf("port %s of %s has flood off and %s: the bridge never learns the MAC behind it, so every frame to it is unknown unicast, which a port with flood off does not get",
				o.Name, h.br.Name, why).WithFix(nsFix(set("flood on"))).WithMistake("port-flood-off").
				Say("why-port-flood-off", D{"Port": o.Name, "Bridge": h.br.Name, "Why": whyV}))
		}
	}
	return nil
}
