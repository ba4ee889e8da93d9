package checks_test

import (
	"fmt"
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// lesson2v6 is lesson 2 in IPv6: veth0 fd00::1/64 in ns0, veth1 fd00::2/64
// in ns1, link-local addresses on both, a default route in ns0, and
// neighbour entries that match the MACs.
func lesson2v6() *kerneltest.Fake {
	f := lesson2()
	ns0, ns1 := f.NSs["ns0"], f.NSs["ns1"]
	ns0.Addrs6 = []kernel.Addr6{{Link: "veth0", Prefix: netip.MustParsePrefix("fd00::1/64")}, {Link: "veth0", Prefix: netip.MustParsePrefix("fe80::5/64")}}
	ns1.Addrs6 = []kernel.Addr6{{Link: "veth1", Prefix: netip.MustParsePrefix("fd00::2/64")}, {Link: "veth1", Prefix: netip.MustParsePrefix("fe80::7/64")}}
	ns0.Routes6 = []kernel.Route{{Dst: cidr("fd00::/64"), Dev: "veth0", Type: "unicast", Table: 254}, {Gw: net.ParseIP("fd00::2"), Dev: "veth0", Type: "unicast", Table: 254}}
	ns0.Neigh6 = []kernel.Neigh{{Dev: "veth0", IP: net.ParseIP("fd00::2"), MAC: mac("02:00:00:00:00:07"), State: "reachable"}}
	for _, ns := range []*kerneltest.NS{ns0, ns1} {
		ns := ns
		ns.RouteGet6F = func(dst net.IP, oif string) (kernel.Route, error) {
			for _, a := range ns.Addrs6 {
				if net.IP(a.Prefix.Addr().AsSlice()).Equal(dst) {
					return kernel.Route{Dev: "lo", Type: "local"}, nil
				}
			}
			for _, a := range ns.Addrs6 {
				if a.Prefix.Masked().Contains(netip.MustParseAddr(dst.String())) {
					return kernel.Route{Dev: a.Link, Type: "unicast"}, nil
				}
			}
			return kernel.Route{}, fmt.Errorf("network is unreachable")
		}
	}
	f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
		if ns == "ns0" && (dst.Equal(net.ParseIP("fd00::2")) || dst.Equal(net.ParseIP("fe80::7")) && o.Zone == "veth0") {
			return kernel.PingResult{Sent: 1, Received: 1}, nil
		}
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f
}

func TestIPv6Kinds(t *testing.T) {
	runKindCases(t, lesson2v6, []kindCase{
		{"addr6 missing", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:] }, "addr-missing"},
		{"addr6 tentative", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Tentative = true }, "addr-tentative"},
		{"addr6 dadfailed", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].DADFailed = true }, "dad-failed"},
		{"addr6 a neighbour's address, refused", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) {
				f.NSs["ns1"].Addrs6[0] = kernel.Addr6{Link: "veth1", Prefix: netip.MustParsePrefix("fd00::1/64"), DADFailed: true}
			}, "dad-failed"},
		{"addr6 wrong prefix", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Prefix = netip.MustParsePrefix("fd00::2/128") }, "wrong-prefix"},
		{"addr6 disabled", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fd00::2/64"},
			func(f *kerneltest.Fake) {
				f.NSs["ns1"].Addrs6 = nil
				f.NSs["ns1"].Sysctls["net.ipv6.conf.veth1.disable_ipv6"] = "1"
			}, "ipv6-disabled"},
		{"addr6 link-local", "addr6", checks.Params{NS: "ns1", Link: "veth1", Addr: "fe80::/64"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[:1] }, "no-link-local"},
		{"route6 default", "route6", checks.Params{NS: "ns0", Dst: "default", Via: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Routes6 = f.NSs["ns0"].Routes6[:1] }, "no-default-route"},
		{"route6 wrong gateway", "route6", checks.Params{NS: "ns0", Dst: "default", Via: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Routes6[1].Gw = net.ParseIP("fd00::99") }, "wrong-gateway"},
		{"ping6", "ping6", checks.Params{From: "ns0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.PingF = nil }, "no-reply"},
		{"ping6 to a tentative address", "ping6", checks.Params{From: "ns0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Tentative = true }, "addr-tentative"},
		{"ping6 from a duplicate", "ping6", checks.Params{From: "ns0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Addrs6[0].DADFailed = true }, "dad-failed"},
		{"ping6 nobody has it", "ping6", checks.Params{From: "ns0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:] }, "addr-missing"},
		{"ping6 ND failed", "ping6", checks.Params{From: "ns0", To: "fd00::2"},
			func(f *kerneltest.Fake) {
				f.PingF = nil
				f.NSs["ns0"].Neigh6[0].State = "failed"
			}, "nd-failed"},
		{"ping6 link-local through its scope", "ping6", checks.Params{From: "ns0", To: "link-local", PeerNS: "ns1", Peer: "veth1", Dev: "veth0"},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[:1] }, "no-link-local"},
		{"neigh6", "neigh6", checks.Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6 = nil }, "neigh-missing"},
		{"neigh6 wrong MAC", "neigh6", checks.Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6[0].MAC = mac("02:00:00:00:00:99") }, "neigh-wrong-mac"},
		{"neigh6 failed", "neigh6", checks.Params{NS: "ns0", Link: "veth0", To: "fd00::2"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Neigh6[0].State = "incomplete" }, "nd-failed"},
	})
}

func TestPing6RejectsBadTargets(t *testing.T) {
	k, _ := checks.Default().Get("ping6")
	for _, p := range []checks.Params{
		{From: "ns0", To: "10.0.0.1"},
		{From: "ns0", To: "fe80::1"},
		{From: "ns0", To: "fe80::1%eth0"},
		{From: "ns0", To: "link-local", Dev: "eth0"},
		{From: "ns0", To: "fd00::1", Expect: "maybe"},
	} {
		_, err := k.Build(p)
		require.Error(t, err, "%+v", p)
	}
}
