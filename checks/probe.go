package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"golang.org/x/sys/unix"
)

// DefaultProbeTimeout bounds one ping or TCP probe when Env leaves it zero.
const DefaultProbeTimeout = time.Second

func probeTimeout(env Env) time.Duration {
	if env.ProbeTimeout > 0 {
		return env.ProbeTimeout
	}
	return DefaultProbeTimeout
}

// pathMistakes are the ids that the path walk (path.go) and the failure
// diagnosis (diagnose.go) report for the probes.
var pathMistakes = []string{
	// walkPath and its helpers
	"addr-missing", "addr-wrong-end", "arp-off", "bridge-down", "dup-addr", "ip-forward-off", "link-down", "lo-down",
	"no-carrier", "no-default-route", "no-link", "no-route", "not-local", "ns-missing", "ns-stale", "peer-down",
	"peer-unnamed-ns", "ping-self", "port-down", "port-not-attached", "port-not-forwarding", "port-wrong-ns",
	"rp-filter", "veth-not-moved", "wrong-gateway", "wrong-prefix",
	// afterFailure, notDropped, dnatMissing, policyDrops
	"br-netfilter-drop", "dnat-missing", "dnat-no-forward", "dnat-wrong", "dropped-by-rule", "forward-drop",
	"masq-wrong-if", "masq-wrong-src", "masquerade-missing", "neigh-failed", "no-return-route", "policy-drop",
	"rule-no-match", "rule-wrong-chain", "rule-wrong-ns",
	// crossTunnels (path_vxlan.go)
	"vxlan-no-remote", "vxlan-remote-wrong", "vxlan-missing", "vni-mismatch", "vxlan-port-mismatch", "vxlan-not-port",
	// bridge port options (portConfines, crossBridge) and br_netfilter NAT
	"masquerade-bridged", "port-bcast-flood-off", "port-flood-off", "port-isolated", "port-locked",
}

// PingKind: ICMP echo from one namespace to an address, with a reply (or,
// with expect: no_reply, without one).
func PingKind() *Kind { return pingKind.Get(newPingKind) }

var pingKind lazy.Value[*Kind]

func newPingKind() *Kind {
	return Define(Spec[pingParams]{
		Name:  "ping",
		Doc:   "an ICMP echo from namespace from to address to is answered (expect: no_reply: is not answered); the route used must not be local unless local: true",
		Phase: PhaseProbe,
		Build: func(p pingParams) (Check, error) {
			ip := net.ParseIP(p.To)
			if ip == nil || ip.To4() == nil {
				return nil, fieldErr("to", "%q is not an IPv4 address", p.To)
			}
			if p.From == "*" {
				return nil, fieldErr("from", "ping needs one namespace")
			}
			switch p.Expect {
			case "", "reply", "no_reply":
			default:
				return nil, fieldErr("expect", "%q: want reply or no_reply", p.Expect)
			}
			return pingCheck{from: p.From, to: ip.To4(), noReply: p.Expect == "no_reply", local: p.Local}, nil
		},
		Mistakes:    slices.Concat(pathMistakes, []string{"not-dropped", "send-refused", "no-reply"}),
		Unexplained: []string{"send-refused", "no-reply"},
		Cases: func() []Case[pingParams] {
			return []Case[pingParams]{
				{Name: "no reply", Fixture: "veth-pair", Params: pingParams{From: "ns0", To: "10.0.0.2"},
					Break: func(f *kerneltest.Fake) { f.PingF = nil }, Mistake: "no-reply"},
				{Name: "to itself is no proof", Fixture: "veth-pair", Params: pingParams{From: "ns0", To: "10.0.0.2"},
					Break: func(f *kerneltest.Fake) {
						// 10.0.0.2 typed on the wrong end: ns0 now answers itself.
						f.NSs["ns0"].Addrs = append(f.NSs["ns0"].Addrs, kernel.Addr{Link: "veth0", IPNet: kerneltest.CIDR("10.0.0.2/24")})
						f.NSs["ns1"].Addrs = f.NSs["ns1"].Addrs[:1]
					}, Mistake: "ping-self"},
				{Name: "duplicate address", Fixture: "veth-pair", Params: pingParams{From: "ns0", To: "10.0.0.2"},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns0"].Addrs = append(f.NSs["ns0"].Addrs, kernel.Addr{Link: "veth0", IPNet: kerneltest.CIDR("10.0.0.2/24")})
					}, Mistake: "dup-addr"},
				// Where something drops the echo requests, expect: no_reply passes.
				{Name: "no_reply, but nothing drops", Fixture: "veth-pair-dropping", Params: pingParams{From: "ns1", To: "10.0.0.1", Expect: "no_reply"},
					Break: func(f *kerneltest.Fake) {
						f.PingF = func(string, net.IP, kernel.PingOpts) (kernel.PingResult, error) {
							return kernel.PingResult{Sent: 1, Received: 1}, nil
						}
					}, Mistake: "not-dropped"},
			}
		},
	})
}

type pingParams struct {
	From   string `yaml:"from" doc:"namespace the echo is sent from (default: the lab's root)"`
	To     string `yaml:"to" required:"true" doc:"destination IPv4 address"`
	Expect string `yaml:"expect" doc:"reply (default) or no_reply"`
	Local  bool   `yaml:"local" doc:"the destination is an address of from itself (lesson 1); otherwise a local route fails"`
}

type pingCheck struct {
	from    string
	to      net.IP
	noReply bool
	local   bool
}

func (c pingCheck) Describe() string {
	if c.noReply {
		return fmt.Sprintf("a ping from %s to %s gets no reply", nsName(c.from), c.to)
	}
	return fmt.Sprintf("%s pings %s", nsName(c.from), c.to)
}

func (c pingCheck) DescribeMsgs() []Msg {
	if c.noReply {
		return []Msg{{ID: "title-ping-no-reply", Data: D{"From": nsV(c.from), "To": c.to.String()}}}
	}
	return []Msg{{ID: "title-ping", Data: D{"From": nsV(c.from), "To": c.to.String()}}}
}

func (c pingCheck) Run(ctx context.Context, env Env) Result {
	v := newLabView(ctx, env.K)
	path, verdict := walkPath(ctx, v, c.from, c.to, c.local, false)
	// Fast verdicts: kernel state already proves the outcome, no need to
	// wait for a timeout. For an expected drop only a missing namespace or
	// a local answer decide; a broken path does "drop" the echo.
	if verdict != nil {
		switch {
		case !c.noReply, verdict.Status != Fail:
			return *verdict
		case verdict.Mistake == "ns-missing" || verdict.Mistake == "ns-stale" || verdict.Mistake == "ping-self" || verdict.Mistake == "dup-addr":
			return *verdict
		default:
			// No reply is certain: no need to wait for it. (The lesson's
			// other checks prove that the link itself works.)
			return Passf("a ping from %s to %s cannot get a reply (%s)", nsName(c.from), c.to, verdict.Why)
		}
	}
	pr := probeDesc{proto: "icmp", src: path.src, dst: c.to}
	watch := !c.local
	var quickEnd time.Time
	if watch && !c.noReply {
		// Most pings of a lab get their reply at once, and a reply needs
		// no explaining: one echo first, before any counter is read (a
		// host's thousands of rules cost more than the whole grade).
		// Only a ping that this misses pays for the counters, and is sent
		// again with them as its "before".
		if r, ok := quickReply(ctx, env, c.from, c.to, ""); ok {
			return Passf("%s pings %s (%d/%d replies)", nsName(c.from), c.to, r.Received, r.Sent)
		}
		quickEnd = time.Now()
	}
	var before nfCounts
	if watch {
		if c.noReply {
			// Only a DROP rule of the destination's namespace proves the
			// drop (proveDrop): the other namespaces' counters are read
			// only if a reply comes, and the ping is then sent again.
			if path.found {
				before = countersBefore(ctx, env.K, []string{path.holder.ns})
			}
		} else {
			// An unexpected silence is explained by the namespaces on the
			// path, as counted from after the quick echo (which a DROP
			// rule may have counted: it is not one of this ping's).
			before = countersAfter(ctx, env.K, v.nss, quickEnd)
			defer prefetch(ctx, env.K, probeNamespaces(path), time.Now(), probeTimeout(env))()
		}
	}
	res, dropped, start, err := c.ping(ctx, env, path, pr, before)
	if err != nil {
		return FromErr(err, c.from)
	}
	got := res.Received > 0
	if got && c.noReply && watch {
		// A reply where none is expected is explained by a DROP rule
		// anywhere in the lab that should have matched: send the ping
		// again with every namespace's counters as its "before".
		before = countersAfter(ctx, env.K, v.nss, time.Now())
		if res, dropped, start, err = c.ping(ctx, env, path, pr, before); err != nil {
			return FromErr(err, c.from)
		}
		got = res.Received > 0
	}
	switch {
	case got && !c.noReply:
		return Passf("%s pings %s (%d/%d replies)", nsName(c.from), c.to, res.Received, res.Sent)
	case !got && c.noReply && dropped != nil:
		return Passf("a ping from %s to %s got no reply: dropped in %s (%s)", nsName(c.from), c.to, ruleWhere(*dropped), dropped.rule.Text)
	case !got && c.noReply:
		return Passf("a ping from %s to %s got no reply (%d sent)", nsName(c.from), c.to, res.Sent)
	case got && c.noReply:
		if watch {
			if r := notDropped(path, pr, before, snapshotAfter(ctx, env.K, probeNamespacesAll(ctx, env.K, path), start, probeTimeout(env))); r != nil {
				return *r
			}
		}
		return Failf("%s still gets replies from %s: nothing drops the echo requests", nsName(c.from), c.to).WithMistake("not-dropped").
			Say("why-nat-not-dropped", D{"From": nsV(c.from), "To": c.to})
	}
	if res.Err != nil {
		return Failf("a ping from %s to %s could not be sent: %v", nsName(c.from), c.to, res.Err).WithMistake("send-refused").
			Say("why-ping6-send-refused", D{"From": nsV(c.from), "To": c.to, "Err": res.Err})
	}
	noReply := fmt.Sprintf("%s sent %d echo requests to %s and got no reply within %s", nsName(c.from), res.Sent, c.to, probeTimeout(env))
	if watch {
		if r := afterFailure(ctx, v, path, pr, before, snapshotAfter(ctx, env.K, probeNamespaces(path), start, probeTimeout(env))); r != nil {
			r.Why = noReply + ": " + r.Why
			r.Message = r.Why
			if len(r.WhyMsg) > 0 {
				r.WhyMsg = append([]Msg{{ID: "why-ping-no-reply", Data: noReplyData(c.from, res.Sent, c.to, probeTimeout(env))}, {ID: "why-colon"}}, r.WhyMsg...)
			}
			return *r
		}
	}
	return Failf("%s", noReply).WithMistake("no-reply").Say("why-ping-no-reply", noReplyData(c.from, res.Sent, c.to, probeTimeout(env)))
}

// ping sends the check's echo requests with before as the counters read
// before them; an expected drop is proven by the destination namespace's
// DROP rule as soon as its counter moves (the ping then stops at once).
func (c pingCheck) ping(ctx context.Context, env Env, path pathInfo, pr probeDesc, before nfCounts) (kernel.PingResult, *movedRule, time.Time, error) {
	start := time.Now()
	pingCtx, stopPing := context.WithCancel(ctx)
	defer stopPing()
	proof := noDropWatch()
	if !c.local && c.noReply && path.found {
		proof = dropWatch(pingCtx, env.K, path.holder.ns, pr, before, nil, stopPing)
	}
	res, err := env.K.Ping(pingCtx, c.from, c.to, kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env)})
	stopPing()
	dropped := <-proof
	if err != nil && (dropped == nil || ctx.Err() != nil) {
		return res, nil, start, err
	}
	return res, dropped, start, nil
}

// quickWindow bounds the one quick echo (or connection) a probe tries
// before it reads any counters: a lab answers in well under a millisecond;
// a probe that misses the window is sent again, counted, as before.
const quickWindow = 50 * time.Millisecond

// quickTimeout is the bound of a quick try: quickWindow, or the probe
// timeout when that is shorter.
func quickTimeout(env Env) time.Duration { return min(quickWindow, probeTimeout(env)) }

// quickReply sends one echo request from ns to dst (through zone, for a
// link-local dst), without reading any counters first, and reports
// whether a reply came within quickTimeout.
func quickReply(ctx context.Context, env Env, ns string, dst net.IP, zone string) (kernel.PingResult, bool) {
	res, err := env.K.Ping(ctx, ns, dst, kernel.PingOpts{Count: 1, Timeout: quickTimeout(env), Zone: zone})
	return res, err == nil && res.Received > 0
}

// probeNamespacesAll is every namespace of the lab: a DROP rule that
// should have matched may sit anywhere.
func probeNamespacesAll(ctx context.Context, k kernel.Kernel, p pathInfo) []string {
	all, err := allNamespaces(ctx, k)
	if err != nil {
		return probeNamespaces(p)
	}
	return probeNamespaces(p, all...)
}

// TCPKind: a TCP connection from one namespace reaches netlab's own probe
// server in another (optionally arriving from an expected source address).
func TCPKind() *Kind { return tCPKind.Get(newTCPKind) }

var tCPKind lazy.Value[*Kind]

func newTCPKind() *Kind {
	return Define(Spec[tcpParams]{
		Name:  "tcp",
		Doc:   "a TCP connection from namespace from to to (IP:port) reaches netlab's probe server listening on listen (IP:port, default to) in server_ns; expect_src: the source address the server must see",
		Phase: PhaseProbe,
		Build: func(p tcpParams) (Check, error) {
			to, err := parseHostPort(p.To)
			if err != nil {
				return nil, fieldErr("to", "%v", err)
			}
			listen := to
			if p.Listen != "" {
				if listen, err = parseHostPort(p.Listen); err != nil {
					return nil, fieldErr("listen", "%v", err)
				}
			}
			if to.Port == 0 && listen.Port != 0 {
				return nil, fieldErr("to", "a port is needed when listen has one")
			}
			c := tcpCheck{from: p.From, to: to, server: p.ServerNS, listen: listen}
			if p.ExpectSrc != "" {
				if c.src = net.ParseIP(p.ExpectSrc); c.src == nil {
					return nil, fieldErr("expect_src", "%q is not an IP address", p.ExpectSrc)
				}
			}
			if p.From == "*" || p.ServerNS == "*" {
				return nil, fieldErr("from", "tcp needs one namespace on each side")
			}
			return c, nil
		},
		Mistakes: slices.Concat(pathMistakes, []string{"tcp-failed", "no-snat", "probe-port-taken"}),
		// probe-port-taken: the probe server could not listen (the learner's own
		// server holds the port), an error, not a state the catalogue builds.
		Unexplained: []string{"tcp-failed", "probe-port-taken"},
		Cases: func() []Case[tcpParams] {
			return []Case[tcpParams]{
				{Name: "source not rewritten", Fixture: "veth-pair", Params: tcpParams{From: "ns0", To: "10.0.0.2:8080", ServerNS: "ns1", ExpectSrc: "10.0.0.1"},
					Break: func(f *kerneltest.Fake) {
						f.ProbeTCPF = func(p kernel.TCPProbe) (kernel.TCPResult, error) {
							return kernel.TCPResult{Connected: true, SeenFrom: net.ParseIP("10.0.0.9")}, nil
						}
					}, Mistake: "no-snat"},
			}
		},
	})
}

type tcpParams struct {
	From      string `yaml:"from" doc:"namespace the connection starts in (default: the lab's root)"`
	To        string `yaml:"to" required:"true" doc:"IP:port dialled (or an IP: any free port)"`
	ServerNS  string `yaml:"server_ns" required:"true" doc:"namespace of netlab's probe server"`
	Listen    string `yaml:"listen" doc:"IP:port the probe server listens on (default: to)"`
	ExpectSrc string `yaml:"expect_src" doc:"source address the server must see (proves SNAT/masquerade)"`
}

// parseHostPort reads "10.0.1.12:7" or a bare IP (port 0: any free port).
func parseHostPort(s string) (net.TCPAddr, error) {
	host, port := s, "0"
	if strings.Contains(s, ":") {
		var err error
		if host, port, err = net.SplitHostPort(s); err != nil {
			return net.TCPAddr{}, fmt.Errorf("%q: want IP or IP:port", s)
		}
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil {
		return net.TCPAddr{}, fmt.Errorf("%q: want an IPv4 literal", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return net.TCPAddr{}, fmt.Errorf("%q: bad port", s)
	}
	return net.TCPAddr{IP: ip.To4(), Port: n}, nil
}

type tcpCheck struct {
	from, server string
	to, listen   net.TCPAddr
	src          net.IP
}

func (c tcpCheck) Describe() string {
	s := fmt.Sprintf("a TCP connection from %s to %s reaches netlab's probe server in %s", nsName(c.from), hostPort(c.to), nsName(c.server))
	if c.listen.String() != c.to.String() {
		s += " on " + hostPort(c.listen)
	}
	if c.src != nil {
		s += " from " + c.src.String()
	}
	return s
}

func (c tcpCheck) DescribeMsgs() []Msg {
	out := []Msg{{ID: "title-tcp", Data: D{"From": nsV(c.from), "To": hostPort(c.to), "Server": nsV(c.server)}}}
	if c.listen.String() != c.to.String() {
		out = append(out, Msg{ID: "title-tcp-listen", Data: D{"Listen": hostPort(c.listen)}})
	}
	if c.src != nil {
		out = append(out, Msg{ID: "title-tcp-src", Data: D{"IP": c.src.String()}})
	}
	return out
}

func hostPort(a net.TCPAddr) string {
	if a.Port == 0 {
		return a.IP.String()
	}
	return a.String()
}

func (c tcpCheck) Run(ctx context.Context, env Env) Result {
	if c.server != kernel.Root {
		if st, err := env.K.NamespaceState(ctx, c.server); err == nil && st != kernel.NSPresent {
			return FromErr(fmt.Errorf("%s: %w", c.server, kernel.ErrNoNamespace), c.server)
		}
	}
	v := newLabView(ctx, env.K)
	path, verdict := walkPath(ctx, v, c.from, c.to.IP, false, false)
	if verdict != nil && verdict.Mistake == "ping-self" {
		verdict = nil // a connection to oneself is fine when the server is there too
	}
	pr := probeDesc{proto: "tcp", src: path.src, dst: c.to.IP, dport: c.to.Port}
	extra := []string{c.server}
	if verdict == nil && !c.listen.IP.Equal(c.to.IP) && path.found {
		// The connection is rewritten (DNAT) where the dialled address
		// lives; from there it must be forwarded to the listen address.
		same := path.holder.ns == c.server
		if !same {
			same, _ = env.K.SameNS(ctx, path.holder.ns, c.server)
		}
		if !same {
			pr.natDst, pr.natPort = c.listen.IP, c.listen.Port
			leg, r := walkPath(ctx, v, path.holder.ns, c.listen.IP, false, true)
			if r != nil {
				verdict = r
			}
			path.nss = append(path.nss, leg.nss...)
			path.routers = append(path.routers, leg.routers...)
			path.bridges = append(path.bridges, leg.bridges...)
			for k, d := range leg.outDev {
				path.outDev[k] = d
			}
		}
	}
	if verdict != nil {
		return *verdict
	}
	probe := kernel.TCPProbe{ServerNS: c.server, Listen: c.listen, ClientNS: c.from, Dial: c.to, Timeout: quickTimeout(env)}
	// As a ping: one quick connection before any counter is read; a
	// connection needs no explaining (its source address is the answer).
	if res, err := env.K.ProbeTCP(ctx, probe); err == nil && res.ServerErr == nil && res.Connected {
		return c.connected(res)
	}
	before := countersAfter(ctx, env.K, v.nss, time.Now())
	start := time.Now()
	defer prefetch(ctx, env.K, probeNamespaces(path, extra...), start, probeTimeout(env))()
	probe.Timeout = probeTimeout(env)
	res, err := env.K.ProbeTCP(ctx, probe)
	if err != nil {
		// Name the side whose namespace is missing, not always the client's.
		ns := c.from
		if errors.Is(err, kernel.ErrNoNamespace) && c.server != kernel.Root {
			if st, serr := env.K.NamespaceState(ctx, c.server); serr == nil && st != kernel.NSPresent {
				ns = c.server
			}
		}
		return FromErr(err, ns)
	}
	if res.ServerErr != nil {
		if errors.Is(res.ServerErr, unix.EADDRNOTAVAIL) {
			return Failf("%s is not an address of %s, so nothing there can receive the connection", c.listen.IP, nsName(c.server)).WithMistake("addr-missing").
				Say("why-tcp-listen-not-local", D{"IP": c.listen.IP, "NS": nsV(c.server)})
		}
		if errors.Is(res.ServerErr, unix.EADDRINUSE) {
			return probePortTaken(ctx, env, c.listen, c.server, path, pr)
		}
		return Errorf("netlab's probe server could not start in %s: %v", nsName(c.server), res.ServerErr).
			Say("why-probe-server-failed", D{"NS": nsV(c.server), "Err": res.ServerErr})
	}
	if !res.Connected {
		after := snapshotAfter(ctx, env.K, probeNamespaces(path, extra...), start, probeTimeout(env))
		r := afterFailure(ctx, v, path, pr, before, after)
		if r == nil && pr.natDst != nil {
			r = dnatMissing(path, pr, after)
		}
		if r != nil {
			r.Why = fmt.Sprintf("a TCP connection from %s to %s did not reach netlab's probe server in %s: %s", nsName(c.from), hostPort(c.to), nsName(c.server), r.Why)
			r.Message = r.Why
			if len(r.WhyMsg) > 0 {
				r.WhyMsg = append([]Msg{{ID: "why-nat-tcp-not-reached", Data: D{"From": nsV(c.from), "To": hostPort(c.to), "Server": nsV(c.server)}}, {ID: "why-colon"}}, r.WhyMsg...)
			}
			return *r
		}
		return Failf("a TCP connection from %s to %s did not reach netlab's probe server in %s: %v", nsName(c.from), hostPort(c.to), nsName(c.server), res.Err).WithMistake("tcp-failed").
			Say("why-tcp-failed", D{"From": nsV(c.from), "To": hostPort(c.to), "Server": nsV(c.server), "Err": res.Err})
	}
	return c.connected(res)
}

// connected judges a connection that reached the probe server.
func (c tcpCheck) connected(res kernel.TCPResult) Result {
	if c.src != nil && !c.src.Equal(res.SeenFrom) {
		return Failf("the connection arrived from %s, not from %s: its source address was not rewritten (no masquerade/SNAT on the way)", res.SeenFrom, c.src).WithMistake("no-snat").
			Say("why-nat-no-snat", D{"Seen": res.SeenFrom, "Src": c.src})
	}
	return Passf("%s reached %s (seen from %s)", nsName(c.from), hostPort(c.to), res.SeenFrom)
}
