package runner_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// failShell records commands and fails the one named.
type failShell struct {
	cmds []string
	fail string
}

func (f *failShell) Run(_ context.Context, cmd string, _ io.Writer) error {
	f.cmds = append(f.cmds, cmd)
	if cmd == f.fail {
		return errors.New("exit status 1")
	}
	return nil
}

// The other half of TestSolveSkipsPassingPrefixAndStopsOnFailure: a
// solution command that fails stops the solver there, with an error that
// names the step and the command, and no later step's command runs.
func TestSolveStopsOnFailure(t *testing.T) {
	reg := checks.NewRegistry()
	for _, name := range []string{"s1", "s2", "s3"} {
		reg.Add(stubKind(name, checks.PhaseState, func(context.Context) checks.Result { return checks.Failf("not yet") }))
	}
	l := lessonWith(t, reg, "s1", "s2", "s3")
	sh := &failShell{fail: "echo 2"}
	var out bytes.Buffer
	s := &runner.Solver{Grader: &runner.Grader{K: kerneltest.New()}, Shell: sh, Out: &out, Lessons: []*lessons.Lesson{l}}
	err := s.Solve(context.Background(), l, 0)
	require.Error(t, err)
	require.Contains(t, err.Error(), "step 2: `echo 2` failed")
	require.Contains(t, err.Error(), "netlab reset 1")
	require.Equal(t, []string{"echo 1", "echo 2"}, sh.cmds, "step 3 must not run after step 2 failed")
	require.NotContains(t, out.String(), "$ echo 3")
}
