package cli_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/sandbox"
)

// entered records what a redirect ran inside which sandbox.
type entered struct {
	pid  int
	args []string
}

func reachApp(t *testing.T, privileged, inside bool, recs []sandbox.Record) (*cli.App, *entered, *strings.Builder, *strings.Builder) {
	t.Helper()
	a, _, _ := app(kerneltest.New(), privileged)
	var got entered
	a.InSandbox = func() bool { return inside }
	a.Sandboxes = func() ([]sandbox.Record, error) { return recs, nil }
	a.EnterSandbox = func(_ context.Context, r sandbox.Record, args []string) (int, error) {
		got = entered{pid: r.PID, args: args}
		return 3, nil
	}
	var o, e strings.Builder
	a.Stdout, a.Stderr = &o, &e
	return a, &got, &o, &e
}

func rec(pid, lesson int, label string, age time.Duration) sandbox.Record {
	return sandbox.Record{PID: pid, Nonce: "n", Lesson: lesson, Label: label, Started: time.Now().Add(-age)}
}

// Outside any sandbox and without root, check, hint and watch go to the
// learner's running lesson sandbox: the one of the lesson asked for, the
// newest when several, saying which; the exit code is the inner one.
func TestRedirectToTheRunningSandbox(t *testing.T) {
	recs := []sandbox.Record{rec(300, 3, "lesson 3 (bridge)", time.Minute), rec(200, 2, "lesson 2 (veth)", 2*time.Minute), rec(100, 2, "lesson 2 (veth)", time.Hour)}
	for _, args := range [][]string{{"check", "2", "--json"}, {"hint", "veth"}, {"watch", "2"}, {"check", "2", "--lang", "zh"}} {
		a, got, _, errb := reachApp(t, false, false, recs)
		require.Equal(t, 3, a.Run(args), errb.String())
		require.Equal(t, 200, got.pid, "not the newest sandbox of lesson 2")
		require.Equal(t, args, got.args)
		line := oneLine(t, errb.String())
		require.Contains(t, line, "pid 100")
		if args[len(args)-1] == "zh" {
			require.Contains(t, line, "netlab：在你的课程沙箱 lesson 2 (veth)（pid 200，")
			require.Contains(t, line, "同时还在运行：lesson 3 (bridge)（pid 300，")
			continue
		}
		require.Contains(t, line, "in your lesson sandbox lesson 2 (veth) (pid 200")
		require.Contains(t, line, "also running: lesson 3 (bridge) (pid 300")
	}
	// No sandbox of that lesson: the newest other, said so.
	a, got, _, errb := reachApp(t, false, false, recs[:1])
	require.Equal(t, 3, a.Run([]string{"check", "1"}))
	require.Equal(t, 300, got.pid)
	require.Contains(t, errb.String(), "no sandbox of lesson 1 runs")
}

func TestRedirectSaysPlainlyWhenNoneRuns(t *testing.T) {
	a, got, out, errb := reachApp(t, false, false, nil)
	require.Equal(t, cli.ExitUsage, a.Run([]string{"check", "2"}))
	require.Zero(t, got.pid)
	require.Empty(t, out.String())
	line := oneLine(t, errb.String())
	require.Contains(t, line, "no lesson sandbox of yours is running")
	require.Contains(t, line, "netlab lesson 2")

	a, _, _, errb = reachApp(t, false, false, []sandbox.Record{{PID: 9, Nonce: "n", Lesson: 2, Label: "lesson 2 (veth)", Foreign: true}})
	require.Equal(t, cli.ExitUsage, a.Run([]string{"watch", "2"}))
	require.Contains(t, oneLine(t, errb.String()), "started with sudo")

	a, _, _, errb = reachApp(t, false, false, nil)
	a.Sandboxes = func() ([]sandbox.Record, error) { return nil, errors.New("/tmp/netlab-1000 belongs to uid 0") }
	require.Equal(t, cli.ExitUsage, a.Run([]string{"hint", "2"}))
	require.Contains(t, oneLine(t, errb.String()), "belongs to uid 0")
}

// Root on the host grades the host as before; inside a sandbox netlab
// grades where it is; other commands never go anywhere.
func TestNoRedirect(t *testing.T) {
	recs := []sandbox.Record{rec(200, 2, "lesson 2 (veth)", time.Minute)}
	for _, tc := range []struct {
		privileged, inside bool
		args               []string
	}{
		{true, false, []string{"check", "2"}},
		{false, true, []string{"check", "2"}},
		{true, true, []string{"hint", "2"}},
		{false, false, []string{"solve", "2"}},
		{false, false, []string{"list"}},
		{false, false, []string{"check", "2", "--help"}},
	} {
		a, got, _, _ := reachApp(t, tc.privileged, tc.inside, recs)
		a.Run(tc.args)
		require.Zero(t, got.pid, "%+v", tc)
	}
}

// --host on a terminal without root: one sentence saying it needs root.
func TestHostNeedsRoot(t *testing.T) {
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptmx.Close()
	defer tty.Close()
	a, got, _, errb := reachApp(t, false, false, nil)
	a.Stdin, a.Stdout = tty, tty
	require.Equal(t, cli.ExitUsage, a.Run([]string{"lesson", "1", "--host"}))
	require.Zero(t, got.pid)
	require.Equal(t, "--host changes this machine's own network, which needs root: run `sudo netlab lesson 1 --host`, or leave out --host for a sandbox", oneLine(t, errb.String()))
}

// doctor finds the sbin tools a normal user's PATH lacks, as the lesson
// shell (whose PATH gains them) will.
func TestDoctorLooksInSbin(t *testing.T) {
	t.Setenv("PATH", "/nonexistent")
	checked := 0
	// A tool that lives only in sbin on Debian and Ubuntu.
	for _, tool := range []string{"ip", "sysctl"} {
		for _, d := range []string{"/usr/sbin", "/sbin"} {
			if _, err := os.Stat(filepath.Join(d, tool)); err == nil {
				got, err := cli.DoctorEnv().LookPath(tool)
				require.NoError(t, err)
				require.Contains(t, got, "sbin")
				checked++
			}
		}
	}
	require.NotZero(t, checked, "neither ip nor sysctl lives in an sbin directory here")
	_, err := cli.DoctorEnv().LookPath("netlab-no-such-tool")
	require.Error(t, err)
}

// While a redirected command runs in the learner's sandbox, the
// terminal's Ctrl-C is for the netlab inside: this one catches it and
// waits for that one's end (were it not caught, the test binary would
// die of it here).
func TestRedirectCatchesCtrlC(t *testing.T) {
	a, _, _, errb := reachApp(t, false, false, []sandbox.Record{rec(200, 2, "lesson 2 (veth)", time.Minute)})
	a.EnterSandbox = func(ctx context.Context, r sandbox.Record, args []string) (int, error) {
		require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
		select {
		case <-ctx.Done(): // caught: the inner netlab decides how the command ends
			return 4, nil
		case <-time.After(10 * time.Second):
			return 0, errors.New("SIGINT neither caught nor fatal")
		}
	}
	require.Equal(t, 4, a.Run([]string{"check", "2"}), errb.String())
}
