package runner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/runner"
)

// Without rounds (a fake kernel has no state directory) lesson 8 fails
// every step with one sentence saying how to begin, never errors or
// panics; a part of the lesson (as the guided shell grades) keeps its
// rounds' numbers.
func TestTroubleshootWithoutRounds(t *testing.T) {
	l, _, _ := troubleshootLesson(t)
	g := &runner.Grader{K: kerneltest.New()}
	rep := g.Grade(context.Background(), l)
	require.Len(t, rep.Steps, len(l.Steps))
	require.False(t, rep.Passed)
	for _, s := range rep.Steps {
		require.Equal(t, checks.Fail, s.Status)
		require.Len(t, s.Checks, 1)
		require.Equal(t, runner.RoundKind, s.Checks[0].Kind)
		require.Contains(t, s.Checks[0].Why, "netlab setup 8")
	}
	part := *l
	part.Steps = l.Steps[1:2]
	require.Equal(t, 2, part.Steps[0].Round)
	rep = g.Grade(context.Background(), &part)
	require.Len(t, rep.Steps, 1)
	require.False(t, rep.Passed)
}
