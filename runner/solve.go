package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// Shell runs one solution command.
type Shell interface {
	Run(ctx context.Context, cmd string, out io.Writer) error
}

// SysShell runs commands with /bin/sh in the lab's root namespace.
type SysShell struct{}

// Run runs cmd with sh -c, its output going to out.
func (SysShell) Run(ctx context.Context, cmd string, out io.Writer) error {
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	c.Stdout, c.Stderr = out, out
	return c.Run()
}

// Solver runs reference solutions.
type Solver struct {
	Grader  *Grader
	Shell   Shell
	Out     io.Writer
	Lessons []*lessons.Lesson
}

// Solve runs l's reference solution up to step upTo (all steps when upTo
// is 0). Steps that already pass from the start are skipped, so solve can
// finish a half-done lesson; a lesson that starts from another lesson's
// state gets that state built first.
func (s *Solver) Solve(ctx context.Context, l *lessons.Lesson, upTo int) error {
	if l.Troubleshoot() {
		return s.solveRounds(ctx, l, upTo)
	}
	if upTo <= 0 || upTo > len(l.Steps) {
		upTo = len(l.Steps)
	}
	rep := s.Grader.Grade(ctx, l)
	// The required lesson is built only while this lesson has not begun:
	// its own steps may change that state on purpose (lesson 4's filter
	// stops a ping of lesson 3), and rebuilding it then would undo them.
	if l.Requires != "" && rep.FirstUnfinished() == 0 {
		pre, err := lessons.Find(s.Lessons, l.Requires)
		if err != nil {
			return err
		}
		if prep := s.Grader.Grade(ctx, pre); !prep.Passed {
			fmt.Fprintln(s.Out, s.t("solve-requires", i18n.Data{"ID": l.ID, "Req": pre.ID, "Slug": pre.Slug}))
			if err := s.solveSteps(ctx, pre, len(pre.Steps), prep); err != nil {
				return err
			}
			rep = s.Grader.Grade(ctx, l)
		}
	}
	return s.solveSteps(ctx, l, upTo, rep)
}

func (s *Solver) solveSteps(ctx context.Context, l *lessons.Lesson, upTo int, rep Report) error {
	start := rep.FirstUnfinished()
	if start < 0 || start >= upTo {
		fmt.Fprintln(s.Out, s.t("solve-nothing", i18n.Data{"ID": l.ID, "Upto": upTo}))
		return nil
	}
	for i := start; i < upTo; i++ {
		st := l.Steps[i]
		fmt.Fprintln(s.Out, s.t("solve-step", i18n.Data{"N": i + 1, "Title": st.Title}))
		for _, cmd := range st.Commands() {
			fmt.Fprintf(s.Out, "$ %s\n", cmd)
			if err := s.Shell.Run(ctx, cmd, s.Out); err != nil {
				return errors.New(s.t("solve-failed", i18n.Data{"N": i + 1, "Cmd": cmd, "Err": err, "ID": l.ID}))
			}
		}
	}
	return nil
}

// t is a message in the language of the Solver's grader.
func (s *Solver) t(id string, data i18n.Data) string {
	return i18n.T(s.Grader.lang(), id, data)
}
