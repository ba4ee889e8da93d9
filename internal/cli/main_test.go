package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// envMain makes the test binary run netlab itself (for tests of the real
// process: its stdout file, its signals).
const envMain = "NETLAB_CLI_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envMain) == "1" {
		os.Exit(NewApp().Run(os.Args[1:]))
	}
	// Progress written by commands a test runs (list, lesson) goes to a
	// directory of this run's own, never the real home's; a test that
	// needs its own sets XDG_STATE_HOME again.
	// A sandbox child (the test binary again) inherits its parent's.
	if os.Getenv(envState) != "" {
		os.Exit(runMain(m))
	}
	state, err := os.MkdirTemp("", "netlab-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv(envState, state)
	os.Setenv("XDG_STATE_HOME", state)
	code := runMain(m)
	os.RemoveAll(state)
	os.Exit(code)
}

// envState names the test run's own progress directory.
const envState = "NETLAB_CLI_TEST_STATE"

// runMain is sandboxtest.Main without its exit, so that TestMain can
// clean up; a sandbox child exits inside it, and its state directory is
// its parent's (inherited through XDG_STATE_HOME).
func runMain(m *testing.M) int {
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return m.Run()
}

func netlab(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), envMain+"=1")
	return c
}

// The real process with stdout on /dev/full or closed.
func TestProcessStdoutFull(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	require.NoError(t, err)
	defer full.Close()
	for _, args := range [][]string{{"list"}, {"--help"}} {
		c := netlab(args...)
		var errOut bytes.Buffer
		c.Stdout, c.Stderr = full, &errOut
		err := c.Run()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "%v: %v", args, err)
		require.Equal(t, ExitUsage, ee.ExitCode())
		require.Equal(t, "netlab could not write its output: write /dev/stdout: no space left on device", sentence(t, errOut.String()))
	}
}

// blockedOn reports whether pid waits for a flock (a "->" line of
// /proc/locks names the waiter).
func blockedOn(t *testing.T, pid int) bool {
	b, err := os.ReadFile("/proc/locks")
	require.NoError(t, err)
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 5 && f[1] == "->" && f[5] == fmt.Sprint(pid) {
			return true
		}
	}
	return false
}

// `netlab list` waiting for a progress lock another netlab holds ends on
// Ctrl-C (SIGINT) and on SIGTERM (`timeout`): exit 2, one sentence.
func TestListLockWaitEndsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			state := t.TempDir()
			t.Setenv("XDG_STATE_HOME", state)
			require.NoError(t, os.MkdirAll(filepath.Join(state, "netlab"), 0o755))
			held, err := os.OpenFile(filepath.Join(state, "netlab", "progress.lock"), os.O_RDWR|os.O_CREATE, 0o644)
			require.NoError(t, err)
			defer held.Close()
			require.NoError(t, unix.Flock(int(held.Fd()), unix.LOCK_EX))

			c := netlab("list")
			var out, errOut bytes.Buffer
			c.Stdout, c.Stderr = &out, &errOut
			require.NoError(t, c.Start())
			done := make(chan error, 1)
			go func() { done <- c.Wait() }()
			// Wait (on the kernel's word) until it is blocked on the lock.
			for !blockedOn(t, c.Process.Pid) {
				select {
				case err := <-done:
					t.Fatalf("netlab list ended before waiting for the lock: %v\n%s", err, errOut.String())
				case <-time.After(10 * time.Millisecond):
				}
			}
			require.NoError(t, c.Process.Signal(sig))
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				_ = c.Process.Kill()
				t.Fatalf("netlab list ignored %v while waiting for the lock", sig)
			}
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "%v", err)
			require.Equal(t, ExitUsage, ee.ExitCode())
			require.Contains(t, sentence(t, errOut.String()), "stopped waiting for another netlab's progress lock")
			require.Empty(t, out.String())
		})
	}
}

// Real namespaces named with an escape sequence and with a newline reach
// the terminal escaped, whole, on one line.
func TestRealNamespaceNamesAreEscaped(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	for _, name := range []string{"evil\x1b]0;pwned\x07\x1b[2J", "two\nlines"} {
		out, err := exec.Command("ip", "netns", "add", name).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	a := NewApp()
	var out, errOut bytes.Buffer
	a.Stdout, a.Stderr = &out, &errOut
	require.Equal(t, ExitFail, a.Run([]string{"check", "1"}), errOut.String())
	s := out.String()
	require.Contains(t, s, `evil\x1b]0;pwned\a\x1b[2J`)
	require.Contains(t, s, `two\nlines`)
	for _, r := range s {
		if r != '\n' {
			require.False(t, r < 0x20 || r == 0x7f, "raw control character %q in:\n%s", r, s)
		}
	}
}
