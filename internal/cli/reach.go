package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/sandbox"
)

// reachable says whether command is one of those that, typed outside any
// sandbox by a user who may not change this machine's network, go to the
// learner's running lesson sandbox: a second terminal's check, hint and
// watch grade the lesson where the learner works. (A switch: a
// package-level map is built at every start of netlab.)
func reachable(command string) bool {
	switch command {
	case "check", "hint", "watch":
		return true
	}
	return false
}

// redirect runs a reachable command inside the learner's running lesson
// sandbox, saying which one; ok is false when the command runs here.
func (a *App) redirect(ctx context.Context, root *cobra.Command, args []string) (code int, ok bool) {
	if a.Sandboxes == nil || a.EnterSandbox == nil {
		return 0, false
	}
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root || !reachable(cmd.Name()) {
		return 0, false
	}
	// Before the flags: a netlab that may grade here never goes
	// elsewhere, and need not parse them.
	if a.Privileged() || (a.InSandbox != nil && a.InSandbox()) {
		return 0, false
	}
	// The command's own flags and those it inherits (--lang).
	probe := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	probe.SetOutput(io.Discard)
	probe.Usage = func() {}
	probe.AddFlagSet(cmd.Flags())
	probe.AddFlagSet(cmd.InheritedFlags())
	if err := probe.Parse(rest); err != nil {
		return 0, false // cobra says what is wrong with the flags
	}
	if h, _ := probe.GetBool("help"); h {
		return 0, false
	}
	var want int
	key := probe.Arg(0)
	if key != "" {
		l, err := a.lesson(key)
		if err != nil {
			return 0, false // the command itself says so
		}
		want = l.ID
	}
	fail := func(id string, d i18n.Data) (int, bool) {
		fmt.Fprintln(a.Stderr, a.t(id, d))
		return ExitUsage, true
	}
	describe := func(r sandbox.Record) string { return r.DescribeIn(a.lang()) }
	recs, err := a.Sandboxes()
	if err != nil {
		return fail("reach-look-failed", i18n.Data{"Err": err})
	}
	start := "netlab lesson N"
	if want > 0 {
		start = fmt.Sprintf("netlab lesson %d", want)
	}
	if len(recs) == 0 {
		return fail("reach-none", i18n.Data{"Cmd": cmd.Name(), "Start": start})
	}
	pick := recs
	if want > 0 {
		var same []sandbox.Record
		for _, r := range recs {
			if r.Lesson == want {
				same = append(same, r)
			}
		}
		if len(same) > 0 {
			pick = same
		}
	}
	r := pick[0] // the newest
	if r.Foreign {
		return fail("reach-foreign", i18n.Data{"Sandbox": describe(r), "Start": start, "Cmd": cmd.Name()})
	}
	note := a.t("reach-in", i18n.Data{"Sandbox": describe(r)})
	if want > 0 && r.Lesson != want {
		note = a.t("reach-in-other", i18n.Data{"ID": want, "Sandbox": describe(r)})
	}
	if len(recs) > 1 {
		var others []string
		for _, o := range recs {
			if o.PID != r.PID {
				others = append(others, describe(o))
			}
		}
		note += a.t("reach-also", i18n.Data{"Others": strings.Join(others, a.t("why-list-sep", nil))})
	}
	fmt.Fprintln(a.Stderr, note)
	// The terminal's Ctrl-C is for the netlab inside: this one catches it
	// (instead of dying of it) and waits for that one's end.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err = a.EnterSandbox(ctx, r, args)
	if err != nil {
		return fail("reach-enter-failed", i18n.Data{"Sandbox": describe(r), "Err": err})
	}
	return code, true
}

// enterSandbox runs netlab inside r with this terminal. The terminal's
// Ctrl-C reaches the netlab inside; netlab's own context must not kill
// nsenter first, so the command outlives it.
func (a *App) enterSandbox(ctx context.Context, r sandbox.Record, args []string) (int, error) {
	cmd, err := sandbox.EnterCommand(context.WithoutCancel(ctx), r, args)
	if err != nil {
		return 0, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.Stdin, a.Stdout, a.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
