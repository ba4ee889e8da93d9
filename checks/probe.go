package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/netlab/netlab/kernel"
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

// PingKind: ICMP echo from one namespace to an address, with a reply (or,
// with expect: no_reply, without one).
var PingKind = &Kind{
	Name:     "ping",
	Doc:      "an ICMP echo from namespace from to address to is answered (expect: no_reply: is not answered); the route used must not be local unless local: true",
	Phase:    PhaseProbe,
	Fields:   []string{"from", "to", "expect", "local"},
	Required: []string{"to"},
	Build: func(p Params) (Check, error) {
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

func (c pingCheck) Run(ctx context.Context, env Env) Result {
	route, rerr := env.K.RouteGet(ctx, c.from, c.to)
	if rerr != nil && errors.Is(rerr, kernel.ErrNoNamespace) {
		return FromErr(rerr, c.from)
	}
	// Fast verdicts from kernel state: no need to wait for a timeout.
	if rerr == nil && route.Type == "local" && !c.local {
		return Failf("%s is an address of %s itself: a ping to it never leaves %s, so it proves nothing about the link",
			c.to, nsName(c.from), nsName(c.from)).WithMistake("ping-self")
	}
	if rerr == nil && c.local && route.Type != "local" {
		return Failf("%s is not a local address of %s", c.to, nsName(c.from)).WithMistake("not-local")
	}
	if !c.noReply && (rerr != nil || route.Type == "unreachable" || route.Type == "blackhole" || route.Type == "prohibit") {
		why := fmt.Sprintf("%s has no route to %s", nsName(c.from), c.to)
		if rerr == nil {
			why = fmt.Sprintf("%s's route to %s is of type %s", nsName(c.from), c.to, route.Type)
		}
		return Failf("%s: the kernel refuses to send (ping: sendto: Network unreachable)", why).WithMistake("no-route")
	}
	res, err := env.K.Ping(ctx, c.from, c.to, kernel.PingOpts{Count: 3, Interval: 200 * time.Millisecond, Timeout: probeTimeout(env)})
	if err != nil {
		return FromErr(err, c.from)
	}
	got := res.Received > 0
	switch {
	case got && !c.noReply:
		return Passf("%s pings %s (%d/%d replies)", nsName(c.from), c.to, res.Received, res.Sent)
	case !got && c.noReply:
		return Passf("a ping from %s to %s got no reply (%d sent)", nsName(c.from), c.to, res.Sent)
	case got && c.noReply:
		return Failf("%s still gets replies from %s: nothing drops the echo requests", nsName(c.from), c.to).WithMistake("not-dropped")
	}
	if res.Err != nil {
		return Failf("a ping from %s to %s could not be sent: %v", nsName(c.from), c.to, res.Err).WithMistake("send-refused")
	}
	via := route.Dev
	if route.Gw != nil {
		via = route.Gw.String() + " on " + route.Dev
	}
	return Failf("%s sent %d echo requests to %s (via %s) and got no reply within %s", nsName(c.from), res.Sent, c.to, via, probeTimeout(env)).WithMistake("no-reply")
}

// TCPKind: a TCP connection from one namespace reaches netlab's own probe
// server in another (optionally arriving from an expected source address).
var TCPKind = &Kind{
	Name:     "tcp",
	Doc:      "a TCP connection from namespace from to to (IP:port) reaches netlab's probe server listening on listen (IP:port, default to) in server_ns; expect_src: the source address the server must see",
	Phase:    PhaseProbe,
	Fields:   []string{"from", "to", "server_ns", "listen", "expect_src"},
	Required: []string{"to", "server_ns"},
	Build: func(p Params) (Check, error) {
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

func hostPort(a net.TCPAddr) string {
	if a.Port == 0 {
		return a.IP.String()
	}
	return a.String()
}

func (c tcpCheck) Run(ctx context.Context, env Env) Result {
	res, err := env.K.ProbeTCP(ctx, kernel.TCPProbe{ServerNS: c.server, Listen: c.listen, ClientNS: c.from, Dial: c.to, Timeout: probeTimeout(env)})
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
			return Failf("%s is not an address of %s, so nothing there can receive the connection", c.listen.IP, nsName(c.server)).WithMistake("addr-missing")
		}
		if errors.Is(res.ServerErr, unix.EADDRINUSE) {
			return Errorf("netlab's probe server cannot listen on %s in %s: the port is taken (stop your own server there and check again)", hostPort(c.listen), nsName(c.server))
		}
		return Errorf("netlab's probe server could not start in %s: %v", nsName(c.server), res.ServerErr)
	}
	if !res.Connected {
		return Failf("a TCP connection from %s to %s did not reach netlab's probe server in %s: %v", nsName(c.from), hostPort(c.to), nsName(c.server), res.Err).WithMistake("tcp-failed")
	}
	if c.src != nil && !c.src.Equal(res.SeenFrom) {
		return Failf("the connection arrived from %s, not from %s: its source address was not rewritten (no masquerade/SNAT on the way)", res.SeenFrom, c.src).WithMistake("no-snat")
	}
	return Passf("%s reached %s (seen from %s)", nsName(c.from), hostPort(c.to), res.SeenFrom)
}
