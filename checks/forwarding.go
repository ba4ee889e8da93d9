package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// The IPv4 forwarding switch of a namespace. net.ipv4.ip_forward and
// net.ipv4.conf.all.forwarding are one variable in the kernel (writing
// either sets the other and every interface's conf.DEV.forwarding), so
// either way of turning it on passes. The kernel decides per packet by the
// forwarding flag of the interface the packet came in on, so a
// conf.DEV.forwarding turned off afterwards fails too.
const keyIPForward = "net.ipv4.ip_forward"

func keyDevForwarding(dev string) string { return "net.ipv4.conf." + dev + ".forwarding" }

// forwardingOff reports whether ns has IPv4 forwarding switched off (for
// the path walk, which must say why a router drops what it should
// forward), and the command that switches it on. An unreadable switch is
// not "off": the probe judges.
func forwardingOff(ctx context.Context, k kernel.Kernel, ns string) (bool, string) {
	val, err := k.Sysctl(ctx, ns, keyIPForward)
	if err != nil || strings.TrimSpace(val) != "0" {
		return false, ""
	}
	fix := "sysctl -w " + keyIPForward + "=1"
	if ns != kernel.Root {
		fix = "ip netns exec " + ns + " " + fix
	}
	return true, fix
}

// ForwardingKind: namespace ns forwards IPv4 packets between its interfaces.
func ForwardingKind() *Kind { return forwardingKind.Get(newForwardingKind) }

var forwardingKind lazy.Value[*Kind]

func newForwardingKind() *Kind {
	return Define(Spec[forwardingParams]{
		Name:  "forwarding",
		Doc:   "namespace ns forwards IPv4 between its interfaces: net.ipv4.ip_forward (the same switch as net.ipv4.conf.all.forwarding) is 1, and no interface of ns has its own conf.DEV.forwarding turned off",
		Phase: PhaseState,
		Build: func(p forwardingParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "forwarding needs one namespace")
			}
			return forwardingCheck{ns: p.NS}, nil
		},
		Mistakes: []string{"ns-missing", "ip-forward-off", "forward-wrong-ns", "dev-forwarding-off"},
		Cases: func() []Case[forwardingParams] {
			return []Case[forwardingParams]{
				{Name: "forwarding off", Fixture: "veth-pair-router", Params: forwardingParams{NS: "ns0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "0" }, Mistake: "ip-forward-off"},
				{Name: "on in the root namespace only", Fixture: "veth-pair-router", Params: forwardingParams{NS: "ns0"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "0"
						f.NSs[kernel.Root].Sysctls["net.ipv4.ip_forward"] = "1"
					}, Mistake: "forward-wrong-ns"},
				{Name: "off on one interface", Fixture: "veth-pair-router", Params: forwardingParams{NS: "ns0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.conf.veth0.forwarding"] = "0" }, Mistake: "dev-forwarding-off"},
			}
		},
	})
}

type forwardingParams struct {
	NS string `yaml:"ns" required:"true" doc:"the namespace that must forward (a router)"`
}

type forwardingCheck struct{ ns string }

func (c forwardingCheck) Describe() string {
	return fmt.Sprintf("%s forwards IPv4 packets (net.ipv4.ip_forward = 1)", nsName(c.ns))
}

func (c forwardingCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-forwarding", Data: D{"NS": nsV(c.ns)}}}
}

func (c forwardingCheck) Run(ctx context.Context, env Env) Result {
	v, err := env.K.Sysctl(ctx, c.ns, keyIPForward)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if v != "1" {
		r := Failf("%s is %s in %s: without forwarding %s drops every packet that is not addressed to itself, so it is no router",
			keyIPForward, v, nsName(c.ns), nsName(c.ns)).
			WithFix(sysctlIn(c.ns, keyIPForward+"=1")).WithMistake("ip-forward-off").
			Say("why-forwarding-off", D{"Key": keyIPForward, "Value": v, "NS": nsV(c.ns)})
		if c.ns != kernel.Root {
			if rv, err := env.K.Sysctl(ctx, kernel.Root, keyIPForward); err == nil && rv == "1" {
				r.Why += fmt.Sprintf("; it is 1 in the lab's root namespace, but every namespace has its own net.* sysctls: `sysctl -w` without `ip netns exec %s` changed the root's", c.ns)
				r.Message = r.Why
				r = r.WithMistake("forward-wrong-ns").Say("why-forwarding-root-only", D{"NS": c.ns})
			}
		}
		return r
	}
	links, err := env.K.Links(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	var off []string
	for _, l := range links {
		if l.Name == "lo" || strings.Contains(l.Name, ".") {
			continue // a dot would be read as a path separator
		}
		if dv, err := env.K.Sysctl(ctx, c.ns, keyDevForwarding(l.Name)); err == nil && dv == "0" {
			off = append(off, l.Name)
		}
	}
	if len(off) > 0 {
		return Failf("%s is 1 in %s, but forwarding is off on %s (%s = 0): the kernel decides by the interface a packet comes in on, so what arrives there is not forwarded",
			keyIPForward, nsName(c.ns), strings.Join(off, ", "), keyDevForwarding(off[0])).
			WithFix(sysctlIn(c.ns, keyDevForwarding(off[0])+"=1")).WithMistake("dev-forwarding-off").
			Say("why-dev-forwarding-off", D{"Key": keyIPForward, "NS": nsV(c.ns), "Links": strings.Join(off, ", "), "DevKey": keyDevForwarding(off[0])})
	}
	return Passf("%s forwards IPv4 (%s = 1)", nsName(c.ns), keyIPForward)
}
