// Package cli wires netlab's commands (spf13/cobra) to the runner. It stays
// thin: parsing arguments, choosing output, mapping results to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/doctor"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox"
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
	// Lessons are the lessons to serve (default: the embedded ones, or
	// for `check N` and `hint N` those that grading N needs, see
	// loadLessons).
	Lessons []*lessons.Lesson
	// Checks are the check kinds the embedded lessons are built with
	// (default: checks.Default()).
	Checks *checks.Registry
	// OpenLab opens the kernel (default: kernel.New).
	OpenLab func() (runner.Lab, func(), error)
	// Privileged reports whether netlab may change and enter namespaces
	// (default: CAP_NET_ADMIN and CAP_SYS_ADMIN in the effective set, over
	// the current network namespace: root inside a sandbox is privileged).
	Privileged func() bool
	// InSandbox reports whether netlab runs inside its own sandbox
	// (default: sandbox.Inside, read from the kernel).
	InSandbox func() bool
	// Sandboxes lists the learner's running lesson sandboxes (default:
	// sandbox.Running); nil: check, hint and watch never look for one.
	Sandboxes func() ([]sandbox.Record, error)
	// EnterSandbox runs `netlab args...` inside a running sandbox and
	// returns its exit code (default: through nsenter).
	EnterSandbox func(ctx context.Context, r sandbox.Record, args []string) (int, error)
	// SandboxAvailable says why no sandbox can be made here, or nil
	// (default: sandbox.Available; nil: assume it can).
	SandboxAvailable func() error
	Shell            runner.Shell
	// ProbeTimeout bounds one ping or TCP probe.
	ProbeTimeout time.Duration
	// Doctor replaces doctor's view of the machine (tests; nil: the real one).
	Doctor *doctor.Env

	// Lang is the language of this run (SPEC §5), chosen by Run from
	// --lang and the locale before any command runs.
	Lang i18n.Lang

	// NoColor is --no-color: no colour even on a terminal (style.Enabled
	// also honours NO_COLOR and TERM=dumb).
	NoColor bool

	// out is stdout's error record while Run runs.
	out *output
	// ahead is the lab opened ahead of a grade (see prepareLab).
	ahead *labAhead
}

// NewApp returns an App wired to the real machine.
func NewApp() *App {
	a := &App{
		Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin,
		OpenLab: func() (runner.Lab, func(), error) {
			k, err := kernel.New()
			if err != nil {
				return nil, nil, err
			}
			return k, func() { k.Close() }, nil
		},
		Privileged:       HasNetAdmin,
		InSandbox:        sandbox.Inside,
		Sandboxes:        sandbox.Running,
		SandboxAvailable: sandbox.Available,
		Shell:            runner.SysShell{},
		ProbeTimeout:     checks.DefaultProbeTimeout,
	}
	a.EnterSandbox = a.enterSandbox
	return a
}

// HasNetAdmin reports whether netlab may change its network namespace:
// CAP_NET_ADMIN and CAP_SYS_ADMIN (setns needs the latter) in the
// effective set, held in a user namespace that owns the current network
// namespace. Root inside a sandbox has them; a user outside does not.
func HasNetAdmin() bool { return canAdminNet() }

// canAdminNet asks the kernel once per process: a command asks more than
// once, and the answer cannot change under it. (A lazy.Value: a package-level
// sync.OnceValue would allocate at every start.)
func canAdminNet() bool { return canAdminNetValue.Get(sandbox.CanAdminNet) }

var canAdminNetValue lazy.Value[bool]

// notRoot is the error of a command that needs privileges it lacks.
func (a *App) notRoot() error { return a.usage("err-not-root", nil) }

var errNotRoot = &exitError{code: ExitUsage, msg: "netlab changes this machine's own network only as root: run it inside a lesson shell (netlab lesson N, netlab shell), or with sudo"}

// Run executes netlab with args and returns the exit code.
func (a *App) Run(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C and SIGTERM end a command that runs (see PersistentPreRunE):
	// catching them costs a thread, which `--help` and usage errors need
	// not pay for.
	stopSignals := func() {}
	defer func() { stopSignals() }()
	// The language first: the commands' help and every message below
	// are said in it.
	if code := a.useLang(args); code >= 0 {
		return code
	}
	root := a.rootFor(args)
	args = a.withDefaultLesson(root, args)
	// Run in the learner's sandbox, the netlab there writes to this very
	// stdout (a terminal stays a terminal) and answers for its own output.
	if code, ok := a.redirect(ctx, root, args); ok {
		return code
	}
	// Every command writes through one writer that remembers the first
	// failed write: output that could not be written (>/dev/full, a
	// closed stdout) is exit 2, whatever the command concluded.
	out := newOutput(a.Stdout)
	defer func(orig io.Writer) { a.Stdout, a.out = orig, nil }(a.Stdout)
	a.Stdout, a.out = out.w, out
	// Lessons are decoded only by commands that run: `--help`, `help` and
	// usage errors never pay for it.
	root.PersistentPreRunE = func(cmd *cobra.Command, cmdArgs []string) error {
		keys, fast := gradedOnly(cmd, cmdArgs), quick(cmd, cmdArgs)
		if !fast {
			sctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			cmd.SetContext(sctx)
			stopSignals = stop
		}
		if cmd.Name() == "help" {
			return nil
		}
		if fast {
			// Its flags are all checked by now (a report file's name
			// is checked by the command itself).
			a.prepareLab(cmd.Context(), keys[0])
		}
		return a.loadLessons(keys...)
	}
	defer a.dropAhead()
	a.versionAsked(root, args)
	root.SetArgs(args)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	if werr := out.err(); werr != nil {
		fmt.Fprintln(a.Stderr, a.t("err-output", i18n.Data{"Err": werr}))
		return ExitUsage
	}
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

// quick reports whether cmd, run with args, only reads the kernel for
// one lesson and ends within a probe's timeout (`check N`, `hint N`: the
// commands gradedOnly names): Ctrl-C stops it as it stops any
// command-line tool (what it holds, the kernel lets go of), instead of
// being caught. Catching signals costs a thread and about 0.2 ms, and
// `check` runs after every step. A check that writes a report file
// (--junit, --classroom) still catches them, to end with its report
// written; so does every other command, and a wait for another netlab's
// progress lock (progress.Lock).
func quick(cmd *cobra.Command, args []string) bool {
	if gradedOnly(cmd, args) == nil {
		return false
	}
	for _, f := range []string{"junit", "classroom", "classroom50"} {
		if cmd.Flags().Changed(f) {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// rootCommand is netlab's command tree, every command in it.
func (a *App) rootCommand() *cobra.Command { return a.rootFor(nil) }

// rootFor is the command tree that running args needs: when args start
// with a command's name, that command alone, since building all of them
// (their flags, their help in the learner's language) cost a tenth of a
// millisecond of CPU of every `netlab check`. Anything else (a flag first, help,
// completion, a typo that cobra suggests a command for) gets them all.
func (a *App) rootFor(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "netlab",
		Short:         a.t("cmd-root", nil),
		Long:          a.t("cmd-root-long", nil),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          a.noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return a.list(cmd.Context()) },
	}
	a.withVersionAndCompletion(root)
	root.PersistentFlags().BoolVar(&a.NoColor, "no-color", false, a.t("flag-no-color", nil))
	root.PersistentFlags().String(langFlag, "", a.t("flag-lang", nil))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return a.flagError(err) })
	cmds := a.commands()
	for _, c := range cmds {
		if len(args) > 0 && args[0] == c.name {
			cmds = []namedCommand{c}
			// A tree for one of netlab's commands is never asked for
			// cobra's `completion`: building it (its help texts are
			// formatted on every run) is 1% of a `netlab check`.
			root.CompletionOptions.DisableDefaultCmd = true
			break
		}
	}
	for _, c := range cmds {
		root.AddCommand(c.make())
	}
	if a.lang() != i18n.EN {
		a.localizeCobra(root)
	}
	return root
}

// namedCommand is a command and the name it is typed by, known without
// building it (TestCommandNames holds the two together).
type namedCommand struct {
	name string
	make func() *cobra.Command
}

// commands are netlab's commands, in the order of its help.
func (a *App) commands() []namedCommand {
	return []namedCommand{
		{"list", a.listCommand},
		{"lesson", a.lessonCommand},
		{"check", a.checkCommand},
		{"hint", a.hintCommand},
		{"solve", a.solveCommand},
		{"setup", a.setupCommand},
		{"reset", a.resetCommand},
		{"doctor", a.doctorCommand},
		{"shell", a.shellCommand},
		{"watch", a.watchCommand},
		{"__tick", a.tickCommand},
		{"__tickd", a.tickdCommand},
		{"selftest", a.selftestCommand},
		{selftestUnitCmd, a.selftestUnitCommand},
		{doctorTryCmd, a.doctorTryCommand},
		{"version", a.versionCommand},
		{"class", a.classCommand},
	}
}

// lesson resolves a lesson argument (number or slug).
func (a *App) lesson(key string) (*lessons.Lesson, error) {
	if err := a.loadLessons(); err != nil {
		return nil, err
	}
	l, err := lessons.Find(a.Lessons, key)
	if err != nil {
		var valid []string
		for _, l := range a.Lessons {
			valid = append(valid, fmt.Sprintf("%d %s", l.ID, l.Slug))
		}
		return nil, a.usage("lesson-unknown", i18n.Data{"Key": fmt.Sprintf("%q", key), "Lessons": strings.Join(valid, ", ")})
	}
	return l, nil
}

// lab opens the kernel after checking privileges.
func (a *App) lab() (runner.Lab, func(), error) {
	if !a.Privileged() {
		return nil, nil, a.notRoot()
	}
	lab, closeFn, err := a.openLab()
	if err != nil {
		return nil, nil, a.usage("err-kernel-open", i18n.Data{"Err": err})
	}
	return lab, closeFn, nil
}

func (a *App) grader(lab runner.Lab) *runner.Grader {
	return &runner.Grader{K: lab, ProbeTimeout: a.ProbeTimeout, Lessons: a.Lessons, Shell: a.Shell, Lang: a.lang()}
}

func (a *App) exactlyOneLesson(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return a.usage("err-one-lesson", i18n.Data{"Cmd": cmd.Name()})
	}
	return nil
}

// loadLessons builds the embedded lessons unless the App already has
// some: every lesson, or with keys only the lessons that grading those
// needs (lessons.CompiledFor), so that `check 2` does not build the
// checks of seven other lessons. A.Lessons then holds no lesson whose
// checks are not built.
func (a *App) loadLessons(keys ...string) error {
	if a.Lessons != nil {
		return nil
	}
	reg := a.Checks
	if reg == nil {
		reg = checks.Default()
	}
	var ls []*lessons.Lesson
	var err error
	if len(keys) > 0 {
		ls, err = lessons.CompiledFor(reg, keys...)
	} else {
		ls, err = lessons.Compiled(reg)
	}
	if err == nil && a.Lang != "" {
		ls, err = lessons.Localize(ls, a.Lang)
	}
	if err != nil {
		return a.usage("err-lessons-load", i18n.Data{"Err": err})
	}
	a.Lessons = ls
	return nil
}

// gradedOnly is the lesson that cmd grades and does nothing else with,
// for `check N` and `hint N`, the commands a learner runs after every
// step: they need only the lessons that grading N needs. Every other
// command (and `check --all`) gets every lesson: list, reset, solve and
// the guided shell look at all of them.
func gradedOnly(cmd *cobra.Command, args []string) []string {
	if len(args) != 1 || !cmd.HasParent() || cmd.Parent().HasParent() {
		return nil
	}
	switch cmd.Name() {
	case "check":
		if cmd.Flags().Changed("all") {
			return nil
		}
		return args
	case "hint":
		return args
	}
	return nil
}

// t is a message of netlab's in the run's language.
func (a *App) t(id string, data i18n.Data) string { return i18n.T(a.lang(), id, data) }

// usage is a usage or environment error (exit 2) saying message id in
// the run's language.
func (a *App) usage(id string, data i18n.Data) error {
	return &exitError{code: ExitUsage, msg: a.t(id, data)}
}
