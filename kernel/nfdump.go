package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// dumpBufSize is the receive buffer of a rule dump. The kernel sizes each
// part of a dump by the reader's buffer (up to 32 KiB): a big buffer means
// few parts, and every part of an nftables rule dump walks the rules from
// the start to find where it left off.
const dumpBufSize = 64 << 10

// dumpRules runs one NFT_MSG_GETRULE dump (every table, every family) in
// ns and calls fn with each rule message's family and attributes.
func (l *Linux) dumpRules(ctx context.Context, ns string, fn func(fam byte, attrs []byte) error) error {
	err := l.dump(ctx, ns, unix.NETLINK_NETFILTER, unix.NFNL_SUBSYS_NFTABLES<<8|unix.NFT_MSG_GETRULE, nfgenRequest(unix.AF_UNSPEC), func(m syscall.NetlinkMessage) error {
		if len(m.Data) < 4 {
			return nil
		}
		return fn(m.Data[0], m.Data[4:])
	})
	if err != nil {
		return fmt.Errorf("nftables rules in %s: %w", nsLabel(ns), err)
	}
	return nil
}

// nfgenRequest is an nftables request for family fam (AF_UNSPEC: every
// family): room for the netlink header, which ask fills in, and the
// nfgenmsg; attributes are appended to it.
func nfgenRequest(fam byte) []byte {
	req := make([]byte, unix.NLMSG_HDRLEN+4)
	req[unix.NLMSG_HDRLEN], req[unix.NLMSG_HDRLEN+1] = fam, unix.NFNETLINK_V0
	return req
}

// collect runs one dump of ns (req and typ as for dump), started afresh
// when the kernel interrupts it (see retry), and returns what parse makes
// of its messages; parse leaves one out with keep false.
func collect[T any](ctx context.Context, l *Linux, ns string, proto int, typ uint16, req []byte, parse func(m syscall.NetlinkMessage) (v T, keep bool, err error)) ([]T, error) {
	return retry(func() ([]T, error) {
		var out []T
		err := l.dump(ctx, ns, proto, typ, req, func(m syscall.NetlinkMessage) error {
			v, keep, err := parse(m)
			if keep && err == nil {
				out = append(out, v)
			}
			return err
		})
		return out, err
	})
}

// askOne asks ns one question (req, a request about one object) and
// returns what parse makes of the answer, as collect does for a dump;
// found is false when parse kept none of it.
func askOne[T any](ctx context.Context, l *Linux, ns string, proto int, typ uint16, req []byte, parse func(m syscall.NetlinkMessage) (v T, keep bool, err error)) (v T, found bool, err error) {
	err = l.ask(ctx, ns, proto, typ, 0, req, func(m syscall.NetlinkMessage) error {
		x, keep, perr := parse(m)
		if keep && perr == nil {
			v, found = x, true
		}
		return perr
	})
	return v, found, err
}

// dump sends req (a netlink message whose header dump fills in: length,
// type, flags, sequence) on a socket of protocol proto opened in ns, and
// calls fn with every message of the answer until the dump is done.
func (l *Linux) dump(ctx context.Context, ns string, proto int, typ uint16, req []byte, fn func(m syscall.NetlinkMessage) error) error {
	return l.ask(ctx, ns, proto, typ, unix.NLM_F_DUMP, req, fn)
}

// ask sends req with flags (NLM_F_DUMP for a dump, 0 for a request about
// one object) and calls fn with every message of the answer: until
// NLMSG_DONE for a dump, the one answer otherwise.
func (l *Linux) ask(ctx context.Context, ns string, proto int, typ uint16, flags uint16, req []byte, fn func(m syscall.NetlinkMessage) error) error {
	a, err := l.request(ctx, ns, proto, typ, flags, req)
	if err != nil {
		return err
	}
	defer a.Close()
	for {
		done, err := a.next(fn)
		if done || err != nil {
			return err
		}
	}
}

// answer is the answer to one netlink request, read one part (one
// recvmsg, up to 32 KiB of messages) at a time. The kernel fills the next
// part of a dump only when the reader asks for it, so a reader that stops
// early (it found the rule it looked for among the first) spares the
// kernel the rest of a host's thousands of rules.
type answer struct {
	fd    int
	flags uint16
	seq   uint32
	proto int
	socks *sockPool // where the socket goes back once the answer is read
	buf   *[]byte   // from recvBufs
	done  bool
	// short: the socket's read timeout was cut to a deadline nearer than
	// netlinkTimeout, so it does not go back to the pool (whose sockets
	// all have netlinkTimeout, set once when they are opened).
	short bool
}

// recvBufs are the receive buffers of answers: a grade asks dozens of
// questions, and each fresh 64 KiB buffer costs a short-lived process the
// page faults of its memory.
var recvBufs = sync.Pool{New: func() any { b := make([]byte, dumpBufSize); return &b }}

// request sends req (a netlink message whose header request fills in:
// length, type, flags, sequence) on a socket of protocol proto in ns: one
// the namespace's entry kept from an earlier answer read to its end, or a
// new one. Opening a socket in another namespace costs two namespace
// switches on a locked thread; a grade asks dozens of questions.
func (l *Linux) request(ctx context.Context, ns string, proto int, typ uint16, flags uint16, req []byte) (*answer, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	fd := e.socks.get(proto)
	if fd < 0 {
		if fd, err = l.openNetlink(e, proto); err != nil {
			return nil, err
		}
	}
	c, ok := l.asked.Load(typ)
	if !ok {
		c, _ = l.asked.LoadOrStore(typ, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
	a := &answer{fd: fd, flags: flags, seq: askSeq.Add(1), proto: proto, socks: &e.socks}
	if err := a.send(ctx, typ, req); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openNetlink opens a netlink socket of protocol proto in the namespace
// of e, ready for requests.
func (l *Linux) openNetlink(e *nsEntry, proto int) (int, error) {
	fd := -1
	// The socket belongs to the namespace of the thread that opens it.
	err := InNS(l.root, e.ns, func() error {
		var serr error
		fd, serr = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		return serr
	})
	if err != nil {
		return -1, err
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	tv := unix.NsecToTimeval(netlinkTimeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func (a *answer) send(ctx context.Context, typ uint16, req []byte) error {
	// SO_RCVTIMEO bounds each read of the answer, not the whole of it:
	// netlinkTimeout (set when the socket was opened), or less when the
	// context ends sooner.
	if d, ok := ctx.Deadline(); ok && time.Until(d) < netlinkTimeout {
		left := time.Until(d)
		if left < time.Millisecond {
			// A zero SO_RCVTIMEO would mean no timeout at all.
			return os.ErrDeadlineExceeded
		}
		a.short = true
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(a.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return err
		}
	}
	binary.NativeEndian.PutUint32(req[0:], uint32(len(req)))
	binary.NativeEndian.PutUint16(req[4:], typ)
	binary.NativeEndian.PutUint16(req[6:], unix.NLM_F_REQUEST|a.flags)
	binary.NativeEndian.PutUint32(req[8:], a.seq)
	return unix.Sendto(a.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// askSeq numbers the requests: a socket serves one request after another,
// and a message of an earlier one (a request given up on is never put
// back, but a kernel may answer more than asked) is passed over.
var askSeq atomic.Uint32

// next reads one part of the answer and calls fn with each of its
// messages; done is true once the answer is complete (NLMSG_DONE of a
// dump, the one answer otherwise). A dump the kernel interrupted (the
// state changed under it) ends with EINTR: its caller starts afresh.
func (a *answer) next(fn func(m syscall.NetlinkMessage) error) (done bool, err error) {
	if a.done {
		return true, nil
	}
	if a.buf == nil {
		a.buf = recvBufs.Get().(*[]byte)
	}
	n, _, err := unix.Recvfrom(a.fd, *a.buf, 0)
	if err != nil {
		if errors.Is(err, unix.EAGAIN) {
			err = os.ErrDeadlineExceeded
		}
		return false, err
	}
	msgs, err := syscall.ParseNetlinkMessage((*a.buf)[:n])
	if err != nil {
		return false, err
	}
	for _, m := range msgs {
		if m.Header.Seq != a.seq {
			continue
		}
		if m.Header.Flags&unix.NLM_F_DUMP_INTR != 0 {
			return false, unix.EINTR
		}
		switch m.Header.Type {
		case unix.NLMSG_DONE:
			a.done = true
			return true, nil
		case unix.NLMSG_ERROR:
			a.done = true
			if len(m.Data) >= 4 {
				if code := int32(binary.NativeEndian.Uint32(m.Data[0:4])); code != 0 {
					return true, unix.Errno(-code)
				}
			}
			return true, nil
		}
		if err := fn(m); err != nil {
			return false, err
		}
		if a.flags&unix.NLM_F_DUMP == 0 {
			a.done = true
			return true, nil // the one answer
		}
	}
	return false, nil
}

// Close lets go of the socket: back to its namespace's pool when the
// answer was read to its end, closed otherwise (the kernel drops the rest
// of a dump, or an answer that came too late).
func (a *answer) Close() {
	if a.fd >= 0 {
		if !a.done || a.short || a.socks == nil || !a.socks.put(a.proto, a.fd) {
			unix.Close(a.fd)
		}
		a.fd = -1
	}
	if a.buf != nil {
		recvBufs.Put(a.buf)
		a.buf = nil
	}
}

// sockPool keeps a namespace's idle netlink sockets, by protocol, for the
// next request (see request).
type sockPool struct {
	mu     sync.Mutex
	idle   map[int][]int
	closed bool // the entry was let go of: a socket that comes back is closed
}

// maxIdle bounds the idle sockets kept per protocol: as many as the
// questions a grade asks of one namespace at the same time.
const maxIdle = 4

func (p *sockPool) get(proto int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	fds := p.idle[proto]
	if len(fds) == 0 {
		return -1
	}
	fd := fds[len(fds)-1]
	p.idle[proto] = fds[:len(fds)-1]
	return fd
}

// put keeps fd for a later request; false when the pool is full or
// closed (the caller closes fd).
func (p *sockPool) put(proto, fd int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle[proto]) >= maxIdle {
		return false
	}
	if p.idle == nil {
		p.idle = map[int][]int{}
	}
	p.idle[proto] = append(p.idle[proto], fd)
	return true
}

// close closes the idle sockets, and those given back later (the
// namespace's entry is let go of: a socket would keep its namespace
// alive).
func (p *sockPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, fds := range p.idle {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	p.idle, p.closed = nil, true
}
