package checks_test

import (
	"net"
	"testing"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// lesson2Forwarding is lesson 2 with ns0 forwarding and ns1 answering
// with TTL 64 (no router between them).
func lesson2Forwarding() *kerneltest.Fake {
	f := lesson2()
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

func TestRouterKinds(t *testing.T) {
	runKindCases(t, lesson2Forwarding, []kindCase{
		{"forwarding off", "forwarding", checks.Params{NS: "ns0"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "0" }, "ip-forward-off"},
		{"forwarding on in the root only", "forwarding", checks.Params{NS: "ns0"},
			func(f *kerneltest.Fake) {
				f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "0"
				f.NSs[kernel.Root].Sysctls["net.ipv4.ip_forward"] = "1"
			}, "forward-wrong-ns"},
		{"forwarding off on one interface", "forwarding", checks.Params{NS: "ns0"},
			func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.conf.veth0.forwarding"] = "0" }, "dev-forwarding-off"},
		{"hops: one router too many", "hops", checks.Params{From: "ns0", To: "10.0.0.2", Hops: 0},
			func(f *kerneltest.Fake) {
				ping := f.PingF
				f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
					r, err := ping(ns, dst, o)
					r.TTL--
					return r, err
				}
			}, "wrong-hops"},
		{"hops: the sender's default TTL counts", "hops", checks.Params{From: "ns0", To: "10.0.0.2", Hops: 0},
			func(f *kerneltest.Fake) { f.NSs["ns1"].Sysctls["net.ipv4.ip_default_ttl"] = "65" }, "wrong-hops"},
		{"hops: no reply", "hops", checks.Params{From: "ns0", To: "10.0.0.2", Hops: 0},
			func(f *kerneltest.Fake) { f.PingF = nil }, "no-reply"},
	})
}
