package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/netlab/netlab/sandbox"
)

// reachable are the commands that, typed outside any sandbox by a user
// who may not change this machine's network, go to the learner's running
// lesson sandbox: a second terminal's check, hint and watch grade the
// lesson where the learner works.
var reachable = map[string]bool{"check": true, "hint": true, "watch": true}

// redirect runs a reachable command inside the learner's running lesson
// sandbox, saying which one; ok is false when the command runs here.
func (a *App) redirect(ctx context.Context, root *cobra.Command, args []string) (code int, ok bool) {
	if a.Sandboxes == nil || a.EnterSandbox == nil {
		return 0, false
	}
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root || !reachable[cmd.Name()] {
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
	if a.Privileged() || (a.InSandbox != nil && a.InSandbox()) {
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
	fail := func(format string, v ...any) (int, bool) {
		fmt.Fprintf(a.Stderr, format+"\n", v...)
		return ExitUsage, true
	}
	recs, err := a.Sandboxes()
	if err != nil {
		return fail("netlab cannot look for your running lesson sandbox: %v", err)
	}
	start := "netlab lesson N"
	if want > 0 {
		start = fmt.Sprintf("netlab lesson %d", want)
	}
	if len(recs) == 0 {
		return fail("netlab: no lesson sandbox of yours is running, so there is nothing to %s: start one with `%s` and use `netlab %s` from another terminal while it runs (or grade this machine's own namespaces with sudo)", cmd.Name(), start, cmd.Name())
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
		return fail("netlab: your lesson sandbox %s was started with sudo, so only root can enter it: start lessons without sudo (`%s`) to %s them from another terminal", r.Describe(), start, cmd.Name())
	}
	note := "netlab: in your lesson sandbox " + r.Describe()
	if want > 0 && r.Lesson != want {
		note = fmt.Sprintf("netlab: no sandbox of lesson %d runs; in your sandbox %s", want, r.Describe())
	}
	if len(recs) > 1 {
		var others []string
		for _, o := range recs {
			if o.PID != r.PID {
				others = append(others, o.Describe())
			}
		}
		note += fmt.Sprintf(" (the newest; also running: %s)", strings.Join(others, ", "))
	}
	fmt.Fprintln(a.Stderr, note)
	code, err = a.EnterSandbox(ctx, r, args)
	if err != nil {
		return fail("netlab cannot enter your lesson sandbox %s: %v", r.Describe(), err)
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
