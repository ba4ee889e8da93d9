package checks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { sandboxtest.Main(m) }

// lab opens the real kernel of the sandbox and a solver for the lessons.
func lab(t *testing.T) (*runner.Grader, *runner.Solver, []*lessons.Lesson, *bytes.Buffer) {
	t.Helper()
	k, err := kernel.New()
	require.NoError(t, err)
	t.Cleanup(func() { k.Close() })
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	g := &runner.Grader{K: k}
	out := &bytes.Buffer{}
	return g, &runner.Solver{Grader: g, Shell: runner.SysShell{}, Out: out, Lessons: ls}, ls, out
}

// failing returns the failing checks of a step, for messages.
func failing(s runner.StepReport) string {
	var b strings.Builder
	for _, c := range s.Checks {
		if c.Status != checks.Pass {
			b.WriteString("  [" + string(c.Status) + "] " + c.Name + " mistake=" + c.Mistake + "\n      why: " + c.Why + "\n")
		}
	}
	return b.String()
}

// Every catalogued mistake is built and diagnosed by runner's
// TestLessonMistakes, and every lesson solved by TestLessonSolve: both run
// over all lessons and entries. The helpers below serve the mistakes that
// are not in the catalogue (uncatalogued_test.go).

// findDiagnosis returns the failing check of step that reports mistake id
// and whose why contains every phrase, or nil.
func findDiagnosis(step runner.StepReport, id string, phrases []string) *runner.CheckReport {
	for i, c := range step.Checks {
		if c.Status != checks.Fail || c.Mistake != id {
			continue
		}
		ok := true
		for _, w := range phrases {
			ok = ok && strings.Contains(c.Why, w)
		}
		if ok {
			return &step.Checks[i]
		}
	}
	return nil
}
