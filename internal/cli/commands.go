package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/termsafe"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

func (a *App) listCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the lessons and the suggested next one",
		Args:  cobra.NoArgs,
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
		Short: "Start the guided lesson in a sandbox shell (without a terminal: show the lesson)",
		Args:  exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("from-step") {
				if err := stepRange("from-step", l.ID, len(l.Steps), o.fromStep); err != nil {
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
	fmt.Fprintf(w, "Lesson %d %s: %s\n\n%s\n", l.ID, l.Slug, l.Title, strings.TrimSpace(l.Intro))
	var rep *runner.Report
	if a.Privileged() {
		lab, closeFn, err := a.OpenLab()
		if err == nil {
			r := a.grader(lab).Grade(ctx, l)
			closeFn()
			rep = &r
		}
	}
	fmt.Fprintln(w, "\nSteps:")
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
			fmt.Fprintf(w, "\nAll %d steps pass.\n", len(l.Steps))
			return nil
		}
	} else {
		fmt.Fprintln(w, "\n(run netlab with sudo to see which steps you have done)")
	}
	s := l.Steps[next]
	fmt.Fprintf(w, "\nNext, step %d: %s\n\n%s\n", next+1, s.Title, strings.TrimRight(s.Text, "\n"))
	fmt.Fprintf(w, "\nWhen done: netlab check %d    Stuck: netlab hint %d\n", l.ID, l.ID)
	return nil
}

// minProbeTimeout: below it, a probe cannot get an answer even from the
// next namespace, and a correct lesson would fail.
const minProbeTimeout = 10 * time.Millisecond

func (a *App) checkCommand() *cobra.Command {
	var opts checkOpts
	cmd := &cobra.Command{
		Use:   "check N | --all",
		Short: "Grade a lesson once (exit 0 all passed, 1 some failed, 2 usage or environment error)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runCheck(cmd, args, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print one JSON object (SPEC §3)")
	cmd.Flags().BoolVar(&opts.all, "all", false, "grade every lesson (exit code: the worst of them)")
	cmd.Flags().StringVar(&opts.junit, "junit", "", "also write a JUnit XML report to `FILE` (one testcase per check)")
	cmd.Flags().StringVar(&opts.classroom, "classroom", "", "also write a result for the sunset GitHub Classroom autograder to `FILE` (legacy format, points per step)")
	cmd.Flags().StringVar(&opts.classroom50, "classroom50", "", "also write a Classroom 50 result (classroom50/result/v1) to `FILE`; a failing grade then exits 0, only an error grading exits 2")
	cmd.Flags().StringVar(&opts.learner, "learner", "", "with --json: name the learner in the report (netlab class reads it)")
	cmd.Flags().Var(minDuration{p: &a.ProbeTimeout, min: minProbeTimeout}, "probe-timeout", "how long one ping or TCP probe may wait (at least 10ms)")
	return cmd
}

// reportExit maps a report to the exit code: 0 passed, 1 a check failed,
// 2 netlab could not judge (and nothing failed).
func reportExit(rep runner.Report) error {
	if rep.Passed {
		return nil
	}
	for _, s := range rep.Steps {
		if s.Status == checks.Fail {
			return &exitError{code: ExitFail}
		}
	}
	return &exitError{code: ExitUsage, msg: "netlab could not judge some checks (see their why)"}
}

func (a *App) hintCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "hint N",
		Short: "Show the next hint for the first unfinished step",
		Args:  exactlyOneLesson,
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
				fmt.Fprintf(a.Stdout, "Lesson %d is complete: no hint needed.\n", l.ID)
				return nil
			}
			hints := runner.HintsFor(l.Steps[i], rep.Steps[i])
			fmt.Fprintf(a.Stdout, "Step %d: %s\n", i+1, l.Steps[i].Title)
			if !all {
				hints = hints[:1]
			}
			for _, h := range hints {
				// A hint may quote the why, and with it names from the kernel.
				fmt.Fprintf(a.Stdout, "  hint: %s\n", termsafe.Escape(h.Text))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "show every hint of the step")
	return cmd
}

func (a *App) solveCommand() *cobra.Command {
	var step int
	cmd := &cobra.Command{
		Use:   "solve N",
		Short: "Run the reference solution (printing each command), up to --step K",
		Args:  exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			// No --step is the whole solution; a given one is 1..N.
			if cmd.Flags().Changed("step") {
				if err := stepRange("step", l.ID, len(l.Steps), step); err != nil {
					return err
				}
			}
			lab, closeFn, err := a.lab()
			if err != nil {
				return err
			}
			defer closeFn()
			unlock, err := runner.LockLab(cmd.Context(), lab)
			if err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			defer unlock()
			if err := runner.RecordBefore(cmd.Context(), lab, a.Lessons); err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			// The commands' output quotes the kernel (names, rules).
			out := &termsafe.Writer{W: a.Stdout}
			defer out.Flush()
			s := &runner.Solver{Grader: a.grader(lab), Shell: a.Shell, Out: out, Lessons: a.Lessons}
			if err := s.Solve(cmd.Context(), l, step); err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&step, "step", 0, "stop after step K")
	return cmd
}

// recordHost records, before a --host lesson changes anything, what
// lesson-named objects and rules the host already has (reset keeps them).
func (a *App) recordHost(ctx context.Context) {
	lab, closeFn, err := a.lab()
	if err == nil {
		defer closeFn()
		var unlock func()
		if unlock, err = runner.LockLab(ctx, lab); err == nil {
			err = runner.RecordBefore(ctx, lab, a.Lessons)
			unlock()
		}
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "netlab: warning: could not record the host's state before the lesson (%v); reset still leaves what is not a lesson's\n", err)
	}
}

func (a *App) resetCommand() *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:   "reset N | --all",
		Short: "Remove what a lesson creates (its namespaces, links, rules), nothing else",
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
				return usageErr("reset needs one lesson (by number or name) or --all")
			}
			lab, closeFn, err := a.lab()
			if err != nil {
				return err
			}
			defer closeFn()
			unlock, err := runner.LockLab(cmd.Context(), lab)
			if err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			defer unlock()
			// What reset names (namespaces, links, rule texts) comes
			// from the kernel.
			out := &termsafe.Writer{W: a.Stdout}
			defer out.Flush()
			if err := runner.ResetWith(cmd.Context(), lab, runner.ResetOptions{Lessons: ls, All: a.Lessons, Force: force}, out); err != nil {
				return &exitError{code: ExitFail, msg: "reset could not remove everything: " + firstLine(err.Error())}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "reset every lesson")
	cmd.Flags().BoolVar(&force, "force", false, "also remove lesson-named objects that carry foreign state or were there before")
	return cmd
}

func (a *App) setupCommand() *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "setup N [--seed S]",
		Short: "Build the lesson's starting state (lessons 4 and 7: lesson 3's finished network)",
		Args:  exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("seed") {
				return usageErr("--seed chooses the faults of a troubleshooting lesson; lesson %d (%s) has none", l.ID, l.Slug)
			}
			lab, closeFn, err := a.lab()
			if err != nil {
				return err
			}
			defer closeFn()
			unlock, err := runner.LockLab(cmd.Context(), lab)
			if err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			defer unlock()
			if err := runner.RecordBefore(cmd.Context(), lab, a.Lessons); err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			s := &runner.Solver{Grader: a.grader(lab), Shell: a.Shell, Out: a.Stdout, Lessons: a.Lessons}
			if err := s.Setup(cmd.Context(), l); err != nil {
				return &exitError{code: ExitFail, msg: err.Error()}
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 0, "choose the faults of a troubleshooting lesson (the same seed gives the same faults)")
	return cmd
}
