package kerneltest

import (
	"net"
	"net/netip"

	"github.com/netlab/netlab/kernel"
)

// VethPairRouter is VethPair where ns0 forwards (as a router would) and
// ns1 sends with TTL 64: replies reach ns0 with TTL 64 (no router
// between them).
func VethPairRouter() *Fake {
	f := VethPair()
	f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "1"
	f.NSs["ns0"].Sysctls["net.ipv4.conf.veth0.forwarding"] = "1"
	f.NSs["ns1"].Sysctls["net.ipv4.ip_default_ttl"] = "64"
	ping := f.PingF
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		r, err := ping(ns, dst, o)
		if r.Received > 0 {
			r.TTL = 64
		}
		return r, err
	}
	return f
}

// VethPairV6 is VethPair in IPv6: veth0 fd00::1/64 (ns0), veth1
// fd00::2/64 (ns1), link-local fe80::5 and fe80::7, a default route via
// fd00::2 in ns0, and ns0's neighbour entry for fd00::2 with veth1's MAC.
// ns0 pings fd00::2 and fe80::7%veth0.
func VethPairV6() *Fake {
	f := VethPair()
	ns0, ns1 := f.NSs["ns0"], f.NSs["ns1"]
	ns0.Addrs6 = []kernel.Addr6{{Link: "veth0", Prefix: netip.MustParsePrefix("fd00::1/64")}, {Link: "veth0", Prefix: netip.MustParsePrefix("fe80::5/64")}}
	ns1.Addrs6 = []kernel.Addr6{{Link: "veth1", Prefix: netip.MustParsePrefix("fd00::2/64")}, {Link: "veth1", Prefix: netip.MustParsePrefix("fe80::7/64")}}
	ns0.Routes6 = []kernel.Route{{Dst: CIDR("fd00::/64"), Dev: "veth0", Type: "unicast", Table: 254}, {Gw: net.ParseIP("fd00::2"), Dev: "veth0", Type: "unicast", Table: 254}}
	ns0.Neigh6 = []kernel.Neigh{{Dev: "veth0", IP: net.ParseIP("fd00::2"), MAC: MAC("02:00:00:00:00:07"), State: "reachable"}}
	for _, ns := range []*NS{ns0, ns1} {
		ns.RouteGet6F = func(dst net.IP, oif string) (kernel.Route, error) { return route6(ns, dst) }
	}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		if ns == "ns0" && (dst.Equal(net.ParseIP("fd00::2")) || dst.Equal(net.ParseIP("fe80::7")) && o.Zone == "veth0") {
			return kernel.PingResult{Sent: 1, Received: 1}, nil
		}
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}

// route6 is a route lookup over a fake namespace's IPv6 state.
func route6(ns *NS, dst net.IP) (kernel.Route, error) {
	a, _ := netip.AddrFromSlice(dst)
	for _, ad := range ns.Addrs6 {
		if ad.Prefix.Addr() == a {
			return kernel.Route{Dev: "lo", Type: "local"}, nil
		}
	}
	for _, ad := range ns.Addrs6 {
		if ad.Prefix.Masked().Contains(a) {
			return kernel.Route{Dev: ad.Link, Type: "unicast"}, nil
		}
	}
	for _, r := range ns.Routes6 {
		if r.Dst == nil {
			return r, nil
		}
	}
	return kernel.Route{}, errUnreachable
}

type unreachable struct{}

func (unreachable) Error() string { return "network is unreachable" }

var errUnreachable error = unreachable{}

// Overlay is lesson 6's finished state: host1 and host2 joined by the
// underlay veth eth0 <-> eth0 (192.168.100.1/24, .2/24); on each host br0
// with the container's veth (veth-cN <-> eth0 in cN, 10.244.0.1N/24, MTU
// 1450) and vxlan42 (VNI 42, port 4789, dev eth0, remote the other host,
// MTU 1450) as ports. Pings between c1 and c2 are answered and move the
// vxlan42 counters on both hosts, unless their packets exceed 1450 bytes.
func Overlay() *Fake {
	f := New()
	for _, n := range []string{"host1", "host2", "c1", "c2"} {
		ns := f.Add(n)
		ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
		ns.LinkStats = map[string]kernel.LinkStats{}
	}
	// Namespace ids: each namespace calls host1 1, host2 2, c1 3, c2 4.
	ids := map[string]int{"host1": 1, "host2": 2, "c1": 3, "c2": 4}
	for n, ns := range f.NSs {
		if n == kernel.Root {
			continue
		}
		for o, id := range ids {
			if o != n {
				ns.NSIDs[o] = id
			}
		}
	}
	up := func(l kernel.Link) kernel.Link {
		l.AdminUp, l.LowerUp, l.OperState = true, true, "up"
		return l
	}
	for i, h := range []string{"host1", "host2"} {
		n := i + 1
		other := []string{"host2", "host1"}[i]
		c := []string{"c1", "c2"}[i]
		me := net.IPv4(192, 168, 100, byte(n)).To4()
		peer := net.IPv4(192, 168, 100, byte(3-n)).To4()
		ns := f.NSs[h]
		ns.Links = append(ns.Links,
			up(kernel.Link{Name: "eth0", Index: 2, Type: "veth", MTU: 1500, ParentIndex: 2, PeerNetNSID: ids[other], MAC: MAC("02:00:00:00:0" + string(rune('0'+n)) + ":02")}),
			up(kernel.Link{Name: "br0", Index: 3, Type: "bridge", MTU: 1450, MAC: MAC("02:00:00:00:0" + string(rune('0'+n)) + ":03")}),
			up(kernel.Link{Name: "veth-" + c, Index: 4, Type: "veth", MTU: 1450, MasterIndex: 3, BridgePortState: "forwarding", ParentIndex: 2, PeerNetNSID: ids[c], MAC: MAC("02:00:00:00:0" + string(rune('0'+n)) + ":04")}),
			up(kernel.Link{Name: "vxlan42", Index: 5, Type: "vxlan", MTU: 1450, MasterIndex: 3, BridgePortState: "forwarding", MAC: MAC("02:00:00:00:0" + string(rune('0'+n)) + ":05")}),
		)
		ns.Addrs = []kernel.Addr{{Link: "lo", IPNet: CIDR("127.0.0.1/8")}, {Link: "eth0", IPNet: &net.IPNet{IP: me, Mask: net.CIDRMask(24, 32)}}}
		ns.Routes = []kernel.Route{{Dst: CIDR("192.168.100.0/24"), Dev: "eth0", Type: "unicast", Table: 254}}
		ns.VXLANs = []kernel.VXLAN{{Name: "vxlan42", Index: 5, VNI: 42, Port: 4789, Local: me, Remote: peer, Dev: "eth0", MasterIndex: 3, AdminUp: true, MTU: 1450}}
		ns.LinkStats["vxlan42"] = kernel.LinkStats{}

		cns := f.NSs[c]
		cns.Links = append(cns.Links, up(kernel.Link{Name: "eth0", Index: 2, Type: "veth", MTU: 1450, ParentIndex: 4, PeerNetNSID: ids[h], MAC: MAC("02:00:00:00:1" + string(rune('0'+n)) + ":02")}))
		cns.Addrs = []kernel.Addr{{Link: "lo", IPNet: CIDR("127.0.0.1/8")}, {Link: "eth0", IPNet: &net.IPNet{IP: net.IPv4(10, 244, 0, byte(10+n)).To4(), Mask: net.CIDRMask(24, 32)}}}
		cns.Routes = []kernel.Route{{Dst: CIDR("10.244.0.0/24"), Dev: "eth0", Type: "unicast", Table: 254}}
	}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		cross := func(from, to string) (kernel.PingResult, error) {
			if o.Size+28 > 1450 {
				// Too big for vxlan42: the bridge drops the frame (with
				// DF; without it the sender's own MTU already applies).
				return kernel.PingResult{Sent: o.Count}, nil
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			s := f.NSs[from].LinkStats["vxlan42"]
			s.TxPackets += uint64(o.Count)
			f.NSs[from].LinkStats["vxlan42"] = s
			r := f.NSs[to].LinkStats["vxlan42"]
			r.RxPackets += uint64(o.Count)
			f.NSs[to].LinkStats["vxlan42"] = r
			return kernel.PingResult{Sent: o.Count, Received: o.Count, TTL: 64}, nil
		}
		switch {
		case ns == "c1" && dst.Equal(net.ParseIP("10.244.0.12")):
			return cross("host1", "host2")
		case ns == "c2" && dst.Equal(net.ParseIP("10.244.0.11")):
			return cross("host2", "host1")
		case ns == "host1" && dst.Equal(net.ParseIP("192.168.100.2")), ns == "host2" && dst.Equal(net.ParseIP("192.168.100.1")):
			return kernel.PingResult{Sent: o.Count, Received: o.Count, TTL: 64}, nil
		}
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}
