// Package e2e drives the real netlab binary: the guided shell through a
// pseudo-terminal, watch as a second process. Every test runs in a sandbox
// of its own (sandboxtest), so the machine's network is never touched.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/netlabbin"
	"github.com/netlab/netlab/internal/ptytest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

const envBin = "NETLAB_E2E_BIN"

func TestMain(m *testing.M) {
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	netlabbin.Remove()
	os.Exit(code)
}

// netlabBin is netlab, built once (in the parent, before the sandboxed
// child starts; the child finds it through the environment).
func netlabBin(tb testing.TB) string { return netlabbin.Path(tb, envBin) }

func lesson(tb testing.TB, key string) *lessons.Lesson {
	tb.Helper()
	all, err := lessons.LoadEmbedded()
	require.NoError(tb, err)
	l, err := lessons.Find(all, key)
	require.NoError(tb, err)
	return l
}

// existing returns those of ids that exist as lessons.
func existing(tb testing.TB, ids ...int) []*lessons.Lesson {
	tb.Helper()
	all, err := lessons.LoadEmbedded()
	require.NoError(tb, err)
	var out []*lessons.Lesson
	for _, id := range ids {
		for _, l := range all {
			if l.ID == id {
				out = append(out, l)
			}
		}
	}
	return out
}

// term is netlab on a pseudo-terminal (internal/ptytest).
type term struct {
	*ptytest.Term
	tb testing.TB
}

// testEnv is the environment of a netlab under test: its own progress
// store and HOME (no rc files of the machine's user), bash as the shell.
func testEnv(tb testing.TB) []string { return shellEnv(tb, "/bin/bash") }

// shells are the learner's shells the guided-mode tests run under: bash
// and zsh (the course's notes were typed in zsh). A missing zsh skips
// its cases, which CI=true turns into a failure (.ci/run installs it).
func shells(tb testing.TB) []string {
	out := []string{"/bin/bash"}
	if p, err := exec.LookPath("zsh"); err == nil {
		out = append(out, p)
	} else {
		sandboxtest.Skip(tb, "zsh is not installed: the guided tests cannot run under zsh")
	}
	return append(out, ashPath(tb))
}

// ashPath is BusyBox ash as OpenWrt has it: a link named ash to busybox
// (BusyBox picks the applet by the name it was started as).
func ashPath(tb testing.TB) string {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		sandboxtest.Skip(tb, "busybox is not installed: the guided tests cannot run under BusyBox ash")
	}
	dir, err := os.MkdirTemp("", "netlab-ash-")
	require.NoError(tb, err)
	require.NoError(tb, os.Chmod(dir, 0o755))
	tb.Cleanup(func() { os.RemoveAll(dir) })
	p := filepath.Join(dir, "ash")
	require.NoError(tb, os.Symlink(bb, p))
	return p
}

// shellEnv is testEnv with sh as the learner's $SHELL.
func shellEnv(tb testing.TB, sh string) []string {
	home := tb.TempDir()
	var env []string
	for _, e := range os.Environ() {
		// The test runs in a sandbox; netlab must still make its own, as
		// it does for a learner, not reuse ours as `netlab shell` would.
		if !strings.HasPrefix(e, "NETLAB_SANDBOX=") {
			env = append(env, e)
		}
	}
	return append(env, "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "SHELL="+sh, "TERM=dumb", "PROMPT_COMMAND=")
}

func startTerm(tb testing.TB, env []string, args ...string) *term {
	tb.Helper()
	return startTermCols(tb, env, 400, args...)
}

// startTermCols is startTerm on a terminal cols columns wide. A shell
// still running when the test ends is left the way a learner does
// (exit), so that netlab removes its session.
func startTermCols(tb testing.TB, env []string, cols uint16, args ...string) *term {
	tb.Helper()
	cmd := exec.Command(netlabBin(tb), args...)
	cmd.Env = env
	return &term{Term: ptytest.Start(tb, cmd, ptytest.Options{Cols: cols, Leave: "exit"}), tb: tb}
}

// prompt is the end of the guided shell's prompt.
const prompt = "] # "

// run types a command and waits for the next prompt; it returns the
// output between the two.
func (t *term) run(cmd string) string {
	t.tb.Helper()
	return t.runWithin(cmd, 60*time.Second)
}

// runWithin is run with a timeout of its own.
func (t *term) runWithin(cmd string, timeout time.Duration) string {
	t.tb.Helper()
	off := t.Len()
	t.Send(cmd)
	// Skip the echo of the command itself, then wait for the prompt.
	end := t.Expect(off, prompt, timeout)
	return t.Since(off)[:end-off]
}

func skipUnlessRoot(tb testing.TB) {
	tb.Helper()
	if why := sandboxtest.Unavailable(); why != "" {
		sandboxtest.Skip(tb, why)
	}
}

func withTimeout(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}
