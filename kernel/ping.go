package kernel

// netlab's own ICMP echo pinger, on golang.org/x/net/icmp, ipv4 and ipv6.
//
// Why not a ping library: pro-bing (used before) read its socket with a
// deadline that backed off exponentially and was never reset, so a ping
// whose reply came after ~1 ms returned several ms later (every ping
// check of a grade paid it), and it imports net/http and crypto/tls for
// its HTTP pinger, whose package inits every netlab start then ran.
//
// Here one goroutine (the caller's) sends and reads: each read waits
// until the next echo request is due or the whole exchange times out,
// whichever comes first, and a cancelled context unblocks it at once
// (context.AfterFunc moves the read deadline into the past). The ping
// returns as soon as the first matching reply is read.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/internal/random"
)

const (
	pingTimeLen  = 8  // the send time at the start of each payload
	pingNonceLen = 16 // then a random nonce, one per Ping call
	// pingMinSize is the smallest payload that holds both, and the
	// default Size (the size pro-bing used, so that Size means what it did).
	pingMinSize = pingTimeLen + pingNonceLen
	// pingTTL is the outgoing TTL (IPv6: hop limit), as ping(8) and
	// pro-bing set it, whatever the namespace's default is.
	pingTTL = 64
	// protocol numbers for icmp.ParseMessage
	protoICMP   = 1
	protoICMPv6 = 58
)

// echoMatcher recognizes the replies to one Ping call's requests. A raw
// ICMP socket sees every ICMP packet of its namespace, including the
// replies to other probes of the same grade running at the same time, so
// a reply counts only when its type is echo reply, its ID is ours, its
// sequence number is one we sent and still await, and its payload carries
// our nonce.
type echoMatcher struct {
	v6       bool
	id       int
	nonce    [pingNonceLen]byte
	awaiting map[int]time.Time // sequence number → when it was sent
}

func newEchoMatcher(v6 bool) (*echoMatcher, error) {
	m := &echoMatcher{v6: v6, awaiting: map[int]time.Time{}}
	var b [2 + pingNonceLen]byte // the echo id, then the nonce
	if err := random.Read(b[:]); err != nil {
		return nil, err
	}
	m.id = int(binary.BigEndian.Uint16(b[:2]))
	copy(m.nonce[:], b[2:])
	return m, nil
}

// request builds echo request seq with a payload of size bytes: the send
// time, the nonce, then bytes of value 1 (pro-bing's layout).
func (m *echoMatcher) request(seq, size int, now time.Time) ([]byte, error) {
	data := make([]byte, size)
	binary.BigEndian.PutUint64(data, uint64(now.UnixNano()))
	copy(data[pingTimeLen:], m.nonce[:])
	for i := pingMinSize; i < size; i++ {
		data[i] = 1
	}
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if m.v6 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	// For ICMPv6 the checksum is left to the kernel (a raw ICMPv6 socket
	// always computes it); Marshal fills it in for ICMPv4.
	return (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: m.id, Seq: seq, Data: data}}).Marshal(nil)
}

// sent records that request seq left at t.
func (m *echoMatcher) sent(seq int, t time.Time) { m.awaiting[seq] = t }

// match reports whether b (an ICMP message, for IPv4 possibly still behind
// its IP header) answers a request still awaited, and when that request
// was sent. A matched sequence number is no longer awaited, so a
// duplicate reply does not count again.
func (m *echoMatcher) match(b []byte) (time.Time, bool) {
	proto := protoICMPv6
	var reply icmp.Type = ipv6.ICMPTypeEchoReply
	if !m.v6 {
		proto, reply = protoICMP, ipv4.ICMPTypeEchoReply
		b = stripIPv4Header(b)
	}
	msg, err := icmp.ParseMessage(proto, b)
	if err != nil || msg.Type != reply {
		return time.Time{}, false
	}
	echo, ok := msg.Body.(*icmp.Echo)
	if !ok || echo.ID != m.id || len(echo.Data) < pingMinSize ||
		!bytes.Equal(echo.Data[pingTimeLen:pingMinSize], m.nonce[:]) {
		return time.Time{}, false
	}
	at, ok := m.awaiting[echo.Seq]
	if !ok {
		return time.Time{}, false
	}
	delete(m.awaiting, echo.Seq)
	return at, true
}

// stripIPv4Header drops an IPv4 header in front of an ICMP message. On
// Linux ipv4.PacketConn.ReadFrom already strips it (it reads the header
// into a buffer of its own); this guards against a read that does not
// (golang.org/issue/47369). An ICMP message never starts with a byte
// whose high nibble is 4: echo reply is type 0.
func stripIPv4Header(b []byte) []byte {
	if len(b) < ipv4.HeaderLen || b[0]>>4 != 4 {
		return b
	}
	l := int(b[0]&0x0f) << 2
	if l < ipv4.HeaderLen || l > len(b) {
		return b
	}
	return b[l:]
}

// pingConn is a raw ICMP socket of one namespace.
type pingConn struct {
	ip *net.IPConn
	v4 *ipv4.PacketConn // nil for IPv6
	v6 *ipv6.PacketConn // nil for IPv4
}

// listenPing opens a raw ICMP socket on the calling thread (so in its
// namespace; the socket keeps it, whichever thread then uses it). Raw, not
// an unprivileged ping socket: a new namespace has ping_group_range
// "1 0", which refuses those, and netlab runs as root.
func listenPing(v6, dontFragment bool) (*pingConn, error) {
	network := "ip4:1" // numeric: a name is looked up in /etc/protocols on every start
	if v6 {
		network = "ip6:58"
	}
	pc, err := net.ListenPacket(network, "")
	if err != nil {
		return nil, err
	}
	c := &pingConn{ip: pc.(*net.IPConn)}
	if err := c.setup(v6, dontFragment); err != nil {
		c.ip.Close()
		return nil, err
	}
	return c, nil
}

func (c *pingConn) setup(v6, dontFragment bool) error {
	if v6 {
		c.v6 = ipv6.NewPacketConn(c.ip)
		if err := c.v6.SetHopLimit(pingTTL); err != nil {
			return err
		}
		// The hop limit of each reply, for PingResult.TTL.
		if err := c.v6.SetControlMessage(ipv6.FlagHopLimit, true); err != nil {
			return err
		}
	} else {
		c.v4 = ipv4.NewPacketConn(c.ip)
		if err := c.v4.SetTTL(pingTTL); err != nil {
			return err
		}
		if err := c.v4.SetControlMessage(ipv4.FlagTTL, true); err != nil {
			return err
		}
	}
	if dontFragment {
		// IP_PMTUDISC_DO: DF set, and a packet larger than the route's MTU
		// is refused at sendto (EMSGSIZE) instead of being fragmented.
		level, opt := unix.IPPROTO_IP, unix.IP_MTU_DISCOVER
		if v6 {
			level, opt = unix.IPPROTO_IPV6, unix.IPV6_MTU_DISCOVER
		}
		if err := c.setsockopt(level, opt, unix.IP_PMTUDISC_DO); err != nil {
			return err
		}
	}
	return nil
}

func (c *pingConn) setsockopt(level, opt, value int) error {
	rc, err := c.ip.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), level, opt, value)
	}); err != nil {
		return err
	}
	return os.NewSyscallError("setsockopt", serr)
}

// read returns the next ICMP message and its TTL (IPv6: hop limit), or -1
// when the kernel gave none.
func (c *pingConn) read(b []byte) ([]byte, int, error) {
	ttl := -1
	if c.v6 != nil {
		n, cm, _, err := c.v6.ReadFrom(b)
		if err != nil {
			return nil, ttl, err
		}
		if cm != nil {
			ttl = cm.HopLimit
		}
		return b[:n], ttl, nil
	}
	n, cm, _, err := c.v4.ReadFrom(b)
	if err != nil {
		return nil, ttl, err
	}
	if cm != nil {
		ttl = cm.TTL
	}
	return b[:n], ttl, nil
}

// write sends one request through net.IPConn.WriteTo (as
// icmp.PacketConn.WriteTo does), so that a refusal reads like the
// kernel's: "write ip4 0.0.0.0->127.0.0.1: sendto: network is unreachable".
// Callers quote it, and isSocketSetupError tells it from a setup failure
// by its "sendto".
func (c *pingConn) write(ctx context.Context, b []byte, dst *net.IPAddr, until time.Time) error {
	broadcast := false
	for {
		_, err := c.ip.WriteTo(b, dst)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EACCES) && !broadcast:
			// A broadcast destination: allow it and try again, once.
			broadcast = true
			if c.setsockopt(unix.SOL_SOCKET, unix.SO_BROADCAST, 1) != nil {
				return err
			}
		case errors.Is(err, syscall.ENOBUFS):
			// The device queue is full for a moment: try again, within
			// the exchange's time.
			t := time.NewTimer(time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return err
			case <-t.C:
			}
			if !time.Now().Before(until) {
				return err
			}
		default:
			return err
		}
	}
}

func (c *pingConn) Close() error { return c.ip.Close() }

// pingStats is the outcome of one exchange.
type pingStats struct {
	sent, received int
	rtt            time.Duration
	ttl            int
	err            error // a send the kernel refused, or a failed read
}

// exchange sends o.Count echo requests o.Interval apart and returns at the
// first matching reply, when o.Timeout has passed since it started, or
// when ctx ends (then with no error: a caller cancels a ping once it has
// proved what it wanted). o must be validated and defaulted.
func (c *pingConn) exchange(ctx context.Context, dst *net.IPAddr, o PingOpts) pingStats {
	var st pingStats
	m, err := newEchoMatcher(c.v6 != nil)
	if err != nil {
		st.err = err
		return st
	}
	start := time.Now()
	until := start.Add(o.Timeout)
	// A read blocked in the kernel does not see ctx: a deadline in the
	// past wakes it. The loop checks ctx after each SetReadDeadline, so a
	// cancellation cannot be overwritten by a later deadline unseen.
	stop := context.AfterFunc(ctx, func() { _ = c.ip.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	buf := make([]byte, o.Size+8+ipv4.HeaderLen+60)
	nextSend := start
	for ctx.Err() == nil {
		now := time.Now()
		if !now.Before(until) {
			return st
		}
		if st.sent < o.Count && !now.Before(nextSend) {
			req, err := m.request(st.sent, o.Size, now)
			if err != nil {
				st.err = err
				return st
			}
			at := time.Now()
			if err := c.write(ctx, req, dst, until); err != nil {
				if ctx.Err() == nil {
					st.err = err
				}
				return st
			}
			m.sent(st.sent, at)
			st.sent++
			nextSend = nextSend.Add(o.Interval)
		}
		wake := until
		if st.sent < o.Count && nextSend.Before(wake) {
			wake = nextSend
		}
		if err := c.ip.SetReadDeadline(wake); err != nil {
			st.err = err
			return st
		}
		if ctx.Err() != nil {
			return st
		}
		b, ttl, err := c.read(buf)
		got := time.Now()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				continue // time to send, to give up, or cancelled
			}
			if ctx.Err() == nil {
				st.err = err
			}
			return st
		}
		if sentAt, ok := m.match(b); ok {
			st.received = 1
			st.rtt = got.Sub(sentAt)
			st.ttl = ttl
			return st
		}
	}
	return st
}

// checkPingSize refuses a payload too small for the send time and nonce.
func checkPingSize(size int) error {
	if size < pingMinSize {
		return fmt.Errorf("size %d is less than minimum required size %d", size, pingMinSize)
	}
	return nil
}
