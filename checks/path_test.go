package checks

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

var cidr = kerneltest.CIDR

func prefix(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// lanFake is lesson 4's topology in the fake: ns0 and ns1 on br0
// (10.0.1.1/24, the gateway) and internet behind wan0, all up.
func lanFake() *kerneltest.Fake {
	f := kerneltest.New()
	root := f.NSs[kernel.Root]
	root.Links = append(root.Links,
		kernel.Link{Name: "br0", Index: 2, Type: "bridge", AdminUp: true, LowerUp: true, OperState: "up", PeerNetNSID: -1},
		kernel.Link{Name: "veth-ns0", Index: 3, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", MasterIndex: 2, ParentIndex: 2, PeerNetNSID: 0, BridgePortState: "forwarding"},
		kernel.Link{Name: "veth-ns1", Index: 4, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", MasterIndex: 2, ParentIndex: 2, PeerNetNSID: 1, BridgePortState: "forwarding"},
		kernel.Link{Name: "wan0", Index: 5, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 2, PeerNetNSID: 2},
	)
	root.Addrs = []kernel.Addr{{Link: "br0", IPNet: cidr("10.0.1.1/24")}, {Link: "wan0", IPNet: cidr("203.0.113.254/24")}}
	root.Routes = []kernel.Route{{Dst: prefix("10.0.1.0/24"), Dev: "br0"}, {Dst: prefix("203.0.113.0/24"), Dev: "wan0"}}
	root.NSIDs = map[string]int{"ns0": 0, "ns1": 1, "internet": 2}
	for i, name := range []string{"ns0", "ns1"} {
		ns := f.Add(name)
		ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
		ns.Links = append(ns.Links, kernel.Link{Name: "eth0", Index: 2, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 3 + i, PeerNetNSID: 0})
		ns.Addrs = []kernel.Addr{{Link: "eth0", IPNet: cidr("10.0.1.1" + string(rune('0'+i)) + "/24")}}
		ns.Routes = []kernel.Route{{Dst: prefix("10.0.1.0/24"), Dev: "eth0"}, {Gw: net.ParseIP("10.0.1.1"), Dev: "eth0"}}
		ns.NSIDs = map[string]int{kernel.Root: 0}
	}
	in := f.Add("internet")
	in.Links = append(in.Links, kernel.Link{Name: "eth0", Index: 2, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 5, PeerNetNSID: 0})
	in.Addrs = []kernel.Addr{{Link: "eth0", IPNet: cidr("203.0.113.1/24")}}
	in.Routes = []kernel.Route{{Dst: prefix("203.0.113.0/24"), Dev: "eth0"}}
	in.NSIDs = map[string]int{kernel.Root: 0}
	root.Sysctls["net.ipv4.ip_forward"] = "1"
	return f
}

func walk(f *kerneltest.Fake, from, dst string) (pathInfo, *Result) {
	ctx := context.Background()
	return walkPath(ctx, newLabView(ctx, f), from, net.ParseIP(dst), false, false)
}

func TestWalkPath(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    string
		dst     string
		mutate  func(f *kerneltest.Fake)
		mistake string // "" = the path is complete
	}{
		{name: "bridged path is complete", from: "ns0", dst: "10.0.1.11"},
		{name: "routed path is complete", from: "ns0", dst: "203.0.113.1"},
		{name: "gateway is reached", from: "ns1", dst: "10.0.1.1"},
		{name: "bridge down", from: "ns0", dst: "10.0.1.11", mistake: "bridge-down",
			mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[1].AdminUp = false }},
		{name: "far port listening", from: "ns0", dst: "10.0.1.11", mistake: "port-not-forwarding",
			mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[3].BridgePortState = "listening" }},
		{name: "own port down", from: "ns0", dst: "10.0.1.11", mistake: "port-down",
			mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[2].AdminUp = false }},
		{name: "port not attached", from: "ns0", dst: "10.0.1.11", mistake: "port-not-attached",
			mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[3].MasterIndex = 0 }},
		{name: "forwarding off", from: "ns0", dst: "203.0.113.1", mistake: "ip-forward-off",
			mutate: func(f *kerneltest.Fake) { f.NSs[""].Sysctls["net.ipv4.ip_forward"] = "0" }},
		{name: "strict rp_filter with an asymmetric route", from: "ns0", dst: "203.0.113.1", mistake: "rp-filter",
			mutate: func(f *kerneltest.Fake) {
				root := f.NSs[""]
				root.Sysctls["net.ipv4.conf.all.rp_filter"] = "1"
				root.Routes = append(root.Routes, kernel.Route{Dst: prefix("10.0.1.10/32"), Dev: "wan0"})
			}},
		{name: "pinging yourself", from: "ns0", dst: "10.0.1.10", mistake: "ping-self"},
		{name: "address nowhere", from: "ns0", dst: "10.0.1.99", mistake: "addr-missing"},
		{name: "no default route", from: "ns0", dst: "203.0.113.1", mistake: "no-default-route",
			mutate: func(f *kerneltest.Fake) { f.NSs["ns0"].Routes = f.NSs["ns0"].Routes[:1] }},
		{name: "missing namespace", from: "ns7", dst: "10.0.1.11", mistake: "ns-missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lanFake()
			if tc.mutate != nil {
				tc.mutate(f)
			}
			p, r := walk(f, tc.from, tc.dst)
			if tc.mistake == "" {
				require.Nil(t, r)
				require.True(t, p.found)
				return
			}
			require.NotNil(t, r)
			require.Equal(t, Fail, r.Status)
			require.Equal(t, tc.mistake, r.Mistake, r.Why)
		})
	}
}

func TestWalkRecordsBridgesAndRouters(t *testing.T) {
	p, r := walk(lanFake(), "ns0", "10.0.1.11")
	require.Nil(t, r)
	require.Equal(t, "ns1", p.holder.ns)
	require.Len(t, p.bridges, 1, "ns0 -> ns1 is bridged")
	require.Empty(t, p.routers)
	p, r = walk(lanFake(), "ns0", "203.0.113.1")
	require.Nil(t, r)
	require.Equal(t, "internet", p.holder.ns)
	require.Empty(t, p.bridges, "ns0 -> internet is routed by the root namespace, not bridged")
	require.Equal(t, []string{kernel.Root}, p.routers)
	require.Equal(t, "wan0", p.outDev[kernel.Root])
}

// A ping whose path is already broken is judged without sending anything.
func TestPingFastVerdictSendsNothing(t *testing.T) {
	f := lanFake()
	f.NSs[""].Links[1].AdminUp = false
	sent := 0
	f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
		sent++
		return kernel.PingResult{Sent: 1, Received: 1}, nil
	}
	r := pingCheck{from: "ns0", to: net.ParseIP("10.0.1.11").To4()}.Run(context.Background(), Env{K: f})
	require.Equal(t, Fail, r.Status)
	require.Equal(t, "bridge-down", r.Mistake)
	require.Zero(t, sent)
	f.NSs[""].Links[1].AdminUp = true
	r = pingCheck{from: "ns0", to: net.ParseIP("10.0.1.11").To4()}.Run(context.Background(), Env{K: f})
	require.Equal(t, Pass, r.Status)
	require.Equal(t, 1, sent)
}

func TestAfterFailure(t *testing.T) {
	icmp := probeDesc{proto: "icmp", src: net.ParseIP("10.0.1.10"), dst: net.ParseIP("10.0.1.11")}
	dropRule := kernel.NFRule{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 4, Text: "ip saddr 10.0.1.10 drop", Verdict: "drop"}
	tcpRule := kernel.NFRule{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 5, Text: "l4proto tcp drop", Verdict: "drop"}
	for _, tc := range []struct {
		name    string
		mutate  func(f *kerneltest.Fake)
		moved   uint64
		mistake string
	}{
		{name: "nothing to say", mistake: ""},
		{name: "a drop rule counted the probe", moved: 3, mistake: "dropped-by-rule",
			mutate: func(f *kerneltest.Fake) { f.NSs["ns1"].Ruleset.Rules = []kernel.NFRule{dropRule} }},
		{name: "a drop rule that did not move", moved: 0, mistake: "",
			mutate: func(f *kerneltest.Fake) { f.NSs["ns1"].Ruleset.Rules = []kernel.NFRule{dropRule} }},
		{name: "a moved rule for another protocol", moved: 3, mistake: "",
			mutate: func(f *kerneltest.Fake) { f.NSs["ns1"].Ruleset.Rules = []kernel.NFRule{tcpRule} }},
		{name: "br_netfilter and FORWARD drop", mistake: "br-netfilter-drop",
			mutate: func(f *kerneltest.Fake) {
				f.NSs[""].Sysctls["net.bridge.bridge-nf-call-iptables"] = "1"
				f.NSs[""].Ruleset.Chains = []kernel.NFChain{{Family: "ip", Table: "filter", Name: "FORWARD", Hook: "forward", Policy: "drop"}}
			}},
		{name: "FORWARD drop without br_netfilter", mistake: "",
			mutate: func(f *kerneltest.Fake) {
				f.NSs[""].Ruleset.Chains = []kernel.NFChain{{Family: "ip", Table: "filter", Name: "FORWARD", Hook: "forward", Policy: "drop"}}
			}},
		{name: "input policy drop at the destination", mistake: "policy-drop",
			mutate: func(f *kerneltest.Fake) {
				f.NSs["ns1"].Ruleset.Chains = []kernel.NFChain{{Family: "inet", Table: "fw", Name: "in", Hook: "input", Policy: "drop"}}
			}},
		{name: "ARP failed", mistake: "neigh-failed",
			mutate: func(f *kerneltest.Fake) {
				f.NSs["ns0"].Neigh = []kernel.Neigh{{Dev: "eth0", IP: net.ParseIP("10.0.1.11"), State: "failed"}}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := lanFake()
			if tc.mutate != nil {
				tc.mutate(f)
			}
			v := newLabView(ctx, f)
			p, r := walkPath(ctx, v, "ns0", icmp.dst, false, false)
			require.Nil(t, r)
			before := snapshotCounters(ctx, f, probeNamespaces(p))
			for i := range f.NSs["ns1"].Ruleset.Rules {
				f.NSs["ns1"].Ruleset.Rules[i].Packets += tc.moved
			}
			after := snapshotRules(ctx, f, probeNamespaces(p))
			got := afterFailure(ctx, v, p, icmp, before, after)
			if tc.mistake == "" {
				require.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			require.Equal(t, tc.mistake, got.Mistake, got.Why)
		})
	}
}

func TestFDBWhy(t *testing.T) {
	ctx := context.Background()
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 0x11}
	check := fdbCheck{bridgePort{ns: "ns1", link: "eth0", bridge: "br0"}}
	setup := func() *kerneltest.Fake {
		f := lanFake()
		f.NSs["ns1"].Links[1].MAC = mac
		return f
	}
	f := setup()
	f.NSs[""].FDB["br0"] = []kernel.FDBEntry{{MAC: mac, PortIndex: 4}}
	require.Equal(t, Pass, check.Run(ctx, Env{K: f}).Status)

	f = setup()
	f.NSs[""].FDB["br0"] = []kernel.FDBEntry{{MAC: mac, PortIndex: 3}}
	r := check.Run(ctx, Env{K: f})
	require.Equal(t, "fdb-wrong-port", r.Mistake)
	require.Contains(t, r.Why, "on port veth-ns0, not on veth-ns1", "ports by name, not ifindex")

	f = setup()
	f.NSs[""].Links[3].AdminUp = false
	r = check.Run(ctx, Env{K: f})
	require.Equal(t, "port-down", r.Mistake)
	require.Contains(t, r.Why, "its port veth-ns1 is down")

	r = check.Run(ctx, Env{K: setup()})
	require.Equal(t, "fdb-not-learned", r.Mistake)
}
