package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/termsafe"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

func (a *App) listCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: a.t("cmd-list", nil),
		Args:  a.noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.list(cmd.Context()) },
	}
}

func (a *App) list(ctx context.Context) error {
	return a.printList(ctx, a.Stdout)
}

func (a *App) lessonCommand() *cobra.Command {
	var o *guidedOpts
	cmd := &cobra.Command{
		Use:   "lesson N",
		Short: a.t("cmd-lesson", nil),
		Args:  a.exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("from-step") {
				if err := a.stepRange("from-step", l.ID, len(l.Steps), o.fromStep); err != nil {
					return err
				}
			}
			return a.runLesson(cmd.Context(), l, o)
		},
	}
	o = a.addGuidedFlags(cmd)
	return cmd
}

// showLesson prints the lesson with a mark per step when it can grade, and
// the next step's instructions.
func (a *App) showLesson(ctx context.Context, l *lessons.Lesson) error {
	w := a.styled(a.Stdout)
	fmt.Fprintf(w, "%s\n\n%s\n", a.t("show-title", i18n.Data{"ID": l.ID, "Slug": l.Slug, "Title": l.Title}), strings.TrimSpace(l.Intro))
	var rep *runner.Report
	if a.Privileged() {
		lab, closeFn, err := a.OpenLab()
		if err == nil {
			r := a.grader(lab).Grade(ctx, l)
			closeFn()
			rep = &r
		}
	}
	fmt.Fprintln(w, "\n"+a.t("show-steps", nil))
	next := 0
	for i, s := range l.Steps {
		m := " "
		if rep != nil {
			m = runner.Mark(rep.Steps[i].Status)
		}
		fmt.Fprintf(w, "  %s %d. %s\n", m, i+1, s.Title)
	}
	if rep != nil {
		next = rep.FirstUnfinished()
		if next < 0 {
			fmt.Fprintln(w, "\n"+a.t("show-all-pass", i18n.Data{"N": len(l.Steps)}))
			return nil
		}
	} else {
		fmt.Fprintln(w, "\n"+a.t("show-need-sudo", nil))
	}
	s := l.Steps[next]
	fmt.Fprintf(w, "\n%s\n\n%s\n", a.t("show-next", i18n.Data{"N": next + 1, "Title": s.Title}), strings.TrimRight(s.Text, "\n"))
	fmt.Fprintln(w, "\n"+a.t("show-when-done", i18n.Data{"ID": l.ID}))
	return nil
}

// minProbeTimeout: below it, a probe cannot get an answer even from the
// next namespace, and a correct lesson would fail.
const minProbeTimeout = 10 * time.Millisecond

func (a *App) checkCommand() *cobra.Command {
	var opts checkOpts
	cmd := &cobra.Command{
		Use:   "check N | --all",
		Short: a.t("cmd-check", nil),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runCheck(cmd, args, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, a.t("flag-check-json", nil))
	cmd.Flags().BoolVar(&opts.all, "all", false, a.t("flag-check-all", nil))
	cmd.Flags().StringVar(&opts.junit, "junit", "", a.t("flag-junit", nil))
	cmd.Flags().StringVar(&opts.classroom, "classroom", "", a.t("flag-classroom", nil))
	cmd.Flags().StringVar(&opts.classroom50, "classroom50", "", a.t("flag-classroom50", nil))
	cmd.Flags().StringVar(&opts.learner, "learner", "", a.t("flag-learner", nil))
	cmd.Flags().Var(minDuration{p: &a.ProbeTimeout, min: minProbeTimeout}, "probe-timeout", a.t("flag-probe-timeout", nil))
	return cmd
}

// reportExit maps a report to the exit code: 0 passed, 1 a check failed,
// 2 netlab could not judge (and nothing failed).
func (a *App) reportExit(rep runner.Report) error {
	if rep.Passed {
		return nil
	}
	for _, s := range rep.Steps {
		if s.Status == checks.Fail {
			return &exitError{code: ExitFail}
		}
	}
	return a.usage("err-cannot-judge", nil)
}

func (a *App) hintCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "hint N",
		Short: a.t("cmd-hint", nil),
		Args:  a.exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			lab, closeFn, err := a.lab()
			if err != nil {
				return err
			}
			defer closeFn()
			rep := a.grader(lab).GradeSuperseded(cmd.Context(), a.Lessons, l)
			i := rep.FirstUnfinished()
			if i < 0 {
				fmt.Fprintln(a.Stdout, a.t("hint-complete", i18n.Data{"ID": l.ID}))
				return nil
			}
			hints := runner.HintsFor(l.Steps[i], rep.Steps[i])
			if l.Troubleshoot() {
				// The method first, then narrower, one more each time.
				if hints, err = runner.RoundHints(cmd.Context(), lab, l, all, a.lang()); err != nil {
					return &exitError{code: ExitFail, msg: err.Error()}
				}
				all = true
			}
			fmt.Fprintln(a.Stdout, a.t("hint-step", i18n.Data{"N": i + 1, "Title": l.Steps[i].Title}))
			if !all {
				hints = hints[:1]
			}
			for _, h := range hints {
				// A hint may quote the why, and with it names from the kernel.
				fmt.Fprintf(a.Stdout, "  %s %s\n", a.t("hint-line", nil), termsafe.Escape(h.Text))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, a.t("flag-hint-all", nil))
	return cmd
}

func (a *App) solveCommand() *cobra.Command {
	var step int
	cmd := &cobra.Command{
		Use:   "solve N",
		Short: a.t("cmd-solve", nil),
		Args:  a.exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			// No --step is the whole solution; a given one is 1..N.
			if cmd.Flags().Changed("step") {
				if err := a.stepRange("step", l.ID, len(l.Steps), step); err != nil {
					return err
				}
			}
			lab, release, err := a.lockedLab(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer release()
			// The commands' output quotes the kernel (names, rules).
			out := &termsafe.Writer{W: a.Stdout}
			defer out.Flush()
			s := &runner.Solver{Grader: a.grader(lab), Shell: a.Shell, Out: out, Lessons: a.Lessons}
			solve := func() error { return s.Solve(cmd.Context(), l, step) }
			if l.Troubleshoot() && !cmd.Flags().Changed("step") {
				// Troubleshooting: the current round only, and what its fault was.
				solve = func() error { return s.SolveCurrentRound(cmd.Context(), l) }
			}
			if err := solve(); err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&step, "step", 0, a.t("flag-solve-step", nil))
	return cmd
}

// lockedLab opens the lab for a command that changes it (solve, setup,
// reset): under the lab's lock, so that two netlabs never change one lab
// at once, and, with record, after recording what exists before any
// change (reset never removes that). release unlocks and closes.
func (a *App) lockedLab(ctx context.Context, record bool) (runner.Lab, func(), error) {
	lab, closeFn, err := a.lab()
	if err != nil {
		return nil, nil, err
	}
	unlock, err := runner.LockLab(ctx, lab)
	if err != nil {
		closeFn()
		return nil, nil, &exitError{code: ExitFail, msg: err.Error()}
	}
	release := func() { unlock(); closeFn() }
	if record {
		if err := runner.RecordBefore(ctx, lab, a.Lessons); err != nil {
			release()
			return nil, nil, &exitError{code: ExitFail, msg: err.Error()}
		}
	}
	return lab, release, nil
}

// recordHost records, before a --host lesson changes anything, what
// lesson-named objects and rules the host already has (reset keeps them).
func (a *App) recordHost(ctx context.Context) {
	_, release, err := a.lockedLab(ctx, true)
	if err == nil {
		release()
	}
	if err != nil {
		fmt.Fprintln(a.Stderr, a.t("warn-record-host", i18n.Data{"Err": err}))
	}
}

func (a *App) resetCommand() *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:   "reset N | --all",
		Short: a.t("cmd-reset", nil),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ls []*lessons.Lesson
			switch {
			case all && len(args) == 0:
				ls = a.Lessons
			case !all && len(args) == 1:
				l, err := a.lesson(args[0])
				if err != nil {
					return err
				}
				ls = []*lessons.Lesson{l}
			default:
				return a.usage("err-reset-usage", nil)
			}
			lab, release, err := a.lockedLab(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer release()
			// What reset names (namespaces, links, rule texts) comes
			// from the kernel.
			out := &termsafe.Writer{W: a.Stdout}
			defer out.Flush()
			if err := runner.ResetWith(cmd.Context(), lab, runner.ResetOptions{Lessons: ls, All: a.Lessons, Force: force, Lang: a.lang()}, out); err != nil {
				return &exitError{code: ExitFail, msg: a.t("err-reset-failed", i18n.Data{"Err": firstLine(err.Error())})}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, a.t("flag-reset-all", nil))
	cmd.Flags().BoolVar(&force, "force", false, a.t("flag-reset-force", nil))
	return cmd
}

func (a *App) setupCommand() *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "setup N [--seed S]",
		Short: a.t("cmd-setup", nil),
		Args:  a.exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("seed") && !l.Troubleshoot() {
				return a.usage("err-seed-none", i18n.Data{"ID": l.ID, "Slug": l.Slug})
			}
			lab, release, err := a.lockedLab(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer release()
			s := &runner.Solver{Grader: a.grader(lab), Shell: a.Shell, Out: a.Stdout, Lessons: a.Lessons}
			if l.Troubleshoot() {
				// Without --seed a random one, printed for the instructor.
				if !cmd.Flags().Changed("seed") {
					seed = runner.RandomSeed()
				}
				err = s.SetupRounds(cmd.Context(), l, seed)
			} else {
				err = s.Setup(cmd.Context(), l)
			}
			if err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 0, a.t("flag-setup-seed", nil))
	return cmd
}
