package checks

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// Ping6Kind: an ICMPv6 echo from one namespace is answered (or, with
// expect: no_reply, is not). to is an IPv6 address, or "link-local": the
// link-local address of peer in peer_ns, reached through dev (its scope:
// a link-local address means nothing without the interface it is on).
func Ping6Kind() *Kind { return ping6Kind.Get(newPing6Kind) }

var ping6Kind lazy.Value[*Kind]

func newPing6Kind() *Kind {
	return Define(Spec[ping6Params]{
		Name:  "ping6",
		Doc:   "an ICMPv6 echo from namespace from to the IPv6 address to is answered (expect: no_reply: is not; expect: reply_unless_filtered: is answered, or dropped by a rule that drops echo requests only, as a later step asks); to: link-local means the fe80:: address of peer in peer_ns, sent through dev (the scope, as in ping fe80::1%eth0)",
		Phase: PhaseProbe,
		Build: func(p ping6Params) (Check, error) {
			if p.From == "*" || p.PeerNS == "*" {
				return nil, fieldErr("from", "ping6 needs one namespace")
			}
			c := ping6Check{from: p.From, dev: p.Dev, peer: p.Peer, peerNS: p.PeerNS, noReply: p.Expect == "no_reply", filteredOK: p.Expect == "reply_unless_filtered"}
			switch p.Expect {
			case "", "reply", "no_reply", "reply_unless_filtered":
			default:
				return nil, fieldErr("expect", "%q: want reply, no_reply or reply_unless_filtered", p.Expect)
			}
			if p.To == "link-local" {
				if p.Peer == "" || p.Dev == "" {
					return nil, fieldErr("to", "to: link-local needs peer (and peer_ns) to name whose address, and dev for its scope")
				}
				return c, nil
			}
			a, err := netip.ParseAddr(p.To)
			if err != nil || !a.Is6() || a.Is4In6() || a.Zone() != "" {
				return nil, fieldErr("to", "%q is not an IPv6 address (write the scope in dev, not after %%)", p.To)
			}
			if a.IsLinkLocalUnicast() && p.Dev == "" {
				return nil, fieldErr("dev", "a link-local destination needs dev, its scope")
			}
			if p.Peer != "" || p.PeerNS != "" {
				return nil, fieldErr("peer", "peer and peer_ns go with to: link-local")
			}
			c.to = a
			return c, nil
		},
		Mistakes:    slices.Concat([]string{"ns-missing", "ping-self", "link-down", "addr-missing", "addr-tentative", "dad-failed", "no-default-route", "no-route", "not-dropped", "send-refused", "no-reply", "icmpv6-all-dropped", "dropped-by-rule", "nd-failed", "policy-drop", "no-link-local"}, missingLinkMistakes),
		Unexplained: []string{"send-refused", "no-reply"},
		Cases: func() []Case[ping6Params] {
			return []Case[ping6Params]{
				{Name: "no reply", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.PingF = nil }, Mistake: "no-reply"},
				{Name: "to a tentative address", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6[0].Tentative = true }, Mistake: "addr-tentative"},
				{Name: "from a duplicate", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Addrs6[0].DADFailed = true }, Mistake: "dad-failed"},
				{Name: "nobody has it", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[1:] }, Mistake: "addr-missing"},
				{Name: "neighbour discovery failed", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) {
						f.PingF = nil
						f.NSs["ns0"].Neigh6[0].State = "failed"
					}, Mistake: "nd-failed"},
				{Name: "link-local through its scope", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "link-local", PeerNS: "ns1", Peer: "veth1", Dev: "veth0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Addrs6 = f.NSs["ns1"].Addrs6[:1] }, Mistake: "no-link-local"},
				{Name: "no route", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Addrs6 = f.NSs["ns0"].Addrs6[1:] // only the link-local one
						f.NSs["ns0"].Routes6 = nil
					}, Mistake: "no-default-route"},
				{Name: "to itself", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Addrs6 = append(f.NSs["ns0"].Addrs6, kernel.Addr6{Link: "veth0", Prefix: netip.MustParsePrefix("fd00::2/64")})
					}, Mistake: "ping-self"},
				{Name: "its own link down", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fd00::2"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Links[1].AdminUp = false }, Mistake: "link-down"},
				{Name: "link-local without a reply", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "link-local", PeerNS: "ns1", Peer: "veth1", Dev: "veth0"},
					Break: func(f *kerneltest.Fake) { f.PingF = nil }, Mistake: "no-reply"},
				{Name: "link-local through a link that is down", Fixture: "veth-pair-v6", Params: ping6Params{From: "ns0", To: "fe80::7", Dev: "veth0"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Links[1].AdminUp = false
						f.NSs["ns0"].Addrs6, f.NSs["ns0"].Routes6 = nil, nil // the kernel drops its routes with the link
					}, Mistake: "link-down"},
			}
		},
	})
}

type ping6Params struct {
	From   string `yaml:"from" required:"true" doc:"namespace the ping starts in"`
	To     string `yaml:"to" required:"true" doc:"IPv6 address, or link-local: the fe80:: address of peer in peer_ns"`
	Dev    string `yaml:"dev" doc:"the interface to send through: the scope of a link-local destination"`
	Peer   string `yaml:"peer" doc:"with to: link-local, the interface whose link-local address is pinged"`
	PeerNS string `yaml:"peer_ns" doc:"with to: link-local, the namespace of peer"`
	Expect string `yaml:"expect" doc:"reply (default), no_reply, or reply_unless_filtered (answered, or dropped by an echo-only ICMPv6 rule)"`
}

type ping6Check struct {
	from, dev    string
	to           netip.Addr // invalid for link-local of peer
	peer, peerNS string
	noReply      bool
	// filteredOK: a drop by a rule that matches echo requests only (not
	// all of ICMPv6) is the lesson's own filter, and proves the path up to
	// that rule.
	filteredOK bool
}

func (c ping6Check) target() string {
	if c.to.IsValid() {
		if c.dev != "" && c.to.IsLinkLocalUnicast() {
			return c.to.String() + "%" + c.dev
		}
		return c.to.String()
	}
	return fmt.Sprintf("the link-local address of %s (through %s)", inNS(c.peer, c.peerNS), c.dev)
}

// targetV is target as a template value.
func (c ping6Check) targetV() any {
	if c.to.IsValid() {
		return c.target()
	}
	return Msg{ID: "why-ping6-link-local-of", Data: D{"Link": inNSV(c.peer, c.peerNS), "Dev": c.dev}}
}

func (c ping6Check) Describe() string {
	if c.noReply {
		return fmt.Sprintf("a ping from %s to %s gets no reply", nsName(c.from), c.target())
	}
	return fmt.Sprintf("%s pings %s", nsName(c.from), c.target())
}

func (c ping6Check) DescribeMsgs() []Msg {
	if c.noReply {
		return []Msg{{ID: "title-ping-no-reply", Data: D{"From": nsV(c.from), "To": c.targetV()}}}
	}
	return []Msg{{ID: "title-ping", Data: D{"From": nsV(c.from), "To": c.targetV()}}}
}

func (c ping6Check) Run(ctx context.Context, env Env) Result {
	dst := c.to
	if !dst.IsValid() {
		ll, r := linkLocalOf(ctx, env.K, c.peerNS, c.peer)
		if r != nil {
			return *r
		}
		dst = ll
	}
	p, verdict := walk6(ctx, env.K, c.from, dst, c.dev)
	if verdict != nil {
		if !c.noReply || verdict.Status != Fail || verdict.Mistake == "ns-missing" || verdict.Mistake == "ping-self" {
			return *verdict
		}
		return Passf("a ping from %s to %s cannot get a reply (%s)", nsName(c.from), dst, verdict.Why)
	}
	if !c.noReply && !c.filteredOK {
		// As an IPv4 ping: one echo first, before any counter is read; a
		// reply needs no explaining. (An echo a later step's filter may
		// drop is watched from its first packet: see proveDrop.)
		if res, ok := quickReply(ctx, env, c.from, net.IP(dst.AsSlice()), c.dev); ok {
			return Passf("%s pings %s (%d/%d replies)", nsName(c.from), c.target(), res.Received, res.Sent)
		}
	}
	nss := []string{c.from, kernel.Root}
	if p.holder.ns != "" && p.holder.ns != c.from {
		nss = append(nss, p.holder.ns)
	}
	// Read from now, after any quick echo: a DROP rule that counted it
	// must not count it as one of this ping's.
	before := countersAfter(ctx, env.K, nss, time.Now())
	start := time.Now()
	pingCtx, stopPing := context.WithCancel(ctx)
	defer stopPing()
	proof := c.proveDrop(pingCtx, env, p, before, stopPing)
	res, err := env.K.Ping(pingCtx, c.from, net.IP(dst.AsSlice()), kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env), Zone: c.dev})
	stopPing()
	dropped := <-proof
	if err != nil && (dropped == nil || ctx.Err() != nil) {
		return FromErr(err, c.from)
	}
	got := res.Received > 0
	switch {
	case got && !c.noReply:
		return Passf("%s pings %s (%d/%d replies)", nsName(c.from), c.target(), res.Received, res.Sent)
	case !got && dropped != nil && c.noReply:
		return Passf("a ping from %s to %s got no reply: dropped in %s (%s)", nsName(c.from), c.target(), ruleWhere(*dropped), dropped.rule.Text)
	case !got && dropped != nil && c.filteredOK:
		return Passf("%s's echo requests to %s are dropped on purpose by the ICMPv6 filter `%s` in %s (a later step's)", nsName(c.from), c.target(), dropped.rule.Text, nsName(p.holder.ns))
	case !got && c.noReply:
		return Passf("a ping from %s to %s got no reply (%d sent)", nsName(c.from), c.target(), res.Sent)
	case got && c.noReply:
		return Failf("%s still gets replies from %s: nothing drops the echo requests (an ip6tables/nft rule in the receiving namespace must, not an iptables one: iptables filters IPv4 only)", nsName(c.from), c.target()).WithMistake("not-dropped").
			Say("why-ping6-not-dropped", D{"From": nsV(c.from), "To": c.targetV()})
	}
	if res.Err != nil {
		return Failf("a ping from %s to %s could not be sent: %v", nsName(c.from), c.target(), res.Err).WithMistake("send-refused").
			Say("why-ping6-send-refused", D{"From": nsV(c.from), "To": c.targetV(), "Err": res.Err})
	}
	noReply := fmt.Sprintf("%s sent %d echo requests to %s and got no reply within %s", nsName(c.from), res.Sent, c.target(), probeTimeout(env))
	// Past the run's snapshot: its ruleset of a namespace may have been
	// read before this probe sent anything (by another check, or by
	// proveDrop), and only counters read after the probe explain it.
	after := snapshotAfter(ctx, env.K, nss, start, probeTimeout(env))
	r, rule := after6(ctx, env.K, p, before, after)
	if c.filteredOK {
		if rule == nil || r.Mistake != "dropped-by-rule" {
			// A rule without a counter moves nothing: read the rules.
			rule = echoFilter(ctx, env.K, p, after)
		}
		if rule != nil && couldMatch6(*rule) && !dropsAllICMPv6(*rule) {
			return Passf("%s's echo requests to %s are dropped on purpose by the ICMPv6 filter `%s` in %s (a later step's)", nsName(c.from), c.target(), rule.Text, nsName(p.holder.ns))
		}
	}
	noReplyMsg := Msg{ID: "why-ping-no-reply", Data: noReplyData(c.from, res.Sent, c.targetV(), probeTimeout(env))}
	if r != nil {
		r.Why = noReply + ": " + r.Why
		r.Message = r.Why
		if len(r.WhyMsg) > 0 {
			r.WhyMsg = append([]Msg{noReplyMsg, {ID: "why-colon"}}, r.WhyMsg...)
		}
		return *r
	}
	return Failf("%s", noReply).WithMistake("no-reply").Say(noReplyMsg.ID, noReplyMsg.Data)
}

// proveDrop watches, while an echo that should die is out (expect:
// no_reply, or reply_unless_filtered), the counters of the rules of the
// namespace that holds the destination, as an IPv4 ping does (see
// dropproof.go): as soon as a rule that drops exactly these echo
// requests counts them, the ping is stopped and the rule sent on the
// channel; nil when nothing proved it. For reply_unless_filtered only an
// echo-only filter stops the ping: a rule that drops all ICMPv6 is a
// mistake, diagnosed after the whole probe.
func (c ping6Check) proveDrop(ctx context.Context, env Env, p path6, before nfCounts, stop func()) <-chan *movedRule {
	if !c.noReply && !c.filteredOK || p.holder.ns == "" || p.holder.ns == c.from {
		return noDropWatch()
	}
	// The source the kernel gives the echo requests: a rule is proof only
	// when its criteria are met by exactly them.
	rt, err := env.K.RouteGet6(ctx, c.from, net.IP(p.dst.AsSlice()), c.dev)
	if err != nil || rt.Src == nil {
		return noDropWatch()
	}
	pr := probeDesc{proto: "icmpv6", src: rt.Src, dst: net.IP(p.dst.AsSlice())}
	var accept func(movedRule) bool
	if c.filteredOK {
		accept = func(m movedRule) bool { return !dropsAllICMPv6(m.rule) && couldMatch6(m.rule) }
	}
	return dropWatch(ctx, env.K, p.holder.ns, pr, before, accept, stop)
}

// linkLocalOf finds the fe80:: address of link in ns.
func linkLocalOf(ctx context.Context, k kernel.Kernel, ns, link string) (netip.Addr, *Result) {
	as, err := k.Addrs6(ctx, ns)
	if err != nil {
		return netip.Addr{}, fail(FromErr(err, ns))
	}
	for _, a := range as {
		if a.Link == link && a.LinkLocal() {
			return a.Prefix.Addr(), nil
		}
	}
	if _, ok, err := findLink(ctx, k, ns, link); err == nil && !ok {
		return netip.Addr{}, fail(missingLink(ctx, k, ns, link))
	}
	return netip.Addr{}, fail(Failf("%s has no link-local (fe80::) address, so there is nothing to ping on it (is it up, with IPv6 enabled?)", inNS(link, ns)).WithMistake("no-link-local").
		Say("why-ping6-no-link-local", D{"Link": inNSV(link, ns)}))
}

// echoFilter finds, in the input chains of the answering namespace, a
// rule that drops ICMPv6 echo requests from the probe's source.
func echoFilter(ctx context.Context, k kernel.Kernel, p path6, after nfSnap) *kernel.NFRule {
	if p.holder.ns == p.from {
		return nil
	}
	var srcs []netip.Addr
	if as, err := k.Addrs6(ctx, p.from); err == nil {
		for _, a := range as {
			if a.Link == p.dev {
				srcs = append(srcs, a.Prefix.Addr())
			}
		}
	}
	rs, ok := after[p.holder.ns]
	if !ok {
		return nil
	}
	hooks := hooksOf(rs)
	for i, r := range rs.Rules {
		if !isDrop(r) || hookOf(hooks, r, false) != "input" || !strings.Contains(r.Text, "echo-request") && !strings.Contains(r.Text, "icmp6") {
			continue
		}
		saddr := valuesAfter(strings.Fields(r.Text), "ip6 saddr", "-s")
		match := len(saddr) == 0
		for _, v := range saddr {
			for _, s := range srcs {
				match = match || prefixContains(v, net.IP(s.AsSlice()))
			}
		}
		if match {
			return &rs.Rules[i]
		}
	}
	return nil
}
