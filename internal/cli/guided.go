package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/progress"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox"
)

// Environment of a guided shell (see guided.Session).
const (
	envLesson  = guided.EnvLesson
	envSession = guided.EnvSession
)

const tickProbeTimeout = guided.TickProbeTimeout

// guidedOpts are the interactive flags of `netlab lesson`.
type guidedOpts struct {
	host     bool
	fromStep int
	yes      bool
}

func (a *App) addGuidedFlags(cmd *cobra.Command) *guidedOpts {
	o := &guidedOpts{}
	cmd.Flags().BoolVar(&o.host, "host", false, a.t("flag-lesson-host", nil))
	cmd.Flags().IntVar(&o.fromStep, "from-step", 0, a.t("flag-lesson-from-step", nil))
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, a.t("flag-lesson-yes", nil))
	return o
}

// isTerminal reports whether r (a reader or a writer) is a terminal.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// runLesson is `netlab lesson N`: the guided shell on a terminal, the
// lesson's text otherwise: when stdin or stdout is not a terminal (a
// shell whose output vanished into `| tail` would look hung), and inside
// a guided shell, where a second sandbox would only confuse.
func (a *App) runLesson(ctx context.Context, l *lessons.Lesson, o *guidedOpts) error {
	if cur := os.Getenv(envSession); cur != "" {
		if o.host || o.fromStep > 0 {
			return a.usage("err-in-lesson-shell", i18n.Data{"ID": l.ID})
		}
		if in := os.Getenv(envLesson); in != "" && in != strconv.Itoa(l.ID) {
			fmt.Fprintf(a.Stderr, "%s\n\n", a.t("guided-other-lesson", i18n.Data{"In": in, "ID": l.ID}))
		}
		return a.showLesson(ctx, l)
	}
	if !isTerminal(a.Stdin) {
		return a.showLesson(ctx, l)
	}
	if !isTerminal(a.Stdout) {
		// Typed at a terminal, piped or redirected: the learner expects
		// a shell and gets text, so say why (stderr is still theirs).
		fmt.Fprintln(a.Stderr, a.t("guided-not-terminal", i18n.Data{"ID": l.ID}))
		return a.showLesson(ctx, l)
	}
	return a.guidedLesson(ctx, l, o)
}

// ask asks a yes/no question on the terminal; Enter means yes. It reads
// byte by byte so that nothing meant for the shell is swallowed.
func (a *App) ask(q string, yes bool) bool {
	if yes {
		fmt.Fprintf(a.Stdout, "%s [Y/n] y\n", q)
		return true
	}
	fmt.Fprintf(a.Stdout, "%s [Y/n] ", q)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := a.Stdin.Read(b)
		if n == 0 || err != nil || b[0] == '\n' || b[0] == '\r' {
			break
		}
		line = append(line, b[0])
	}
	ans := strings.ToLower(strings.TrimSpace(string(line)))
	return ans == "" || ans == "y" || ans == "yes"
}

func progressStore(warn io.Writer) *progress.Store {
	s := progress.Default()
	s.Warn = warn
	return s
}

func hostWarning(l *lessons.Lesson) string {
	var what []string
	if len(l.Owns.Namespaces) > 0 {
		what = append(what, "namespaces "+strings.Join(l.Owns.Namespaces, ", "))
	}
	if len(l.Owns.Links) > 0 {
		what = append(what, "links "+strings.Join(l.Owns.Links, ", "))
	}
	what = append(what, "addresses, routes, sysctls and firewall rules")
	return fmt.Sprintf("netlab: warning: --host runs this lesson in this machine's own network namespaces, not a sandbox.\n"+
		"  What you type changes the host: %s may be created or changed,\n"+
		"  and they stay after you leave. `netlab reset %d` removes what the lesson owns.", strings.Join(what, "; "), l.ID)
}

// guidedLesson runs the guided shell for l and returns when it exits.
func (a *App) guidedLesson(ctx context.Context, l *lessons.Lesson, o *guidedOpts) error {
	// A new sandbox needs no privilege (a user namespace makes its
	// owner root of it); --host, and a lesson inside `netlab shell`,
	// change the current namespaces and need the right to.
	if o.host && !a.Privileged() {
		return a.usage("err-host-needs-root", i18n.Data{"ID": l.ID})
	}
	if !o.host && sandbox.InShell() && !a.Privileged() {
		return a.notRoot()
	}
	n := len(l.Steps)
	if o.fromStep < 0 || o.fromStep > n {
		return a.usage("err-step-range", i18n.Data{"ID": l.ID, "N": n, "Flag": "from-step", "K": o.fromStep})
	}
	self, err := os.Executable()
	if err != nil {
		return a.usage("err-self-missing", i18n.Data{"Err": err})
	}
	// Inside `netlab shell` the sandbox already exists: use it.
	newSandbox := !o.host && !sandbox.InShell()
	store := progressStore(a.Stderr)
	prog, err := store.Load()
	if err != nil {
		fmt.Fprintln(a.Stderr, a.t("warn-progress-unavailable", i18n.Data{"Err": err}))
	}
	prev := prog.Lessons[l.Slug]

	replayTo, buildReq := 0, ""
	switch {
	case o.fromStep > 0:
		replayTo = o.fromStep - 1
	case newSandbox && prev.Done > 0 && prev.Done < n:
		if a.ask(a.t("guided-ask-replay", i18n.Data{"Done": prev.Done, "ID": l.ID}), o.yes) {
			replayTo = prev.Done
		}
	}
	if replayTo == 0 && newSandbox && l.Requires != "" {
		if req, err := lessons.Find(a.Lessons, l.Requires); err == nil &&
			a.ask(a.t("guided-ask-requires", i18n.Data{"ID": l.ID, "Req": req.ID, "Slug": req.Slug}), o.yes) {
			buildReq = strconv.Itoa(req.ID)
		}
	}
	if o.host {
		fmt.Fprintln(a.Stderr, hostWarning(l))
		a.recordHost(ctx)
	}

	sess, err := guided.NewSession(self)
	if sess != nil {
		sess.Lang = a.lang()
	}
	if err != nil {
		return a.usage("err-lesson-shell-prepare", i18n.Data{"Err": err})
	}
	defer sess.Close()
	var pre []guided.ReplayStep
	if buildReq != "" {
		pre = append(pre, guided.ReplayStep{Say: a.t("guided-say-build", i18n.Data{"Req": buildReq}), Cmd: "netlab solve " + buildReq})
	}
	if l.Troubleshoot() && newSandbox && replayTo == 0 {
		// A troubleshooting lesson starts from a broken network: build
		// round 1 (a random seed, printed; `netlab setup N --seed S` in
		// the shell starts over with a given one).
		pre = append(pre, guided.ReplayStep{Say: a.t("guided-say-break", nil), Cmd: fmt.Sprintf("netlab setup %d", l.ID)})
	}
	if replayTo > 0 {
		pre = append(pre, guided.ReplayStep{Say: a.t("guided-say-replay", i18n.Data{"Upto": replayTo}),
			Cmd: fmt.Sprintf("netlab solve %d --step %d", l.ID, replayTo)})
	}
	useLearnerShell()
	argv, env, err := sess.Shell(l, pre, a.Stderr)
	if err != nil {
		return a.usage("err-lesson-shell-prepare", i18n.Data{"Err": err})
	}

	w := a.styled(a.Stdout)
	fmt.Fprintf(w, "%s\n\n%s\n\n", a.t("show-title", i18n.Data{"ID": l.ID, "Slug": l.Slug, "Title": l.Title}), strings.TrimSpace(l.Intro))
	if !newSandbox && !o.host && sandbox.InShell() {
		fmt.Fprintln(w, a.t("guided-in-shell-sandbox", nil))
	}
	if newSandbox {
		fmt.Fprintln(w, a.t("guided-in-sandbox", nil))
	}
	fmt.Fprintln(w, a.t("guided-help", nil))
	fmt.Fprintln(w)

	if err := a.runShell(ctx, shellRun{self: self, sandbox: newSandbox, sess: sess, lesson: l}, argv, env); err != nil {
		return err
	}
	done, _ := sess.Pos()
	where := a.t("guided-left-host", nil)
	switch {
	case newSandbox:
		where = a.t("guided-left-sandbox", nil)
	case sandbox.InShell():
		where = a.t("guided-left-shell", nil)
	}
	fmt.Fprintln(w, "\n"+a.t("guided-left", i18n.Data{"ID": l.ID, "Slug": l.Slug, "Done": max(done, 0), "N": n, "Where": where}))
	return nil
}

// useLearnerShell: under sudo the lesson shell is the learner's own
// login shell, not root's (which sudo put in $SHELL).
func useLearnerShell() {
	if sh := sandbox.LearnerShell(); sh != "" {
		os.Setenv("SHELL", sh)
	}
}

// shellRun says where runShell runs the shell.
type shellRun struct {
	self    string
	sandbox bool            // in a new sandbox (else right here)
	sess    *guided.Session // its directory: the shell's user must own it
	lesson  *lessons.Lesson // nil: the bare shell
}

// runShell runs argv on the terminal, in a new sandbox or right here.
func (a *App) runShell(ctx context.Context, r shellRun, argv, env []string) error {
	// The shell owns the terminal: Ctrl-C is for the learner's commands,
	// so the shell must not die with netlab's own (signal-bound) context.
	sctx := context.WithoutCancel(ctx)
	var cmd *exec.Cmd
	var sb *sandbox.Sandbox
	if r.sandbox {
		o := sandbox.Options{Self: r.self, Argv: argv, Shell: true, Label: "netlab shell"}
		if r.sess != nil {
			o.Own = []string{r.sess.Dir}
		}
		if r.lesson != nil {
			o.Lesson, o.Label = r.lesson.ID, fmt.Sprintf("lesson %d (%s)", r.lesson.ID, r.lesson.Slug)
		}
		var err error
		if sb, err = sandbox.New(sctx, o); err != nil {
			return usageErr("%v", sandbox.ExplainIn(a.lang(), err))
		}
		cmd = sb.Cmd
	} else {
		cmd = exec.CommandContext(sctx, argv[0], argv[1:]...)
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, a.shellEnv(env)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.Stdin, a.Stdout, a.Stderr
	// A closed terminal hangs up the shell too: outlive it long enough to
	// remove the session. (Notify, not Ignore: an ignored signal would stay
	// ignored in the shell across exec.)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var err error
	if sb != nil {
		if err = sb.Start(); err != nil {
			return usageErr("%v", err)
		}
		err = sb.Wait()
	} else {
		err = cmd.Run()
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		if r.sandbox {
			return a.usage("err-sandbox-shell-start", i18n.Data{"Err": err})
		}
		return a.usage("err-shell-start", i18n.Data{"Err": err})
	}
	// The shell's own exit status is the learner's last command's; leaving
	// a lesson is not a failure.
	return nil
}

// tickCommand is the hidden per-prompt hook of the guided shell: grade up
// to the current step, print what changed (stderr, the terminal), save
// the position, and print the prompt's position label (stdout, captured
// by the shell).
func (a *App) tickCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__tick",
		Hidden: true,
		Args:   a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, closeFn, err := a.ticker(false)
			if err != nil {
				fmt.Fprint(a.Stdout, "?")
				return nil
			}
			defer closeFn()
			fmt.Fprint(a.Stdout, t.Tick(cmd.Context()))
			return nil
		},
	}
}

// ticker is the per-prompt re-grade of the guided shell this netlab runs
// in (NETLAB_SESSION, NETLAB_LESSON); fresh opens the kernel anew for each
// grade (a long-running server), else once.
func (a *App) ticker(fresh bool) (*guided.Ticker, func(), error) {
	sess := os.Getenv(envSession)
	l, err := a.lesson(os.Getenv(envLesson))
	if err != nil || sess == "" {
		return nil, nil, a.usage("err-lesson-shell-only", nil)
	}
	if !a.Privileged() {
		return nil, nil, a.notRoot()
	}
	probe := min(a.ProbeTimeout, tickProbeTimeout)
	var g guided.Grader = guided.FreshGrader{Open: a.OpenLab, ProbeTimeout: probe}
	closeFn := func() {}
	if !fresh {
		lab, c, err := a.OpenLab()
		if err != nil {
			return nil, nil, err
		}
		g, closeFn = &runner.Grader{K: lab, ProbeTimeout: probe, Lang: a.lang()}, c
	}
	store := progressStore(a.Stderr)
	t := &guided.Ticker{
		Session: guided.OpenSession(sess),
		Lesson:  l,
		Grader:  g,
		Print:   guided.Printer{Out: a.styled(a.Stderr), Lessons: a.Lessons, Verbose: true, Lang: a.lang()},
		Record: func(done int) {
			if err := store.Record(l.Slug, done, len(l.Steps)); err != nil {
				fmt.Fprintln(a.Stderr, a.t("warn-progress-not-saved", i18n.Data{"Err": err}))
			}
		},
	}
	if f, ok := a.Stderr.(*os.File); ok {
		t.Width = func() int { return guided.TerminalWidth(f) }
	}
	return t, closeFn, nil
}

// shellCommand is `netlab shell`: the bare sandbox.
func (a *App) shellCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "shell",
		Short: a.t("cmd-shell", nil),
		Args:  a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Executable()
			if err != nil {
				return a.usage("err-self-missing", i18n.Data{"Err": err})
			}
			sess, err := guided.NewSession(self)
			if sess != nil {
				sess.Lang = a.lang()
			}
			if err != nil {
				return a.usage("err-shell-prepare", i18n.Data{"Err": err})
			}
			defer sess.Close()
			useLearnerShell()
			argv, env, err := sess.Shell(nil, nil, a.Stderr)
			if err != nil {
				return a.usage("err-shell-prepare", i18n.Data{"Err": err})
			}
			fmt.Fprintln(a.Stdout, a.t("shell-banner", nil))
			return a.runShell(cmd.Context(), shellRun{self: self, sandbox: true, sess: sess}, argv, env)
		},
	}
}

// withDefaultLesson lets commands typed inside a guided shell omit the
// lesson: `netlab hint` means `netlab hint $NETLAB_LESSON`.
func (a *App) withDefaultLesson(root *cobra.Command, args []string) []string {
	key := os.Getenv(envLesson)
	if key == "" {
		return args
	}
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		return args
	}
	switch cmd.Name() {
	case "check", "hint", "solve", "reset", "lesson", "watch":
	default:
		return args
	}
	// Parse a throwaway copy of the flags to see whether a lesson was given.
	fs := cmd.Flags()
	probe := *fs
	probe.Usage = func() {}
	if err := probe.Parse(rest); err != nil || probe.NArg() > 0 {
		return args
	}
	if f := fs.Lookup("all"); f != nil && cmd.Name() == "reset" {
		for _, r := range rest {
			if r == "--all" {
				return args
			}
		}
	}
	out := append([]string{}, args...)
	return append(out, key)
}
