package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
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
	req := make([]byte, unix.NLMSG_HDRLEN+4)
	req[16], req[17] = unix.AF_UNSPEC, unix.NFNETLINK_V0
	err := l.dump(ctx, ns, unix.NETLINK_NETFILTER, unix.NFNL_SUBSYS_NFTABLES<<8|unix.NFT_MSG_GETRULE, req, func(m syscall.NetlinkMessage) error {
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
	e, err := l.entry(ctx, ns)
	if err != nil {
		return err
	}
	fd := -1
	// The socket belongs to the namespace of the thread that opens it.
	err = InNS(l.root, e.ns, func() error {
		var serr error
		fd, serr = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		return serr
	})
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	deadline := time.Now().Add(netlinkTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	left := time.Until(deadline)
	if left < time.Millisecond {
		// A zero SO_RCVTIMEO would mean no timeout at all.
		return os.ErrDeadlineExceeded
	}
	tv := unix.NsecToTimeval(left.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return err
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	const seq = 1
	binary.NativeEndian.PutUint32(req[0:], uint32(len(req)))
	binary.NativeEndian.PutUint16(req[4:], typ)
	binary.NativeEndian.PutUint16(req[6:], unix.NLM_F_REQUEST|flags)
	binary.NativeEndian.PutUint32(req[8:], seq)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, dumpBufSize)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) {
				err = os.ErrDeadlineExceeded
			}
			return err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue
			}
			if m.Header.Flags&unix.NLM_F_DUMP_INTR != 0 {
				return unix.EINTR
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return nil
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if code := int32(binary.NativeEndian.Uint32(m.Data[0:4])); code != 0 {
						return unix.Errno(-code)
					}
				}
				return nil
			}
			if err := fn(m); err != nil {
				return err
			}
			if flags&unix.NLM_F_DUMP == 0 {
				return nil // the one answer
			}
		}
	}
}
