package kernel

import (
	"context"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

// Within a run each /run/netns name is looked at once, however many
// questions ask about it and however they race: the listing, the netns
// checks and the handles share the look, and a namespace's links are
// dumped once for its list of links and the names its routes give. Outside
// a run every question looks afresh. Nothing stays open after the run.
func TestRunJudgesEachNamespaceOnce(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
for n in ns0 ns1 ns2; do
  ip netns add $n
  ip -n $n link set lo up
done
ip link add veth0 netns ns0 type veth peer name veth1 netns ns1
ip -n ns0 link set veth0 up
ip -n ns1 link set veth1 up
ip -n ns0 addr add 10.0.0.1/24 dev veth0
ip -n ns1 addr add 10.0.0.2/24 dev veth1
`).CombinedOutput()
	require.NoError(t, err, string(out))
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	fds := openFDs(t)

	l.BeginRun()
	looks, dumps := inspections.Load(), askedOf(l, unix.RTM_GETLINK)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 4; i++ {
		for _, ns := range []string{"ns0", "ns1"} {
			wg.Add(4)
			go func() {
				defer wg.Done()
				_, err := l.Namespaces(ctx)
				errs <- err
			}()
			go func() {
				defer wg.Done()
				st, err := l.NamespaceState(ctx, ns)
				if err == nil && st != NSPresent {
					err = os.ErrNotExist
				}
				errs <- err
			}()
			go func() {
				defer wg.Done()
				_, err := l.Links(ctx, ns)
				errs <- err
			}()
			go func() {
				defer wg.Done()
				_, err := l.RouteGet(ctx, ns, net.ParseIP("10.0.0.9"))
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 3, inspections.Load()-looks, "one look at each of ns0, ns1 and ns2 (listed only)")
	require.EqualValues(t, 2, askedOf(l, unix.RTM_GETLINK)-dumps, "one dump of each namespace's links")
	l.EndRun()
	require.Equal(t, fds, openFDs(t), "the run's looks (ns2's too) and handles are closed")

	looks = inspections.Load()
	for i := 0; i < 2; i++ {
		st, err := l.NamespaceState(ctx, "ns0")
		require.NoError(t, err)
		require.Equal(t, NSPresent, st)
	}
	require.EqualValues(t, 2, inspections.Load()-looks, "outside a run, each question looks")
}

// A run reads the namespace it judged: a name deleted and made again
// after the run looked at it still names, for that run, the namespace
// that was judged; the next run sees the new one.
func TestRunReadsTheNamespaceItJudged(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	sh := func(script string) {
		t.Helper()
		out, err := exec.Command("sh", "-ec", script).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	sh(`ip netns add ns0; ip -n ns0 link add old0 type veth peer name old1`)
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	names := func() []string {
		links, err := l.Links(ctx, "ns0")
		require.NoError(t, err)
		var out []string
		for _, k := range links {
			out = append(out, k.Name)
		}
		return out
	}

	l.BeginRun()
	st, err := l.NamespaceState(ctx, "ns0")
	require.NoError(t, err)
	require.Equal(t, NSPresent, st)
	sh(`ip netns del ns0; ip netns add ns0; ip -n ns0 link add new0 type veth peer name new1`)
	require.Contains(t, names(), "old0", "the run reads the namespace it judged")
	l.EndRun()

	l.BeginRun()
	require.Contains(t, names(), "new0")
	l.EndRun()
}

// Prepare opens the namespaces' handles and a socket in each ahead of a
// grade, within a run that lasts until Close: the grade that follows
// looks at no name again and opens no socket of its own, and Close lets
// go of everything.
func TestPrepareOpensAheadOfTheGrade(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `
for n in ns0 ns1; do ip netns add $n; ip -n $n link set lo up; done
`).CombinedOutput()
	require.NoError(t, err, string(out))
	fds := openFDs(t)
	l, err := New()
	require.NoError(t, err)
	ctx := context.Background()

	looks := inspections.Load()
	l.Prepare(ctx, "ns0", "ns1", "gone")
	require.EqualValues(t, 3, inspections.Load()-looks, "ns0, ns1 and the missing one looked at once")
	prepared := openFDs(t)
	for _, ns := range []string{Root, "ns0", "ns1"} {
		e := l.runEntry(ns)
		require.NotNil(t, e, "%q has its handle", ns)
		require.Len(t, e.socks.idle[unix.NETLINK_ROUTE], 1, "%q has its socket", ns)
	}

	snap := NewSnapshot(l)
	for _, ns := range []string{"ns0", "ns1"} {
		st, err := snap.NamespaceState(ctx, ns)
		require.NoError(t, err)
		require.Equal(t, NSPresent, st)
		_, err = snap.Links(ctx, ns)
		require.NoError(t, err)
	}
	st, err := snap.NamespaceState(ctx, "gone")
	require.NoError(t, err)
	require.Equal(t, NSMissing, st)
	snap.Close()
	require.EqualValues(t, 3, inspections.Load()-looks, "the grade looked at no name again")
	require.Equal(t, prepared, openFDs(t), "and opened no socket: the prepared ones served it")

	require.NoError(t, l.Close())
	require.Equal(t, fds, openFDs(t), "Close lets go of the run's handles and sockets")
}

// A pooled socket's read timeout is netlinkTimeout, set once when it was
// opened; a question whose context ends sooner cuts its socket's timeout
// and that socket is not pooled again.
func TestPooledSocketsKeepTheirTimeout(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	out, err := exec.Command("sh", "-ec", `ip netns add ns0`).CombinedOutput()
	require.NoError(t, err, string(out))
	l, err := New()
	require.NoError(t, err)
	defer l.Close()
	ctx := context.Background()
	timeouts := func() []time.Duration {
		e := l.runEntry("ns0")
		require.NotNil(t, e)
		var ds []time.Duration
		for _, fd := range e.socks.idle[unix.NETLINK_ROUTE] {
			tv, err := unix.GetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO)
			require.NoError(t, err)
			ds = append(ds, time.Duration(tv.Nano()))
		}
		return ds
	}
	l.BeginRun()
	defer l.EndRun()
	_, err = l.Links(ctx, "ns0")
	require.NoError(t, err)
	require.Equal(t, []time.Duration{netlinkTimeout}, timeouts())

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = l.Addrs(short, "ns0")
	require.NoError(t, err)
	require.Empty(t, timeouts(), "the socket whose timeout was cut is closed, not pooled")
	_, err = l.Addrs(ctx, "ns0")
	require.NoError(t, err)
	require.Equal(t, []time.Duration{netlinkTimeout}, timeouts())
}

// The socket's answer and /proc's name one namespace: the one the thread
// is in.
func TestSocketNSIsTheThreadsNamespace(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	h, err := socketNS()
	require.NoError(t, err)
	defer h.Close()
	var byProc, bySocket unix.Stat_t
	require.NoError(t, unix.Stat("/proc/thread-self/ns/net", &byProc))
	require.NoError(t, unix.Fstat(int(h), &bySocket))
	require.Equal(t, byProc.Ino, bySocket.Ino)
	flags, err := unix.FcntlInt(uintptr(h), unix.F_GETFD, 0)
	require.NoError(t, err)
	require.NotZero(t, flags&unix.FD_CLOEXEC, "not handed to the commands netlab runs")
}
