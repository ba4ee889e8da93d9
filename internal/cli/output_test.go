package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/runner"
)

// sentence asserts that s is one plain line.
func sentence(t *testing.T, s string) string {
	t.Helper()
	require.True(t, strings.HasSuffix(s, "\n"), "stderr %q does not end in a newline", s)
	line := strings.TrimSuffix(s, "\n")
	require.NotContains(t, line, "\n", "stderr is more than one line:\n%s", s)
	require.NotContains(t, line, "goroutine")
	require.NotContains(t, line, "strconv")
	return line
}

func fakeDoctor() *doctor.Env {
	return &doctor.Env{
		Euid:     func() int { return 0 },
		Caps:     func() (bool, bool) { return true, true },
		ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
		ReadDir:  func(string) ([]string, error) { return nil, os.ErrNotExist },
		LookPath: func(n string) (string, error) { return "/usr/sbin/" + n, nil },
		Output: func(context.Context, string, ...string) ([]byte, error) {
			return []byte("iptables v1.8.9 (nf_tables)"), nil
		},
		Try: func(context.Context) (doctor.Tries, error) { return doctor.Tries{}, nil },
	}
}

// recShell records the solution commands and writes to out as a command
// would, failing as a command does when its output cannot be written.
// It never runs anything.
type recShell struct{ ran []string }

func (s *recShell) Run(_ context.Context, cmd string, out io.Writer) error {
	s.ran = append(s.ran, cmd)
	_, err := io.WriteString(out, "output of "+cmd+"\n")
	return err
}

// Output that cannot be written is exit 2 and one sentence, for every
// command, whatever the command itself concluded (SPEC §4).
func TestUnwritableStdoutIsExit2(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	closed, err := os.CreateTemp(t.TempDir(), "closed")
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	for _, args := range [][]string{
		{"list"}, {}, {"doctor"}, {"doctor", "--json"}, {"hint", "1"}, {"reset", "1"}, {"reset", "--all"},
		{"check", "1"}, {"check", "demo"}, {"check", "demo", "--json"}, {"check", "--all", "--json"},
		{"solve", "demo"}, {"lesson", "1"}, {"--help"},
	} {
		for _, dest := range []string{"/dev/full", "closed"} {
			t.Run(strings.Join(args, "_")+"/"+dest, func(t *testing.T) {
				a, _, errOut := fakeApp(t)
				a.Doctor = fakeDoctor()
				a.Shell = &recShell{}
				a.Stdin = strings.NewReader("")
				f := closed
				if dest == "/dev/full" {
					f, err = os.OpenFile("/dev/full", os.O_WRONLY, 0)
					require.NoError(t, err)
					defer f.Close()
				}
				a.Stdout = f
				require.Equal(t, ExitUsage, a.Run(args), "stderr: %s", errOut)
				line := sentence(t, errOut.String())
				require.True(t, strings.HasPrefix(line, "netlab could not write its output: "), line)
				if dest == "/dev/full" {
					require.Contains(t, line, "no space left on device")
				}
				require.Equal(t, f, a.Stdout, "Run gives the App its stdout back")
			})
		}
	}
}

// The same commands, with stdout that works, do not report an output error.
func TestWritableStdoutIsNotAnError(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, args := range [][]string{{"list"}, {"doctor"}, {"hint", "1"}} {
		a, out, errOut := fakeApp(t)
		a.Doctor = fakeDoctor()
		require.Equal(t, ExitOK, a.Run(args), "%v: %s", args, errOut)
		require.NotEmpty(t, out.String())
		require.NotContains(t, errOut.String(), "could not write")
	}
}

// A report file that cannot be written is exit 2 and one sentence.
func TestUnwritableReportFile(t *testing.T) {
	for _, flag := range []string{"--junit", "--classroom"} {
		a, _, errOut := fakeApp(t)
		require.Equal(t, ExitUsage, a.Run([]string{"check", "demo", flag, "/dev/full"}))
		require.Contains(t, sentence(t, errOut.String()), "netlab cannot write the report /dev/full: ")
		a, _, errOut = fakeApp(t)
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		require.NoError(t, err)
		a.Stdout = f
		require.Equal(t, ExitUsage, a.Run([]string{"check", "demo", flag, "-"}))
		f.Close()
		require.Contains(t, sentence(t, errOut.String()), "no space left on device")
	}
}

// Flags out of range or of the wrong type: one plain sentence, exit 2,
// before anything runs.
func TestFlagValidation(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "1", "--probe-timeout", "1ns"}, "--probe-timeout must be at least 10ms, not 1ns"},
		{[]string{"check", "1", "--probe-timeout", "0"}, "--probe-timeout must be at least 10ms, not 0"},
		{[]string{"check", "1", "--probe-timeout", "-1s"}, "--probe-timeout must be at least 10ms, not -1s"},
		{[]string{"check", "1", "--probe-timeout", "9ms"}, "--probe-timeout must be at least 10ms, not 9ms"},
		{[]string{"check", "1", "--probe-timeout", "soon"}, `--probe-timeout takes a duration like 500ms or 2s, not "soon"`},
		{[]string{"check", "1", "--junit", ""}, "--junit needs a file name (or - for standard output)"},
		{[]string{"check", "1", "--classroom", ""}, "--classroom needs a file name (or - for standard output)"},
		{[]string{"check", "1", "--classroom50", ""}, "--classroom50 needs a file name (or - for standard output)"},
		{[]string{"selftest", "--probe-timeout", "1ns"}, "--probe-timeout must be at least 10ms, not 1ns"},
		{[]string{"check", "1", "--junit="}, "--junit needs a file name (or - for standard output)"},
		{[]string{"solve", "1", "--step", "0"}, "lesson 1 has steps 1 to 3; --step 0 is not one of them"},
		{[]string{"solve", "1", "--step", "-1"}, "lesson 1 has steps 1 to 3; --step -1 is not one of them"},
		{[]string{"solve", "1", "--step", "4"}, "lesson 1 has steps 1 to 3; --step 4 is not one of them"},
		{[]string{"solve", "1", "--step", "abc"}, `--step takes a whole number, not "abc"`},
		{[]string{"solve", "1", "--step", "99999999999999999999"}, `--step takes a whole number, not "99999999999999999999"`},
		{[]string{"lesson", "1", "--from-step", "0"}, "lesson 1 has steps 1 to 3; --from-step 0 is not one of them"},
		{[]string{"lesson", "1", "--from-step", "99999999999"}, "lesson 1 has steps 1 to 3; --from-step 99999999999 is not one of them"},
		{[]string{"lesson", "1", "--from-step", "x"}, `--from-step takes a whole number, not "x"`},
	} {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			a, out, errOut := fakeApp(t)
			sh := &recShell{}
			a.Shell = sh
			a.Stdin = strings.NewReader("")
			ran := false
			a.OpenLab = func() (runner.Lab, func(), error) { ran = true; return kerneltest.New(), func() {}, nil }
			require.Equal(t, ExitUsage, a.Run(c.args))
			require.Equal(t, c.want, sentence(t, errOut.String()))
			require.Empty(t, out.String())
			require.False(t, ran, "nothing runs after a bad flag")
			require.Empty(t, sh.ran)
		})
	}
	// In range they are accepted.
	a, _, errOut := fakeApp(t)
	require.NotEqual(t, ExitUsage, a.Run([]string{"check", "demo", "--probe-timeout", "10ms"}), errOut.String())
	require.Equal(t, minProbeTimeout, a.ProbeTimeout)
}

// Names from the kernel reach the terminal escaped: a namespace named
// with an escape sequence cannot drive the terminal, and one with a
// newline is shown whole.
func TestKernelNamesAreEscaped(t *testing.T) {
	a, out, _ := fakeApp(t)
	f := kerneltest.New()
	f.Add("evil\x1b]0;pwned\x07\x1b[2J")
	f.Add("two\nlines")
	a.OpenLab = func() (runner.Lab, func(), error) { return f, func() {}, nil }
	require.Equal(t, ExitFail, a.Run([]string{"check", "1"}))
	s := out.String()
	require.Contains(t, s, `evil\x1b]0;pwned\a\x1b[2J`)
	require.Contains(t, s, `two\nlines`)
	for _, r := range s {
		if r != '\n' {
			require.False(t, r < 0x20 || r == 0x7f, "raw control character %q in:\n%s", r, s)
		}
	}
}

// `netlab list` with a FIFO planted as progress.json does not hang: it
// warns and lists.
func TestListWithFIFO(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	require.NoError(t, os.MkdirAll(filepath.Join(state, "netlab"), 0o755))
	require.NoError(t, unix.Mkfifo(filepath.Join(state, "netlab", "progress.json"), 0o644))
	a, out, errOut := fakeApp(t)
	require.Equal(t, ExitOK, a.Run([]string{"list"}))
	require.Contains(t, errOut.String(), "progress.json is not a regular file")
	require.Contains(t, out.String(), "Next: netlab lesson 1")
}

// A hint (which may quote a why) is escaped too.
func TestHintIsEscaped(t *testing.T) {
	l, err := lessonyaml.Parse("esc.yaml", []byte(strings.Replace(demoLesson, "hints: [h]", `hints: ["look at \e]0;x\a ns\nlist"]`, 1)), checks.Default())
	require.NoError(t, err)
	a, out, _ := fakeApp(t)
	a.Lessons = []*lessons.Lesson{l}
	require.Equal(t, ExitOK, a.Run([]string{"hint", "demo"}))
	require.Contains(t, out.String(), `  hint: look at \x1b]0;x\a ns\nlist`+"\n")
}

// quietEvents is a kernel event source where nothing ever happens.
type quietEvents struct{ ch chan kernel.Event }

func (q quietEvents) Events() <-chan kernel.Event { return q.ch }
func (q quietEvents) Close() error                { return nil }

// `netlab watch` whose output cannot be written stops (it would wait for
// kernel events forever) and says why.
func TestWatchStopsWhenStdoutFails(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	orig := WatchEvents
	WatchEvents = func() (kernel.EventSource, error) { return quietEvents{make(chan kernel.Event)}, nil }
	defer func() { WatchEvents = orig }()
	a, _, errOut := fakeApp(t)
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	a.Stdout = f
	code := make(chan int, 1)
	go func() { code <- a.Run([]string{"watch", "1"}) }()
	select {
	case c := <-code:
		require.Equal(t, ExitUsage, c)
	case <-time.After(30 * time.Second):
		t.Fatal("watch ran on with an unwritable stdout")
	}
	require.Contains(t, sentence(t, errOut.String()), "netlab could not write its output: ")
}

// escShell prints what a command might: text with an escape sequence.
type escShell struct{}

func (escShell) Run(_ context.Context, _ string, out io.Writer) error {
	_, err := io.WriteString(out, "link \x1b]0;pwned\x07 up\n")
	return err
}

// reset's and solve's output (names and command output from the kernel)
// reaches the terminal escaped.
func TestResetAndSolveOutputEscaped(t *testing.T) {
	evil := "x\x1b]0;t\x07"
	l, err := lessonyaml.Parse("esc.yaml", []byte(strings.Replace(demoLesson, "steps:", "owns:\n  namespaces: [\"x\\e]0;t\\a\"]\nsteps:", 1)), checks.Default())
	require.NoError(t, err)
	require.Equal(t, []string{evil}, l.Owns.Namespaces)
	a, out, errOut := fakeApp(t)
	f := kerneltest.New()
	f.Add(evil)
	a.OpenLab = func() (runner.Lab, func(), error) { return f, func() {}, nil }
	a.Lessons = []*lessons.Lesson{l}
	// Removed or left, reset names it: escaped.
	require.NotEqual(t, ExitUsage, a.Run([]string{"reset", "demo"}), errOut.String())
	require.Contains(t, out.String(), ` x\x1b]0;t\a`)
	require.NotContains(t, out.String(), "\x1b")

	a, out, errOut = fakeApp(t)
	a.Shell = escShell{}
	require.NotEqual(t, ExitUsage, a.Run([]string{"solve", "demo"}), errOut.String())
	require.Contains(t, out.String(), `link \x1b]0;pwned\a up`+"\n")
	require.NotContains(t, out.String(), "\x1b")
}
