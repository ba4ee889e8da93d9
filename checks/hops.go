package checks

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// HopsKind: the echo replies from to reach from having crossed exactly hops
// routers: every router lowers the IP TTL by one, so the TTL seen is the
// answering namespace's net.ipv4.ip_default_ttl minus hops.
func HopsKind() *Kind { return hopsKind.Get(newHopsKind) }

var hopsKind lazy.Value[*Kind]

func newHopsKind() *Kind {
	return Define(Spec[hopsParams]{
		Name:  "hops",
		Doc:   "echo replies from to (IPv4) reach namespace from with a TTL exactly hops lower than the answering namespace sent them (its net.ipv4.ip_default_ttl): the packets crossed hops routers; the report shows the TTL seen",
		Phase: PhaseProbe,
		Build: func(p hopsParams) (Check, error) {
			ip := net.ParseIP(p.To)
			if ip == nil || ip.To4() == nil {
				return nil, fieldErr("to", "%q is not an IPv4 address", p.To)
			}
			if p.From == "*" {
				return nil, fieldErr("from", "hops needs one namespace")
			}
			if p.Hops < 0 || p.Hops > 32 {
				return nil, fieldErr("hops", "%d: want 0 to 32", p.Hops)
			}
			return hopsCheck{from: p.From, to: ip.To4(), hops: p.Hops}, nil
		},
		Mistakes:    slices.Concat(pathMistakes, []string{"no-reply", "wrong-hops"}),
		Unexplained: []string{"no-reply"},
		Cases: func() []Case[hopsParams] {
			return []Case[hopsParams]{
				{Name: "one router too many", Fixture: "veth-pair-router", Params: hopsParams{From: "ns0", To: "10.0.0.2", Hops: 0},
					Break: func(f *kerneltest.Fake) {
						ping := f.PingF
						f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
							r, err := ping(ns, dst, o)
							r.TTL--
							return r, err
						}
					}, Mistake: "wrong-hops"},
				{Name: "the sender's default TTL counts", Fixture: "veth-pair-router", Params: hopsParams{From: "ns0", To: "10.0.0.2", Hops: 0},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Sysctls["net.ipv4.ip_default_ttl"] = "65" }, Mistake: "wrong-hops"},
				{Name: "no reply", Fixture: "veth-pair-router", Params: hopsParams{From: "ns0", To: "10.0.0.2", Hops: 0},
					Break: func(f *kerneltest.Fake) { f.PingF = nil }, Mistake: "no-reply"},
			}
		},
	})
}

type hopsParams struct {
	From string `yaml:"from" required:"true" doc:"namespace the ping starts in"`
	To   string `yaml:"to" required:"true" doc:"IPv4 address that answers"`
	Hops int    `yaml:"hops" doc:"routers the replies must cross (default 0)"`
}

// keyDefaultTTL is the TTL a namespace sends its packets with.
const keyDefaultTTL = "net.ipv4.ip_default_ttl"

type hopsCheck struct {
	from string
	to   net.IP
	hops int
}

func (c hopsCheck) Describe() string {
	return fmt.Sprintf("replies from %s reach %s across %s", c.to, nsName(c.from), plural(c.hops, "router"))
}

func (c hopsCheck) DescribeMsgs() []Msg {
	id := "title-hops"
	if c.hops == 1 {
		id = "title-hops-one"
	}
	return []Msg{{ID: id, Data: D{"To": c.to.String(), "From": nsV(c.from), "N": c.hops}}}
}

func (c hopsCheck) Run(ctx context.Context, env Env) Result {
	v := newLabView(ctx, env.K)
	path, verdict := walkPath(ctx, v, c.from, c.to, false, false)
	if verdict != nil {
		return *verdict
	}
	res, err := env.K.Ping(ctx, c.from, c.to, kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env)})
	if err != nil {
		return FromErr(err, c.from)
	}
	if res.Received == 0 {
		return Failf("%s sent %d echo requests to %s and got no reply, so there is no TTL to read (make the pings of the step before pass first)",
			nsName(c.from), res.Sent, c.to).WithMistake("no-reply").
			Say("why-hops-no-reply", D{"NS": nsV(c.from), "Sent": res.Sent, "Dst": c.to})
	}
	sent := 64 // the kernel's default
	if path.found {
		if s, err := env.K.Sysctl(ctx, path.holder.ns, keyDefaultTTL); err == nil {
			if n, err := strconv.Atoi(s); err == nil {
				sent = n
			}
		}
	}
	crossed := sent - res.TTL
	if crossed == c.hops {
		return Passf("replies from %s reached %s with TTL %d: sent with %d, %s on the way", c.to, nsName(c.from), res.TTL, sent, plural(crossed, "router"))
	}
	return Failf("replies from %s reached %s with TTL %d, but were sent with %d: they crossed %s, not %s (routers on the walked path: %d)",
		c.to, nsName(c.from), res.TTL, sent, plural(crossed, "router"), plural(c.hops, "router"), len(path.routers)).WithMistake("wrong-hops").
		Say("why-hops-wrong", D{"Dst": c.to, "NS": nsV(c.from), "TTL": res.TTL, "Sent": sent,
			"Crossed": routersV(crossed), "Want": routersV(c.hops), "OnPath": len(path.routers)})
}

// routersV is plural(n, "router") as a template value.
func routersV(n int) Msg {
	if n == 1 {
		return Msg{ID: "why-routers-one"}
	}
	return Msg{ID: "why-routers", Data: D{"N": n}}
}
