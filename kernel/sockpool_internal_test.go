package kernel

import (
	"context"
	"net"
	"os/exec"
	"sync/atomic"
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

// askedOf is how many requests of type typ l has sent.
func askedOf(l *Linux, typ uint16) int64 {
	c, ok := l.asked.Load(typ)
	if !ok {
		return 0
	}
	return c.(*atomic.Int64).Load()
}

// Within a run, the names of a lesson namespace's links are read once
// (with its list of links, when a check read it), and a root
// namespace's by index, once each; outside a run, every question reads
// them anew (the links may change between two).
func TestLinkNamesReadOncePerRun(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
ip link set lo up
ip link add r0 type veth peer name r1
ip link set r0 up
ip addr add 10.1.0.1/24 dev r0
ip netns add ns0
ip -n ns0 link set lo up
ip link add veth0 netns ns0 type veth peer name veth1 netns ns0
ip -n ns0 link set veth0 up
ip -n ns0 addr add 10.0.0.1/24 dev veth0
`).CombinedOutput()
	require.NoError(t, err, string(out))
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	dst := net.ParseIP("10.0.0.9")

	l.BeginRun()
	_, err = l.Links(ctx, "ns0")
	require.NoError(t, err)
	require.EqualValues(t, 1, askedOf(l, unix.RTM_GETLINK))
	addrs, err := l.Addrs(ctx, "ns0")
	require.NoError(t, err)
	var named []string
	for _, a := range addrs {
		named = append(named, a.Link+" "+a.IPNet.String())
	}
	require.Contains(t, named, "veth0 10.0.0.1/24")
	r, err := l.RouteGet(ctx, "ns0", dst)
	require.NoError(t, err)
	require.Equal(t, "veth0", r.Dev)
	require.EqualValues(t, 1, askedOf(l, unix.RTM_GETLINK), "the names came from the list of links")

	// The root namespace's links are read by index, each once.
	_, err = l.Addrs(ctx, Root)
	require.NoError(t, err)
	n := askedOf(l, unix.RTM_GETLINK)
	require.Greater(t, n, int64(1))
	_, err = l.Addrs(ctx, Root)
	require.NoError(t, err)
	require.Equal(t, n, askedOf(l, unix.RTM_GETLINK), "root's names are known for the rest of the run")
	l.EndRun()

	// A lesson namespace's names, asked first by its addresses: one list.
	l.BeginRun()
	before := askedOf(l, unix.RTM_GETLINK)
	_, err = l.Addrs(ctx, "ns0")
	require.NoError(t, err)
	_, err = l.RouteGet(ctx, "ns0", dst)
	require.NoError(t, err)
	_, err = l.Addrs6(ctx, "ns0")
	require.NoError(t, err)
	require.EqualValues(t, before+1, askedOf(l, unix.RTM_GETLINK))
	l.EndRun()

	// Outside a run nothing is remembered.
	before = askedOf(l, unix.RTM_GETLINK)
	_, err = l.Addrs(ctx, "ns0")
	require.NoError(t, err)
	_, err = l.Addrs(ctx, "ns0")
	require.NoError(t, err)
	require.Greater(t, askedOf(l, unix.RTM_GETLINK), before+1)
}
