package kerneltest

import (
	"net"

	"github.com/netlab/netlab/kernel"
)

// Fixtures are named right states for the fake-kernel cases that check
// kinds declare (checks.Case.Fixture). Each call of a fixture returns a
// fresh fake. The map is made on each call of Fixtures, by the tests that
// ask: checks links this package, and a package-level map would be built
// at every start of netlab.
func Fixtures() map[string]func() *Fake {
	return map[string]func() *Fake{
		"veth-pair":          VethPair,
		"veth-pair-dropping": VethPairDropping,
		"veth-pair-forwarding": func() *Fake {
			f := VethPair()
			f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "1"
			return f
		},
		"bridge-lab": BridgeLab,
		// lessons 5-7 (fixtures58.go)
		"veth-pair-router": VethPairRouter,
		"veth-pair-v6":     VethPairV6,
		"overlay":          Overlay,
	}
}

// VethPair is lesson 2's finished state: veth0 in ns0 (ifindex 5, nsid 1
// for ns1) <-> veth1 in ns1 (ifindex 7, nsid 2 for ns0), 10.0.0.1/24 and
// 10.0.0.2/24, each answering the other's ping and TCP
// connection.
func VethPair() *Fake {
	f := New()
	for _, n := range []string{"ns0", "ns1"} {
		ns := f.Add(n)
		ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
	}
	ns0, ns1 := f.NSs["ns0"], f.NSs["ns1"]
	ns0.NSIDs["ns1"], ns1.NSIDs["ns0"] = 1, 2
	ns0.Links = append(ns0.Links, kernel.Link{Name: "veth0", Index: 5, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 7, PeerNetNSID: 1, MAC: MAC("02:00:00:00:00:05")})
	ns1.Links = append(ns1.Links, kernel.Link{Name: "veth1", Index: 7, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 5, PeerNetNSID: 2, MAC: MAC("02:00:00:00:00:07")})
	ns0.Addrs = []kernel.Addr{{Link: "lo", IPNet: CIDR("127.0.0.1/8")}, {Link: "veth0", IPNet: CIDR("10.0.0.1/24")}}
	ns1.Addrs = []kernel.Addr{{Link: "lo", IPNet: CIDR("127.0.0.1/8")}, {Link: "veth1", IPNet: CIDR("10.0.0.2/24")}}
	ns0.Routes = []kernel.Route{{Dst: CIDR("10.0.0.0/24"), Dev: "veth0", Type: "unicast", Table: 254}}
	ns1.Routes = []kernel.Route{{Dst: CIDR("10.0.0.0/24"), Dev: "veth1", Type: "unicast", Table: 254}}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		if (ns == "ns0" && dst.Equal(net.ParseIP("10.0.0.2"))) || (ns == "ns1" && dst.Equal(net.ParseIP("10.0.0.1"))) {
			return kernel.PingResult{Sent: 1, Received: 1}, nil
		}
		return kernel.PingResult{Sent: o.Count}, nil
	}
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		from := map[string]string{"ns0": "10.0.0.1", "ns1": "10.0.0.2"}
		src, ok := from[p.ClientNS]
		if !ok || p.ServerNS == p.ClientNS || p.Listen.IP.String() != from[p.ServerNS] {
			return kernel.TCPResult{}, nil
		}
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP(src)}, nil
	}
	return f
}

// VethPairDropping is VethPair where something drops every echo request.
func VethPairDropping() *Fake {
	f := VethPair()
	f.PingF = func(_ string, _ net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}

// BridgeLab is br0 in the root namespace with one port, veth-a, whose peer
// is eth0 in ns0 (its MAC learned on veth-a), and a masquerade rule in the
// root namespace's nat table.
func BridgeLab() *Fake {
	f := New()
	root := f.NSs[kernel.Root]
	ns := f.Add("ns0")
	ns.NSIDs[kernel.Root] = 0
	root.Links = append(root.Links,
		kernel.Link{Name: "br0", Index: 3, Type: "bridge", AdminUp: true, OperState: "up", PeerNetNSID: -1},
		kernel.Link{Name: "veth-a", Index: 4, Type: "veth", AdminUp: true, OperState: "up", MasterIndex: 3, ParentIndex: 2, PeerNetNSID: 9})
	ns.Links = append(ns.Links, kernel.Link{Name: "eth0", Index: 2, Type: "veth", AdminUp: true, OperState: "up", ParentIndex: 4, PeerNetNSID: 0, MAC: MAC("02:00:00:00:01:10")})
	root.FDB["br0"] = []kernel.FDBEntry{{MAC: MAC("02:00:00:00:01:10"), PortIndex: 4}}
	root.Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip", Table: "nat", Name: "POSTROUTING", Hook: "postrouting", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip", Table: "nat", Chain: "POSTROUTING", Text: "ip saddr 10.0.1.0/24 oifname wan0 masquerade", Verdict: "masquerade"}},
	}
	return f
}
