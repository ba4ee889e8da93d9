package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/progress"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox"
)

// Environment of a guided shell: which lesson, and the session directory
// that holds the learner's position between two prompts.
const (
	envLesson  = "NETLAB_LESSON"
	envSession = "NETLAB_SESSION"
)

// tickProbeTimeout bounds one probe during the per-command re-grade. The
// learner's current step may hold a ping that cannot succeed yet; waiting
// a full second at every prompt would make the shell feel broken.
const tickProbeTimeout = 400 * time.Millisecond

// guidedOpts are the interactive flags of `netlab lesson`.
type guidedOpts struct {
	host     bool
	fromStep int
	yes      bool
}

func (a *App) addGuidedFlags(cmd *cobra.Command) *guidedOpts {
	o := &guidedOpts{}
	cmd.Flags().BoolVar(&o.host, "host", false, "run the guided lesson in this machine's own namespaces (no sandbox: it changes the host's network)")
	cmd.Flags().IntVar(&o.fromStep, "from-step", 0, "start at step K: replay the reference solutions of steps 1..K-1 first")
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "accept netlab's offers (replay done steps, build a required lesson) without asking")
	return o
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// runLesson is `netlab lesson N`: the guided shell on a terminal, the
// lesson's text otherwise (and inside a guided shell, where a second
// sandbox would only confuse).
func (a *App) runLesson(ctx context.Context, l *lessons.Lesson, o *guidedOpts) error {
	if !isTerminal(a.Stdin) || os.Getenv(envSession) != "" {
		if os.Getenv(envSession) != "" && (o.host || o.fromStep > 0) {
			return usageErr("you are already in a guided lesson shell: type exit first, then start lesson %d", l.ID)
		}
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
	if !a.Privileged() {
		return errNotRoot
	}
	n := len(l.Steps)
	if o.fromStep < 0 || o.fromStep > n {
		return usageErr("lesson %d has steps 1 to %d; --from-step %d is not one of them", l.ID, n, o.fromStep)
	}
	self, err := os.Executable()
	if err != nil {
		return usageErr("netlab cannot find its own binary: %v", err)
	}
	// Inside `netlab shell` the sandbox already exists: use it.
	newSandbox := !o.host && !sandbox.Inside()
	store := progressStore(a.Stderr)
	prog, err := store.Load()
	if err != nil {
		fmt.Fprintf(a.Stderr, "netlab: warning: progress is not available: %v\n", err)
	}
	prev := prog.Lessons[l.Slug]

	replayTo, buildReq := 0, ""
	switch {
	case o.fromStep > 0:
		replayTo = o.fromStep - 1
	case newSandbox && prev.Done > 0 && prev.Done < n:
		if a.ask(fmt.Sprintf("You finished steps 1-%d of lesson %d before. This sandbox starts empty: replay their reference solutions?", prev.Done, l.ID), o.yes) {
			replayTo = prev.Done
		}
	}
	if replayTo == 0 && newSandbox && l.Requires != "" {
		if req, err := lessons.Find(a.Lessons, l.Requires); err == nil &&
			a.ask(fmt.Sprintf("Lesson %d starts from lesson %d (%s) finished. Build that state in the sandbox now?", l.ID, req.ID, req.Slug), o.yes) {
			buildReq = strconv.Itoa(req.ID)
		}
	}
	if o.host {
		fmt.Fprintln(a.Stderr, hostWarning(l))
		a.recordHost(ctx)
	}

	sess, err := newSession(self)
	if err != nil {
		return usageErr("netlab cannot prepare the lesson shell: %v", err)
	}
	defer os.RemoveAll(sess)
	var pre []string
	if buildReq != "" {
		pre = append(pre, "netlab solve "+buildReq)
	}
	if replayTo > 0 {
		pre = append(pre, fmt.Sprintf("echo 'netlab: replaying the reference solutions of steps 1-%d'", replayTo),
			fmt.Sprintf("netlab solve %d --step %d", l.ID, replayTo))
	}
	if err := makeFIFOs(sess); err != nil {
		return usageErr("netlab cannot prepare the lesson shell: %v", err)
	}
	argv, env, err := shellSetup(sess, l, pre, a.Stderr)
	if err != nil {
		return usageErr("netlab cannot prepare the lesson shell: %v", err)
	}
	env = append(env, envLesson+"="+strconv.Itoa(l.ID))

	w := a.Stdout
	fmt.Fprintf(w, "Lesson %d %s: %s\n\n%s\n\n", l.ID, l.Slug, l.Title, strings.TrimSpace(l.Intro))
	if !newSandbox && !o.host && sandbox.Inside() {
		fmt.Fprintln(w, "You are in the sandbox of `netlab shell`: the lesson runs here, and leaving the lesson keeps what you built until you leave the sandbox.")
	}
	if newSandbox {
		fmt.Fprintln(w, "You are in a private sandbox: its own network namespace and its own /run/netns. Nothing you do here touches the host, and all of it is gone when you type exit.")
	}
	fmt.Fprintln(w, "netlab grades after every command. Help: netlab hint, netlab check, netlab solve --step K, netlab lesson.")
	fmt.Fprintln(w)

	if err := a.runShell(ctx, self, newSandbox, argv, env); err != nil {
		return err
	}
	done, _ := readPos(sess)
	where := "this machine's namespaces keep what you built"
	switch {
	case newSandbox:
		where = "the sandbox and everything in it are gone"
	case sandbox.Inside():
		where = "what you built stays in this sandbox until you leave it"
	}
	fmt.Fprintf(w, "\nLeft lesson %d (%s): %d/%d steps done; %s. Progress is saved (netlab list).\n", l.ID, l.Slug, max(done, 0), n, where)
	return nil
}

// runShell runs argv on the terminal, in a new sandbox or right here.
func (a *App) runShell(ctx context.Context, self string, newSandbox bool, argv, env []string) error {
	// The shell owns the terminal: Ctrl-C is for the learner's commands,
	// so the shell must not die with netlab's own (signal-bound) context.
	sctx := context.WithoutCancel(ctx)
	var cmd *exec.Cmd
	if newSandbox {
		var err error
		if cmd, err = sandbox.Command(sctx, self, nil, argv); err != nil {
			return usageErr("netlab cannot start the sandbox: %v", err)
		}
	} else {
		cmd = exec.CommandContext(sctx, argv[0], argv[1:]...)
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.Stdin, a.Stdout, a.Stderr
	// A closed terminal hangs up the shell too: outlive it long enough to
	// remove the session. (Notify, not Ignore: an ignored signal would stay
	// ignored in the shell across exec.)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		msg := fmt.Sprintf("netlab cannot start the shell: %v", err)
		if newSandbox {
			msg = fmt.Sprintf("netlab cannot start the sandbox shell: %v (netlab doctor tells what is missing)", err)
		}
		return usageErr("%s", msg)
	}
	// The shell's own exit status is the learner's last command's; leaving
	// a lesson is not a failure.
	return nil
}

// newSession makes the session directory: a bin/ with netlab in it, so
// that `netlab` works inside the shell whatever PATH the learner has.
func newSession(self string) (string, error) {
	sess, err := os.MkdirTemp("", "netlab-session-")
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(sess, "bin"), 0o755); err != nil {
		os.RemoveAll(sess)
		return "", err
	}
	if err := os.Symlink(self, filepath.Join(sess, "bin", "netlab")); err != nil {
		os.RemoveAll(sess)
		return "", err
	}
	return sess, nil
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// shellSetup prepares the learner's shell with a per-command hook.
//
// bash: --rcfile with a file that sources /etc/bash.bashrc and ~/.bashrc
// first (so the learner's aliases and settings stay), then adds the
// PROMPT_COMMAND hook and the prompt. zsh: ZDOTDIR pointing at a .zshrc
// that sources ~/.zshrc, then adds a precmd hook. Any other shell (fish,
// dash, ...) has no hook netlab knows how to install, so the guided
// lesson uses bash and says so; `netlab shell` still honours $SHELL.
// lesson nil means the bare sandbox shell.
func shellSetup(sess string, l *lessons.Lesson, pre []string, warn io.Writer) (argv, env []string, err error) {
	bin := filepath.Join(sess, "bin")
	env = []string{"PATH=" + bin + ":" + os.Getenv("PATH")}
	if l != nil {
		// Only a lesson shell has a session; inside the bare shell,
		// `netlab lesson N` starts a guided lesson.
		env = append(env, envSession+"="+sess)
	}
	user := os.Getenv("SHELL")
	base := filepath.Base(user)
	label := "sandbox"
	tick := ""
	if l != nil {
		label = l.Slug + ` ${__netlab_pos}`
		tick = "netlab __tick"
	}
	if base == "zsh" {
		zd := filepath.Join(sess, "zsh")
		if err := os.Mkdir(zd, 0o755); err != nil {
			return nil, nil, err
		}
		var b strings.Builder
		b.WriteString("[ -f \"$HOME/.zshrc\" ] && ZDOTDIR=\"$HOME\" . \"$HOME/.zshrc\"\n")
		b.WriteString("path=(" + shq(bin) + " $path)\n")
		if tick != "" {
			b.WriteString("__netlab_tick() { __netlab_pos=\"$(" + tick + ")\" }\nprecmd_functions+=(__netlab_tick)\n")
		}
		b.WriteString("setopt PROMPT_SUBST\nPROMPT=" + shq("[netlab "+label+"] # ") + "\n")
		for _, c := range pre {
			b.WriteString(c + "\n")
		}
		if err := os.WriteFile(filepath.Join(zd, ".zshrc"), []byte(b.String()), 0o644); err != nil {
			return nil, nil, err
		}
		return []string{user, "-i"}, append(env, "ZDOTDIR="+zd), nil
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		if l == nil && user != "" {
			return []string{user}, env, nil
		}
		return nil, nil, fmt.Errorf("bash is not installed: %w", err)
	}
	if l == nil && user != "" && base != "bash" {
		// The bare shell: the learner's own shell, with netlab on PATH.
		return []string{user}, env, nil
	}
	if l != nil && user != "" && base != "bash" {
		fmt.Fprintf(warn, "netlab: live grading hooks into bash and zsh; this lesson uses bash instead of %s.\n", base)
	}
	var b strings.Builder
	b.WriteString("# netlab guided shell: the learner's own rc first, then netlab's hook.\n")
	b.WriteString("[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc\n[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"\n")
	b.WriteString("PATH=" + shq(bin) + ":\"$PATH\"\n")
	if tick != "" {
		b.WriteString(bashHook)
	}
	b.WriteString("PS1=" + shq("[netlab "+label+"] # ") + "\n")
	for _, c := range pre {
		b.WriteString(c + "\n")
	}
	rc := filepath.Join(sess, "bashrc")
	if err := os.WriteFile(rc, []byte(b.String()), 0o644); err != nil {
		return nil, nil, err
	}
	return []string{bash, "--rcfile", rc, "-i"}, env, nil
}

// bashHook is the guided bash shell's per-prompt hook: ask the grading
// server (see tickd.go) when it runs, else run `netlab __tick`. Job
// control is off while the server starts, so that no "[1] PID" appears;
// it ignores the terminal's signals itself. NETLAB_NO_TICKD=1 forces the
// one-process-per-prompt path (what zsh uses), for comparison.
const bashHook = `__netlab_seq=0 __netlab_d=
if [ -z "$NETLAB_NO_TICKD" ] && [ -p "$NETLAB_SESSION/req" ] && [ -p "$NETLAB_SESSION/resp" ]; then
  exec 9<>"$NETLAB_SESSION/req" 8<>"$NETLAB_SESSION/resp"
  __netlab_m=$-; set +m
  netlab __tickd $$ </dev/null >/dev/null 8>&- 9>&- &
  __netlab_d=$!
  case $__netlab_m in *m*) set -m;; esac
fi
__netlab_tick() {
  local s=$? r
  if [ -n "$__netlab_d" ] && kill -0 "$__netlab_d" 2>/dev/null; then
    __netlab_seq=$((__netlab_seq+1))
    echo "$__netlab_seq" >&9
    while read -r -t 15 r <&8; do
      if [ "${r%% *}" = "$__netlab_seq" ]; then __netlab_pos=${r#* }; return $s; fi
    done
    __netlab_pos='?'
  else
    __netlab_pos="$(netlab __tick)"
  fi
  return $s
}
PROMPT_COMMAND="__netlab_tick${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
`

// readPos reads the session's position: steps done, or -1 before the
// first grade.
func readPos(sess string) (int, error) {
	b, err := os.ReadFile(filepath.Join(sess, "pos"))
	if err != nil {
		return -1, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func writePos(sess string, done int) error {
	p := filepath.Join(sess, "pos")
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(done)+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func posLabel(done, n int) string {
	if done >= n {
		return "done"
	}
	return fmt.Sprintf("%d/%d", done+1, n)
}

// tickCommand is the hidden per-prompt hook of the guided shell: grade up
// to the current step, print what changed (stderr, the terminal), save
// the position, and print the prompt's position label (stdout, captured
// by the shell).
func (a *App) tickCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__tick",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sess := os.Getenv(envSession)
			l, err := a.lesson(os.Getenv(envLesson))
			if err != nil || sess == "" {
				fmt.Fprint(a.Stdout, "?")
				return nil
			}
			if !a.Privileged() {
				fmt.Fprint(a.Stdout, "?")
				return nil
			}
			lab, closeFn, err := a.OpenLab()
			if err != nil {
				fmt.Fprint(a.Stdout, "?")
				return nil
			}
			defer closeFn()
			g := &runner.Grader{K: lab, ProbeTimeout: min(a.ProbeTimeout, tickProbeTimeout)}
			fmt.Fprint(a.Stdout, a.tickOnce(cmd.Context(), g, l, sess))
			return nil
		},
	}
}

// freshGrader opens the kernel for each grading and closes it after. A
// long-running netlab (watch, the guided shell's grading server) must not
// hold namespace handles between gradings: an open handle keeps a
// namespace alive after `ip netns del`, and with it the veth peers the
// learner expects to vanish.
type freshGrader struct {
	open         func() (runner.Lab, func(), error)
	probeTimeout time.Duration
}

func (f freshGrader) Grade(ctx context.Context, l *lessons.Lesson) runner.Report {
	lab, closeFn, err := f.open()
	if err != nil {
		// Every check is "error", with why: netlab could not judge.
		return runner.NewReport(l, errorResults(l, err))
	}
	defer closeFn()
	return (&runner.Grader{K: lab, ProbeTimeout: f.probeTimeout}).Grade(ctx, l)
}

func errorResults(l *lessons.Lesson, err error) [][]checks.Result {
	out := make([][]checks.Result, len(l.Steps))
	for i, s := range l.Steps {
		for range s.Checks {
			out[i] = append(out[i], checks.Errorf("netlab cannot open the kernel's network state: %v", err))
		}
	}
	return out
}

// tickOnce is one per-prompt re-grade: grade up to the current step,
// print what changed to the terminal (stderr), save the position, and
// return the prompt's position label.
func (a *App) tickOnce(ctx context.Context, g guided.Grader, l *lessons.Lesson, sess string) string {
	n := len(l.Steps)
	done, perr := readPos(sess)
	first := perr != nil
	p := guided.Printer{Out: a.Stderr, Lessons: a.Lessons, Verbose: true}
	c := guided.AdvanceStream(ctx, g, l, max(done, 0), func(k int) { p.Completed(l, k) })
	if first && !c.Changed() {
		p.Current(l, c.To)
	} else {
		p.PrintRest(l, c)
	}
	if first || c.Changed() {
		_ = writePos(sess, c.To)
	}
	if c.Changed() {
		if err := progressStore(a.Stderr).Record(l.Slug, c.To, n); err != nil {
			fmt.Fprintf(a.Stderr, "netlab: warning: progress not saved: %v\n", err)
		}
	}
	return posLabel(c.To, n)
}

// shellCommand is `netlab shell`: the bare sandbox.
func (a *App) shellCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "shell",
		Short: "Open a shell in a private sandbox (its own network namespace and /run/netns); all of it is gone on exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !a.Privileged() {
				return errNotRoot
			}
			self, err := os.Executable()
			if err != nil {
				return usageErr("netlab cannot find its own binary: %v", err)
			}
			sess, err := newSession(self)
			if err != nil {
				return usageErr("netlab cannot prepare the shell: %v", err)
			}
			defer os.RemoveAll(sess)
			argv, env, err := shellSetup(sess, nil, nil, a.Stderr)
			if err != nil {
				return usageErr("netlab cannot prepare the shell: %v", err)
			}
			fmt.Fprintln(a.Stdout, "netlab sandbox: a private network namespace with its own /run/netns. Lessons and checks work here; exit leaves no trace.")
			return a.runShell(cmd.Context(), self, true, argv, env)
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
