package checks_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
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

// TestCatalog builds every catalogued mistake in a sandbox of its own,
// grades the lesson and demands that the mistake's step fails with a check
// that names the mistake (its id) and explains it (the why's key phrases).
func TestCatalog(t *testing.T) {
	all, err := mistakes.Catalog()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all), 25)
	for _, m := range all {
		t.Run(m.ID, func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			ctx := context.Background()
			g, s, ls, out := lab(t)
			l, err := lessons.Find(ls, m.Lesson)
			require.NoError(t, err)
			require.NoError(t, s.BuildMistake(ctx, l, m), out.String())
			rep := g.Grade(ctx, l)
			step := rep.Steps[m.Step-1]
			require.False(t, step.Passed, "step %d must fail\n%s", m.Step, out.String())
			hit := findDiagnosis(step, m.Want(), m.ExpectWhy)
			require.NotNil(t, hit, "no failing check of step %d reports mistake %s with a why containing %q:\n%s", m.Step, m.Want(), m.ExpectWhy, failing(step))
			// `netlab hint` shows first a hint written for what was diagnosed.
			hints := runner.HintsFor(l.Steps[m.Step-1], step)
			require.NotEmpty(t, hints)
			diagnosed := map[string]bool{}
			for _, c := range step.Checks {
				if c.Status != checks.Pass {
					diagnosed[c.Mistake] = true
				}
			}
			require.True(t, diagnosed[hints[0].When], "first hint %q is not for a diagnosed mistake", hints[0].Text)
			t.Logf("%s: %s\n  why: %s\n  fix: %s\n  hint: %s", m.ID, hit.Name, hit.Why, hit.Fix, hints[0].Text)
		})
	}
}

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

// The diagnosis must not make a right state fail: every lesson, solved by
// its reference solution, passes.
func TestSolvedLessonsPass(t *testing.T) {
	for _, slug := range []string{"netns", "veth", "bridge", "iptables"} {
		t.Run(slug, func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			ctx := context.Background()
			g, s, ls, out := lab(t)
			l, err := lessons.Find(ls, slug)
			require.NoError(t, err)
			require.NoError(t, s.Solve(ctx, l, 0), out.String())
			rep := g.Grade(ctx, l)
			for _, st := range rep.Steps {
				require.True(t, st.Passed, "step %d:\n%s", st.Step, failing(st))
			}
		})
	}
}
