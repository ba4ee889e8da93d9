package runner

import (
	"context"
	"fmt"
	"io"
	"os/exec"

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
			fmt.Fprintf(s.Out, "# lesson %d starts from lesson %d (%s): building that first\n", l.ID, pre.ID, pre.Slug)
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
		fmt.Fprintf(s.Out, "# lesson %d: steps 1-%d already pass, nothing to run\n", l.ID, upTo)
		return nil
	}
	for i := start; i < upTo; i++ {
		st := l.Steps[i]
		fmt.Fprintf(s.Out, "# step %d: %s\n", i+1, st.Title)
		for _, cmd := range st.Commands() {
			fmt.Fprintf(s.Out, "$ %s\n", cmd)
			if err := s.Shell.Run(ctx, cmd, s.Out); err != nil {
				return fmt.Errorf("step %d: `%s` failed (%v); every solution command can be run again, so fix what it says and solve again, or start over with `netlab reset %d`", i+1, cmd, err, l.ID)
			}
		}
	}
	return nil
}
