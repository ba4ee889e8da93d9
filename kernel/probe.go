package kernel

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/internal/random"
)

// Ping sends ICMP echo requests from inside ns (see ping.go). A send the
// kernel refuses (no route, lo down) is a result, not an error:
// PingResult.Err carries it.
func (l *Linux) Ping(ctx context.Context, ns string, dst net.IP, o PingOpts) (PingResult, error) {
	if dst == nil || (dst.To4() == nil && len(dst) != net.IPv6len) {
		return PingResult{}, fmt.Errorf("ping %v: not an IP address", dst)
	}
	if o.Timeout <= 0 {
		return PingResult{}, errors.New("ping: a timeout is required")
	}
	if o.Count <= 0 {
		o.Count = 1
	}
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	if o.Size == 0 {
		o.Size = pingMinSize
	}
	if err := checkPingSize(o.Size); err != nil {
		return PingResult{}, fmt.Errorf("ping: %w", err)
	}
	v6 := dst.To4() == nil
	addr := &net.IPAddr{IP: dst, Zone: o.Zone}
	e, err := l.entry(ctx, ns)
	if err != nil {
		return PingResult{}, err
	}
	var c *pingConn
	var listenErr error
	// Only the socket is made on this locked thread inside ns: it keeps
	// the namespace, so the exchange can run on any thread.
	err = InNS(l.root, e.ns, func() error {
		c, listenErr = listenPing(v6, o.DontFragment)
		return nil
	})
	if err != nil {
		return PingResult{}, fmt.Errorf("ping from %s: %w", nsLabel(ns), err)
	}
	if listenErr != nil {
		return PingResult{}, fmt.Errorf("ping from %s: %w", nsLabel(ns), listenErr)
	}
	defer c.Close()
	st := c.exchange(ctx, addr, o)
	res := PingResult{Sent: st.sent, Received: st.received, RTT: st.rtt}
	if res.Received > 0 {
		res.TTL = st.ttl
	}
	if st.err != nil {
		if isSocketSetupError(st.err) {
			return res, fmt.Errorf("ping from %s: %w", nsLabel(ns), st.err)
		}
		res.Err = st.err
	}
	return res, nil
}

// isSocketSetupError tells "netlab could not even open its socket" (an
// error: missing privilege) from "the kernel refused to send" (a result).
func isSocketSetupError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "socket:") || strings.Contains(s, "operation not permitted") && !strings.Contains(s, "sendto")
}

// ProbeTCP runs a one-shot netlab probe server in p.ServerNS and dials it
// from p.ClientNS. The client sends a random nonce; the server answers
// with the nonce and the source address it saw. Only a matching answer
// counts, so a learner's own server on that port cannot fake a pass.
func (l *Linux) ProbeTCP(ctx context.Context, p TCPProbe) (TCPResult, error) {
	if p.Timeout <= 0 {
		return TCPResult{}, errors.New("tcp probe: a timeout is required")
	}
	se, err := l.entry(ctx, p.ServerNS)
	if err != nil {
		return TCPResult{}, err
	}
	if p.Listen.Port != 0 {
		// A fixed port: probes of other netlab processes (a watch pane, a
		// prompt, a manual check) take turns, so that the port is taken
		// only when something that is not netlab holds it.
		lk, err := lockProbePort(ctx, se.ino, p.Listen)
		if err != nil {
			return TCPResult{}, err
		}
		defer lk.Unlock()
	}
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	ce, err := l.entry(ctx, p.ClientNS)
	if err != nil {
		return TCPResult{}, err
	}
	var ln net.Listener
	err = InNS(l.root, se.ns, func() error {
		var lerr error
		ln, lerr = (&net.ListenConfig{}).Listen(ctx, "tcp4", p.Listen.String())
		return lerr
	})
	if err != nil {
		return TCPResult{ServerErr: err}, nil
	}
	defer ln.Close()
	go func() { <-ctx.Done(); ln.Close() }()

	go serveProbe(ctx, ln)

	dial := p.Dial
	if dial.Port == 0 {
		dial.Port = ln.Addr().(*net.TCPAddr).Port
	}
	nonce := make([]byte, 8)
	_ = random.Read(nonce)
	want := hex.EncodeToString(nonce)

	var conn net.Conn
	var dialErr error
	err = InNS(l.root, ce.ns, func() error {
		// The socket is created on this thread, inside the client's
		// namespace; the connect then completes through the poller.
		conn, dialErr = (&net.Dialer{}).DialContext(ctx, "tcp4", dial.String())
		return nil
	})
	if err != nil {
		return TCPResult{}, fmt.Errorf("tcp probe from %s: %w", nsLabel(p.ClientNS), err)
	}
	if dialErr != nil {
		return TCPResult{Err: dialErr}, nil
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if _, err := fmt.Fprintf(conn, "%s\n", want); err != nil {
		return TCPResult{Err: err}, nil
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return TCPResult{Err: fmt.Errorf("connected, but no netlab probe answered: %w", err)}, nil
	}
	f := strings.Fields(line)
	if len(f) != 2 || f[0] != want {
		return TCPResult{Err: errors.New("connected, but something other than netlab's probe server answered")}, nil
	}
	return TCPResult{Connected: true, SeenFrom: net.ParseIP(f[1])}, nil
}

func serveProbe(ctx context.Context, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			if dl, ok := ctx.Deadline(); ok {
				_ = c.SetDeadline(dl)
			}
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				return
			}
			from := c.RemoteAddr().(*net.TCPAddr).IP
			fmt.Fprintf(c, "%s %s\n", strings.TrimSpace(line), from)
		}(c)
	}
}

// probeLockWait bounds the wait for another netlab's probe on the same
// port: each probe holds it for at most its own timeout.
const probeLockWait = time.Minute

// portLock is a held probe-port lock.
type portLock struct{ fd int }

func (l portLock) Unlock() { unix.Close(l.fd) }

// lockProbePort serializes netlab probe servers on one (namespace,
// address, port) across processes. The lock is an abstract unix socket
// address bound in the lab's root namespace (abstract addresses belong to
// a network namespace, so each lab has its own): it leaves no file
// behind, and the kernel releases it when its holder dies, even by
// SIGKILL. Sockets are made on the calling goroutine's thread, which is
// in the lab's root namespace (only InNS switches threads, and it keeps
// them locked).
func lockProbePort(ctx context.Context, nsIno uint64, a net.TCPAddr) (portLock, error) {
	name := fmt.Sprintf("@netlab/probe/%d/%s/%d", nsIno, a.IP.String(), a.Port)
	bound := time.NewTimer(probeLockWait)
	defer bound.Stop()
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return portLock{}, fmt.Errorf("tcp probe on %s: lock: %w", a.String(), err)
		}
		err = unix.Bind(fd, &unix.SockaddrUnix{Name: name})
		if err == nil {
			return portLock{fd: fd}, nil
		}
		unix.Close(fd)
		if !errors.Is(err, unix.EADDRINUSE) {
			return portLock{}, fmt.Errorf("tcp probe on %s: lock: %w", a.String(), err)
		}
		select {
		case <-ctx.Done():
			return portLock{}, ctx.Err()
		case <-bound.C:
			return portLock{}, fmt.Errorf("tcp probe on %s: another netlab's probe has held this port for %s", a.String(), probeLockWait)
		case <-tick.C:
		}
	}
}
