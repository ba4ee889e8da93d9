package checks_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

var cidr = kerneltest.CIDR

var mac = kerneltest.MAC

// lesson2 builds a fake of lesson 2's finished state: veth0 in ns0 (ifindex
// 5, nsid 1 for ns1) <-> veth1 in ns1 (ifindex 7, nsid 2 for ns0).
func lesson2() *kerneltest.Fake {
	f := kerneltest.New()
	for _, n := range []string{"ns0", "ns1"} {
		ns := f.Add(n)
		ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
	}
	ns0, ns1 := f.NSs["ns0"], f.NSs["ns1"]
	ns0.NSIDs["ns1"], ns1.NSIDs["ns0"] = 1, 2
	ns0.Links = append(ns0.Links, kernel.Link{Name: "veth0", Index: 5, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 7, PeerNetNSID: 1, MAC: mac("02:00:00:00:00:05")})
	ns1.Links = append(ns1.Links, kernel.Link{Name: "veth1", Index: 7, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 5, PeerNetNSID: 2, MAC: mac("02:00:00:00:00:07")})
	ns0.Addrs = []kernel.Addr{{Link: "lo", IPNet: cidr("127.0.0.1/8")}, {Link: "veth0", IPNet: cidr("10.0.0.1/24")}}
	ns1.Addrs = []kernel.Addr{{Link: "lo", IPNet: cidr("127.0.0.1/8")}, {Link: "veth1", IPNet: cidr("10.0.0.2/24")}}
	ns0.Routes = []kernel.Route{{Dst: cidr("10.0.0.0/24"), Dev: "veth0", Type: "unicast", Table: 254}}
	ns1.Routes = []kernel.Route{{Dst: cidr("10.0.0.0/24"), Dev: "veth1", Type: "unicast", Table: 254}}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		if (ns == "ns0" && dst.Equal(net.ParseIP("10.0.0.2"))) || (ns == "ns1" && dst.Equal(net.ParseIP("10.0.0.1"))) {
			return kernel.PingResult{Sent: 1, Received: 1}, nil
		}
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}

func build(t *testing.T, kind string, p checks.Params) checks.Check {
	t.Helper()
	k, ok := checks.Default().Get(kind)
	require.True(t, ok, kind)
	c, err := k.Build(p)
	require.NoError(t, err)
	return c
}

// kindCase builds one check, shows it passing on the fixture's right
// state, breaks the state, and shows it failing with the mistake (when
// one is named) and a why.
type kindCase struct {
	name    string
	kind    string
	p       checks.Params
	breakIt func(f *kerneltest.Fake)
	mistake string
}

func runKindCases(t *testing.T, fixture func() *kerneltest.Fake, cases []kindCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := build(t, tc.kind, tc.p)
			f := fixture()
			env := checks.Env{K: f}
			r := c.Run(ctx, env)
			require.Equal(t, checks.Pass, r.Status, "right state: %+v", r)
			tc.breakIt(f)
			r = c.Run(ctx, env)
			require.Equal(t, checks.Fail, r.Status, "wrong state: %+v", r)
			require.NotEmpty(t, r.Why)
			if tc.mistake != "" {
				require.Equal(t, tc.mistake, r.Mistake, r.Why)
			}
		})
	}
}

// lesson2Dropping is lesson 2 where something drops every echo request.
func lesson2Dropping() *kerneltest.Fake {
	f := lesson2()
	f.PingF = func(_ string, _ net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}

func TestKindsPassAndFail(t *testing.T) {
	runKindCases(t, lesson2, []kindCase{
		{"netns", "netns", checks.Params{NS: "ns1"},
			func(f *kerneltest.Fake) { delete(f.NSs, "ns1") }, "ns-missing"},
		{"netns stale", "netns", checks.Params{NS: "ns1"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Stale = true }, "ns-stale"},
		{"link_exists", "link_exists", checks.Params{NS: "ns0", Link: "veth0", Type: "veth"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Links = f.NSs["ns0"].Links[:1] }, "link-missing"},
		{"link_up lo", "link_up", checks.Params{NS: "ns0", Link: "lo"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Links[0].AdminUp = false }, "lo-down"},
		{"link_up oper, peer down", "link_up", checks.Params{NS: "ns0", Link: "veth0", Oper: true},
			func(f *kerneltest.Fake) {
				f.NSs["ns1"].Links[1].AdminUp = false
				f.NSs["ns0"].Links[1].OperState = "lowerlayerdown"
				f.NSs["ns0"].Links[1].LowerUp = false // no carrier without the peer
			}, "peer-down"},
		{"addr", "addr", checks.Params{NS: "ns0", Link: "veth0", Addr: "10.0.0.1/24"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Addrs[1].IPNet = cidr("10.0.0.1/32") }, "wrong-prefix"},
		{"addr on the wrong end", "addr", checks.Params{NS: "ns0", Link: "veth0", Addr: "10.0.0.1/24"},
			func(f *kerneltest.Fake) {
				f.NSs["ns0"].Addrs = f.NSs["ns0"].Addrs[:1]
				f.NSs["ns1"].Addrs = append(f.NSs["ns1"].Addrs, kernel.Addr{Link: "veth1", IPNet: cidr("10.0.0.1/24")})
			}, "addr-wrong-end"},
		{"veth_pair", "veth_pair", checks.Params{NS: "ns0", Link: "veth0", PeerNS: "ns1", Peer: "veth1"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Links[1].Name = "vethX" }, "wrong-peer"},
		{"veth_pair anywhere", "veth_pair", checks.Params{NS: "*", Link: "veth0", PeerNS: "*", Peer: "veth1"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Links = f.NSs["ns0"].Links[:1] }, "link-missing"},
		{"route", "route", checks.Params{NS: "ns0", Dst: "10.0.0.0/24", Dev: "veth0"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Routes = nil }, "route-missing"},
		{"route absent", "route", checks.Params{NS: "ns1", Dst: "192.168.7.0/24", Absent: true},
			func(f *kerneltest.Fake) {
				f.NSs["ns1"].Routes = append(f.NSs["ns1"].Routes, kernel.Route{Dev: "veth1", Gw: net.ParseIP("10.0.0.1"), Table: 254})
			}, "route-should-be-absent"},
		{"sysctl", "sysctl", checks.Params{NS: "ns0", Key: "net.ipv4.ip_forward", Value: "0"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "1" }, ""},
		{"ping", "ping", checks.Params{From: "ns0", To: "10.0.0.2"},
			func(f *kerneltest.Fake) { f.PingF = nil }, "no-reply"},
		{"ping to itself is no proof", "ping", checks.Params{From: "ns0", To: "10.0.0.2"},
			func(f *kerneltest.Fake) {
				// 10.0.0.2 typed on the wrong end: ns0 now answers itself.
				f.NSs["ns0"].Addrs = append(f.NSs["ns0"].Addrs, kernel.Addr{Link: "veth0", IPNet: cidr("10.0.0.2/24")})
				f.NSs["ns1"].Addrs = f.NSs["ns1"].Addrs[:1]
			}, "ping-self"},
		{"duplicate address", "ping", checks.Params{From: "ns0", To: "10.0.0.2"},
			func(f *kerneltest.Fake) {
				f.NSs["ns0"].Addrs = append(f.NSs["ns0"].Addrs, kernel.Addr{Link: "veth0", IPNet: cidr("10.0.0.2/24")})
			}, "dup-addr"},
	})
	// Where something drops the echo requests, expect: no_reply passes.
	runKindCases(t, lesson2Dropping, []kindCase{
		{"ping no_reply", "ping", checks.Params{From: "ns1", To: "10.0.0.1", Expect: "no_reply"},
			func(f *kerneltest.Fake) {
				// Nothing drops the echo any more: ns0 answers.
				f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
					return kernel.PingResult{Sent: 1, Received: 1}, nil
				}
			}, "not-dropped"},
	})
}

func bridgeLab() *kerneltest.Fake {
	f := kerneltest.New()
	root := f.NSs[kernel.Root]
	ns := f.Add("ns0")
	ns.NSIDs[kernel.Root] = 0
	root.Links = append(root.Links,
		kernel.Link{Name: "br0", Index: 3, Type: "bridge", AdminUp: true, LowerUp: true, OperState: "up", PeerNetNSID: -1},
		kernel.Link{Name: "veth-a", Index: 4, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", MasterIndex: 3, ParentIndex: 2, PeerNetNSID: 9})
	ns.Links = append(ns.Links, kernel.Link{Name: "eth0", Index: 2, Type: "veth", AdminUp: true, LowerUp: true, OperState: "up", ParentIndex: 4, PeerNetNSID: 0, MAC: mac("02:00:00:00:01:10")})
	root.FDB["br0"] = []kernel.FDBEntry{{MAC: mac("02:00:00:00:01:10"), PortIndex: 4}}
	root.Ruleset = kernel.Ruleset{
		Chains: []kernel.NFChain{{Family: "ip", Table: "nat", Name: "POSTROUTING", Hook: "postrouting", Policy: "accept"}},
		Rules:  []kernel.NFRule{{Family: "ip", Table: "nat", Chain: "POSTROUTING", Text: "ip saddr 10.0.1.0/24 oifname wan0 masquerade", Verdict: "masquerade"}},
	}
	return f
}

func TestBridgeFDBAndRuleKinds(t *testing.T) {
	runKindCases(t, bridgeLab, []kindCase{
		{"bridge_port", "bridge_port", checks.Params{NS: "ns0", Link: "eth0", Bridge: "br0"},
			func(f *kerneltest.Fake) { f.NSs[kernel.Root].Links[2].MasterIndex = 0 }, "port-not-attached"},
		{"bridge missing", "bridge_port", checks.Params{NS: "ns0", Link: "eth0", Bridge: "br0"},
			func(f *kerneltest.Fake) { f.NSs[kernel.Root].Links[1].Name = "br1" }, "bridge-missing"},
		{"fdb", "fdb", checks.Params{NS: "ns0", Link: "eth0", Bridge: "br0"},
			func(f *kerneltest.Fake) { f.NSs[kernel.Root].FDB["br0"] = nil }, "fdb-not-learned"},
		{"fdb wrong port", "fdb", checks.Params{NS: "ns0", Link: "eth0", Bridge: "br0"},
			func(f *kerneltest.Fake) { f.NSs[kernel.Root].FDB["br0"][0].PortIndex = 99 }, "fdb-wrong-port"},
		{"nf_rule masquerade", "nf_rule", checks.Params{Verdict: "masquerade", Src: "10.0.1.0/24", OutIf: "wan0"},
			func(f *kerneltest.Fake) {
				f.NSs[kernel.Root].Ruleset.Rules[0].Text = "ip saddr 10.0.1.0/24 oifname br0 masquerade"
			}, "rule-mismatch"},
		{"nf_rule gone", "nf_rule", checks.Params{Verdict: "masquerade", OutIf: "wan0"},
			func(f *kerneltest.Fake) { f.NSs[kernel.Root].Ruleset = kernel.Ruleset{} }, "rule-missing"},
		{"nf_rule in the wrong namespace", "nf_rule", checks.Params{Verdict: "masquerade", OutIf: "wan0"},
			func(f *kerneltest.Fake) {
				f.NSs["ns0"].Ruleset = f.NSs[kernel.Root].Ruleset
				f.NSs[kernel.Root].Ruleset = kernel.Ruleset{}
			}, "rule-wrong-ns"},
	})
}

func TestTCPKind(t *testing.T) {
	c := build(t, "tcp", checks.Params{From: "ns0", To: "10.0.0.2:8080", ServerNS: "ns1", ExpectSrc: "10.0.0.1"})
	f := lesson2()
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		require.Equal(t, "10.0.0.2:8080", p.Listen.String(), "listen defaults to the destination")
		require.Equal(t, "ns1", p.ServerNS)
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP("10.0.0.1")}, nil
	}
	r := c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Pass, r.Status, r.Why)
	f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
		return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP("10.0.0.9")}, nil
	}
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.Equal(t, "no-snat", r.Mistake)
	f.ProbeTCPF = nil
	r = c.Run(context.Background(), checks.Env{K: f})
	require.Equal(t, checks.Fail, r.Status)
	require.NotEmpty(t, r.Mistake, r.Why)
	require.NotEmpty(t, r.Why)
}

func TestMissingToolIsAnError(t *testing.T) {
	c := build(t, "nf_rule", checks.Params{NS: "ns0", Verdict: "drop"})
	r := c.Run(context.Background(), checks.Env{K: toolless{kerneltest.New()}})
	require.Equal(t, checks.Error, r.Status)
	require.Contains(t, r.Why, "apt-get install nftables")
}

type toolless struct{ *kerneltest.Fake }

func (toolless) Ruleset(context.Context, string) (kernel.Ruleset, error) {
	return kernel.Ruleset{}, kernel.MissingTool("nft")
}

func TestBuildRejectsBadValues(t *testing.T) {
	reg := checks.Default()
	cases := []struct {
		kind  string
		p     checks.Params
		field string
	}{
		{"addr", checks.Params{Link: "x", Addr: "10.0.0.1"}, "addr"},
		{"ping", checks.Params{To: "host.example"}, "to"},
		{"ping", checks.Params{To: "10.0.0.1", Expect: "maybe"}, "expect"},
		{"route", checks.Params{Dst: "10.0.0.0/33"}, "dst"},
		{"tcp", checks.Params{To: "10.0.0.1:99999", ServerNS: "a"}, "to"},
		{"nf_rule", checks.Params{Verdict: "explode"}, "verdict"},
		{"sysctl", checks.Params{Key: "kernel.panic", Value: "1"}, "key"},
		{"netns", checks.Params{NS: "*"}, "ns"},
	}
	for _, tc := range cases {
		k, ok := reg.Get(tc.kind)
		require.True(t, ok)
		_, err := k.Build(tc.p)
		var fe *checks.FieldError
		require.ErrorAs(t, err, &fe, tc.kind)
		require.Equal(t, tc.field, fe.Field)
	}
}
