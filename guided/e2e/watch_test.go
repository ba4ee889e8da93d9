package e2e

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// lines collects a program's output lines with their arrival times.
type lines struct {
	mu    sync.Mutex
	all   []string
	at    []time.Time
	wake  chan struct{}
	ended chan struct{}
}

func collect(r io.Reader) *lines {
	ls := &lines{wake: make(chan struct{}, 1), ended: make(chan struct{})}
	go func() {
		defer close(ls.ended)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			now := time.Now()
			ls.mu.Lock()
			ls.all = append(ls.all, sc.Text())
			ls.at = append(ls.at, now)
			ls.mu.Unlock()
			select {
			case ls.wake <- struct{}{}:
			default:
			}
		}
	}()
	return ls
}

func (ls *lines) n() int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return len(ls.all)
}

func (ls *lines) text() string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return strings.Join(ls.all, "\n")
}

// wait returns the index (from `from` on) of the first line containing s.
func (ls *lines) wait(tb testing.TB, from int, s string, timeout time.Duration) (int, time.Time) {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		ls.mu.Lock()
		for i := from; i < len(ls.all); i++ {
			if strings.Contains(ls.all[i], s) {
				at := ls.at[i]
				ls.mu.Unlock()
				return i, at
			}
		}
		ls.mu.Unlock()
		select {
		case <-ls.wake:
		case <-ls.ended:
			select {
			case <-ls.wake:
				continue
			default:
			}
			tb.Fatalf("watch ended before %q; output:\n%s", s, ls.text())
		case <-deadline:
			tb.Fatalf("%q did not appear within %s; output:\n%s", s, timeout, ls.text())
		}
	}
}

func startWatch(tb testing.TB, lesson string) (*exec.Cmd, *lines) {
	tb.Helper()
	cmd := exec.Command(netlabBin(tb), "watch", lesson)
	cmd.Env = testEnv(tb)
	out, err := cmd.StdoutPipe()
	require.NoError(tb, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(tb, cmd.Start())
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ls := collect(out)
	ls.wait(tb, 0, "watching lesson", 30*time.Second)
	return cmd, ls
}

// TestWatchReportsChangesMadeByAnotherProcess: `netlab watch 1` runs; other
// processes create ns0 (after watch started), bring its lo up (a change
// only ns0's own netlink sees), delete ns0 and create it again. watch
// reports each completed step after the change that completes it.
func TestWatchReportsChangesMadeByAnotherProcess(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	l := lesson(t, "1")
	cmd, ls := startWatch(t, "1")
	const wait = 20 * time.Second

	ls.wait(t, 0, "→ step 1/3: "+l.Steps[0].Title, wait) // the first grade is over
	require.NotContains(t, ls.text(), "✓ step", "nothing is done yet")
	from := ls.n()
	sh(t, "ip netns add ns0")
	i, _ := ls.wait(t, from, guided.CompletionLine(l, 1), wait)
	require.NotContains(t, ls.text(), guided.CompletionLine(l, 2))

	from = i + 1
	sh(t, "ip -n ns0 link set lo up")
	ls.wait(t, from, guided.CompletionLine(l, 2), wait)
	ls.wait(t, from, guided.CompletionLine(l, 3), wait)
	ls.wait(t, from, "★ Lesson 1", wait)

	// Gone, then back: a namespace re-created under the same name is a
	// new namespace, subscribed afresh.
	// watch must not keep a deleted namespace alive: when ns0 goes, so
	// does the veth end in it, and with it its peer here.
	sh(t, "ip link add wv0 type veth peer name wv1 netns ns0")
	from = ls.n()
	sh(t, "ip netns del ns0")
	ls.wait(t, from, "✗ step 1/3 no longer passes", wait)
	require.Eventually(t, func() bool { return exec.Command("ip", "link", "show", "wv0").Run() != nil }, 10*time.Second, 20*time.Millisecond,
		"wv0 outlived ns0: something still holds the deleted namespace")
	from = ls.n()
	sh(t, "ip netns add ns0")
	i, _ = ls.wait(t, from, guided.CompletionLine(l, 1), wait)
	from = i + 1
	sh(t, "ip netns exec ns0 ip link set lo up")
	ls.wait(t, from, guided.CompletionLine(l, 2), wait)

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait())
}
