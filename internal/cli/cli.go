// Package cli wires netlab's commands (spf13/cobra) to the runner. It stays
// thin: parsing arguments, choosing output, mapping results to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// Exit codes (SPEC §2).
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// exitError carries an exit code; its message (if any) goes to stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, a...)}
}

// App holds what the commands share; tests replace its parts.
type App struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	// Lessons are the lessons to serve (default: the embedded ones).
	Lessons []*lessons.Lesson
	// OpenLab opens the kernel (default: kernel.New).
	OpenLab func() (runner.Lab, func(), error)
	// Privileged reports whether netlab may change and enter namespaces
	// (default: CAP_NET_ADMIN and CAP_SYS_ADMIN in the effective set).
	Privileged func() bool
	Shell      runner.Shell
	// ProbeTimeout bounds one ping or TCP probe.
	ProbeTimeout time.Duration
	// Doctor replaces doctor's view of the machine (tests; nil: the real one).
	Doctor *doctor.Env
}

// NewApp returns an App wired to the real machine.
func NewApp() *App {
	return &App{
		Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin,
		OpenLab: func() (runner.Lab, func(), error) {
			k, err := kernel.New()
			if err != nil {
				return nil, nil, err
			}
			return k, func() { k.Close() }, nil
		},
		Privileged:   HasNetAdmin,
		Shell:        runner.SysShell{},
		ProbeTimeout: checks.DefaultProbeTimeout,
	}
}

// HasNetAdmin reports whether the effective capability set holds
// CAP_NET_ADMIN and CAP_SYS_ADMIN (setns into a namespace needs the latter).
func HasNetAdmin() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	has := func(c int) bool { return data[c/32].Effective&(1<<(uint(c)%32)) != 0 }
	return has(unix.CAP_NET_ADMIN) && has(unix.CAP_SYS_ADMIN)
}

var errNotRoot = &exitError{code: ExitUsage, msg: "netlab needs CAP_NET_ADMIN: run it with sudo"}

// Run executes netlab with args and returns the exit code.
func (a *App) Run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := a.rootCommand()
	// Lessons are decoded only by commands that run: `--help`, `help` and
	// usage errors never pay for it (and a guided prompt's __tick starts
	// faster).
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Name() == "help" {
			return nil
		}
		if a.Lessons == nil && len(args) == 1 && oneLessonCommands[cmd.Name()] {
			if ls, ok := loadOne(args[0]); ok {
				a.Lessons = ls
				return nil
			}
		}
		return a.loadLessons()
	}
	root.SetArgs(a.withDefaultLesson(root, args))
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(a.Stderr, ee.msg)
		}
		return ee.code
	}
	// Cobra's own errors (unknown command, bad flag) are usage errors.
	fmt.Fprintln(a.Stderr, firstLine(err.Error()))
	return ExitUsage
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (a *App) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "netlab",
		Short: "A hands-on course in Linux network virtualization, graded from kernel state",
		Long: `netlab teaches network namespaces, veth pairs, bridges and iptables by doing.
You type real commands (ip netns, ip link, bridge, iptables); netlab grades
them by reading the kernel's state and by sending real packets.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return a.list(cmd.Context()) },
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v (see netlab --help)", err) })
	root.AddCommand(
		a.listCommand(),
		a.lessonCommand(),
		a.checkCommand(),
		a.hintCommand(),
		a.solveCommand(),
		a.resetCommand(),
		a.doctorCommand(),
		a.shellCommand(),
		a.watchCommand(),
		a.tickCommand(),
		a.tickdCommand(),
		a.selftestCommand(),
		a.selftestUnitCommand(),
		a.doctorTryCommand(),
	)
	return root
}

// lesson resolves a lesson argument (number or slug).
func (a *App) lesson(key string) (*lessons.Lesson, error) {
	l, err := lessons.Find(a.Lessons, key)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return l, nil
}

// lab opens the kernel after checking privileges.
func (a *App) lab() (runner.Lab, func(), error) {
	if !a.Privileged() {
		return nil, nil, errNotRoot
	}
	lab, closeFn, err := a.OpenLab()
	if err != nil {
		return nil, nil, usageErr("netlab cannot open the kernel's network state: %v", err)
	}
	return lab, closeFn, nil
}

func (a *App) grader(lab runner.Lab) *runner.Grader {
	return &runner.Grader{K: lab, ProbeTimeout: a.ProbeTimeout}
}

func exactlyOneLesson(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageErr("%s needs one lesson, by number or name (netlab list shows them)", cmd.Name())
	}
	return nil
}

// loadLessons decodes the embedded lessons unless the App already has some.
func (a *App) loadLessons() error {
	if a.Lessons != nil {
		return nil
	}
	ls, err := lessons.LoadEmbedded()
	if err != nil {
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("netlab's built-in lessons do not load: %v", err)}
	}
	a.Lessons = ls
	return nil
}

// oneLessonCommands need, given one lesson argument, that lesson and the
// ones it requires, and nothing else (solve builds what it requires).
var oneLessonCommands = map[string]bool{"check": true, "hint": true, "solve": true, "reset": true}

// loadOne decodes only the embedded lesson named by key (a number or a
// slug) and the lessons it requires: `netlab check 2` need not decode the
// other lessons. It finds the file by the embedded files' names
// (NN-slug.yaml) and reports false whenever anything is unusual (no such
// file, a name that does not match the lesson inside, a decoding error),
// leaving the full load to judge and to say what is wrong.
func loadOne(key string) ([]*lessons.Lesson, bool) {
	fsys := lessons.Embedded()
	find := func(key string) (string, bool) {
		pattern := "*-" + key + ".yaml"
		if n, err := strconv.Atoi(key); err == nil {
			pattern = fmt.Sprintf("%02d-*.yaml", n)
		}
		m, err := fs.Glob(fsys, pattern)
		return firstOf(m), err == nil && len(m) == 1
	}
	var out []*lessons.Lesson
	for len(out) < 8 {
		name, ok := find(key)
		if !ok {
			return nil, false
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, false
		}
		l, err := lessons.Parse(path.Join("lessons", name), data, checks.Default())
		if err != nil || name != fmt.Sprintf("%02d-%s.yaml", l.ID, l.Slug) {
			return nil, false
		}
		out = append(out, l)
		if l.Requires == "" {
			sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
			return out, true
		}
		key = l.Requires
	}
	return nil, false
}

func firstOf(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}
