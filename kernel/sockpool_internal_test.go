package kernel

import (
	"context"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func isOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

func eventfd(t *testing.T) int {
	t.Helper()
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	require.NoError(t, err)
	return fd
}

// The pool hands back what it was given, by protocol, keeps at most
// maxIdle of each, and once closed closes its sockets and refuses more
// (a socket kept by a let-go entry would keep its namespace alive).
func TestSockPool(t *testing.T) {
	var p sockPool
	require.Equal(t, -1, p.get(unix.NETLINK_ROUTE))
	a, b := eventfd(t), eventfd(t)
	require.True(t, p.put(unix.NETLINK_ROUTE, a))
	require.True(t, p.put(unix.NETLINK_NETFILTER, b))
	require.Equal(t, -1, p.get(unix.NETLINK_GENERIC))
	require.Equal(t, a, p.get(unix.NETLINK_ROUTE))
	require.Equal(t, -1, p.get(unix.NETLINK_ROUTE), "given out once")

	var fds []int
	for i := 0; i < maxIdle; i++ {
		fds = append(fds, eventfd(t))
		require.True(t, p.put(unix.NETLINK_ROUTE, fds[i]))
	}
	extra := eventfd(t)
	require.False(t, p.put(unix.NETLINK_ROUTE, extra), "full")
	unix.Close(extra)

	p.close()
	for _, fd := range append(fds, b) {
		require.False(t, isOpen(fd), "idle socket %d closed", fd)
	}
	require.False(t, p.put(unix.NETLINK_ROUTE, a), "a socket given back after close is the caller's to close")
	require.Equal(t, -1, p.get(unix.NETLINK_ROUTE))
	unix.Close(a)
}

// A question asked twice of a namespace is asked on one socket, opened
// once (and no netlink library handle is opened for it); an answer given up on half-read (a dump a caller stopped
// reading) closes its socket instead of leaving the rest of the dump in
// the pool; and the end of a run closes the pooled sockets.
func TestRequestsShareASocket(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
ip netns add ns0
ip -n ns0 link set lo up
for i in $(seq 1 300); do ip -n ns0 link add d$i type veth peer name p$i; done
`).CombinedOutput()
	require.NoError(t, err, string(out))
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	l.BeginRun()

	_, err = l.addrList(ctx, "ns0")
	require.NoError(t, err)
	e, err := l.entry(ctx, "ns0")
	require.NoError(t, err)
	first := e.socks.idle[unix.NETLINK_ROUTE]
	require.Len(t, first, 1, "the answer read to its end gave its socket back")
	_, err = l.addrList(ctx, "ns0")
	require.NoError(t, err)
	require.Equal(t, first, e.socks.idle[unix.NETLINK_ROUTE], "the second question used the same socket")
	require.Nil(t, e.h, "netlab's own questions open no netlink library handle")
	h, err := l.lib(ctx, "ns0")
	require.NoError(t, err)
	again, err := l.lib(ctx, "ns0")
	require.NoError(t, err)
	require.Same(t, h, again, "the library's handle is opened once")

	// 600 links do not fit in one part of a dump: stop after the first.
	a, err := l.request(ctx, "ns0", unix.NETLINK_ROUTE, unix.RTM_GETLINK, unix.NLM_F_DUMP, make([]byte, unix.NLMSG_HDRLEN+unix.SizeofIfInfomsg))
	require.NoError(t, err)
	require.Empty(t, e.socks.idle[unix.NETLINK_ROUTE], "the pooled socket is in use")
	done, err := a.next(func(syscall.NetlinkMessage) error { return nil })
	require.NoError(t, err)
	require.False(t, done, "the dump has more parts")
	fd := a.fd
	a.Close()
	require.False(t, isOpen(fd), "a half-read answer's socket is closed, not pooled")
	require.Empty(t, e.socks.idle[unix.NETLINK_ROUTE])

	_, err = l.addrList(ctx, "ns0")
	require.NoError(t, err)
	pooled := e.socks.idle[unix.NETLINK_ROUTE]
	require.Len(t, pooled, 1)
	l.EndRun()
	require.False(t, isOpen(pooled[0]), "the end of the run closes the pooled sockets")
}
