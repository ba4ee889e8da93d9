package runner_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/runner"
)

// reportOf builds a report from per-step check statuses.
func reportOf(l *lessons.Lesson, statuses ...[]checks.Status) runner.Report {
	results := make([][]checks.Result, len(statuses))
	for i, ss := range statuses {
		for _, s := range ss {
			results[i] = append(results[i], checks.Result{Status: s, Why: "why-" + string(s)})
		}
	}
	return runner.NewReport(l, results)
}

func supersedeFixture() []*lessons.Lesson {
	mk := func(n int) []lessons.Step {
		var out []lessons.Step
		for i := 0; i < n; i++ {
			out = append(out, lessons.Step{Title: "s", Checks: []lessons.CheckSpec{{Kind: "ping"}, {Kind: "ping"}, {Kind: "ping"}}})
		}
		return out
	}
	early := &lessons.Lesson{ID: 3, Slug: "bridge", Steps: mk(2)}
	late := &lessons.Lesson{ID: 4, Slug: "iptables", Steps: mk(2),
		Supersedes: []lessons.Supersedes{{Lesson: "bridge", Step: 2, Checks: []int{2}, When: 2, Because: "ns2 drops ns0's pings on purpose"}}}
	return []*lessons.Lesson{early, late}
}

var P, F, E = checks.Pass, checks.Fail, checks.Error

func TestApplySupersedes(t *testing.T) {
	ls := supersedeFixture()
	cases := []struct {
		name      string
		early     [][]checks.Status
		late      [][]checks.Status
		passed    bool
		score     int
		supersede bool
	}{
		{"declared check fails and the step that did it passes", [][]checks.Status{{P, P, P}, {P, F, P}}, [][]checks.Status{{P, P, P}, {P, P, P}}, true, 2, true},
		{"the step that would excuse it fails", [][]checks.Status{{P, P, P}, {P, F, P}}, [][]checks.Status{{P, P, P}, {P, F, P}}, false, 1, false},
		{"another check of the step fails too", [][]checks.Status{{P, P, P}, {F, F, P}}, [][]checks.Status{{P, P, P}, {P, P, P}}, false, 1, true},
		{"an undeclared step fails", [][]checks.Status{{F, P, P}, {P, F, P}}, [][]checks.Status{{P, P, P}, {P, P, P}}, false, 1, true},
		{"an error is no failure to excuse", [][]checks.Status{{P, P, P}, {P, E, P}}, [][]checks.Status{{P, P, P}, {P, P, P}}, false, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reps := []runner.Report{reportOf(ls[0], tc.early...), reportOf(ls[1], tc.late...)}
			runner.ApplySupersedes(ls, reps)
			require.Equal(t, tc.passed, reps[0].Passed)
			require.Equal(t, tc.score, reps[0].Score)
			c := reps[0].Steps[1].Checks[1]
			if !tc.supersede {
				require.Nil(t, c.Superseded)
				return
			}
			require.Equal(t, checks.Pass, c.Status)
			require.NotNil(t, c.Superseded)
			require.Equal(t, 4, c.Superseded.Lesson)
			require.Equal(t, 2, c.Superseded.Step)
			require.Equal(t, checks.Fail, c.Superseded.WasStatus)
			require.Contains(t, c.Message, "superseded by lesson 4 (iptables) step 2")
			b, err := json.Marshal(reps[0])
			require.NoError(t, err)
			require.Contains(t, string(b), `"superseded":{"lesson":4,"slug":"iptables","step":2`)
		})
	}
}

func TestAllSummary(t *testing.T) {
	ls := supersedeFixture()
	reps := []runner.Report{reportOf(ls[0], []checks.Status{P, P, P}, []checks.Status{P, F, P}), reportOf(ls[1], []checks.Status{P, P, P}, []checks.Status{P, P, P})}
	require.Equal(t, "1/2 lessons pass (3/4 steps); not yet: 3 bridge (step 2).", runner.AllSummary(reps))
	runner.ApplySupersedes(ls, reps)
	require.Equal(t, "All 2 lessons pass (4/4 steps). 1 check counts as passed because a later lesson changed its state on purpose.", runner.AllSummary(reps))
}

// The text report names each superseded check and the step that excuses it.
func TestSupersededInText(t *testing.T) {
	ls := supersedeFixture()
	ls[0].Steps[1].Checks[1].Name = "ns0 pings 10.0.1.12"
	reps := []runner.Report{reportOf(ls[0], []checks.Status{P, P, P}, []checks.Status{P, F, P}), reportOf(ls[1], []checks.Status{P, P, P}, []checks.Status{P, P, P})}
	runner.ApplySupersedes(ls, reps)
	var b strings.Builder
	reps[0].WriteText(&b)
	require.Contains(t, b.String(), "✓ ns0 pings 10.0.1.12: superseded by lesson 4 (iptables) step 2, which passes: ns2 drops ns0's pings on purpose\n")
	require.Contains(t, b.String(), "All steps pass.")
}

// `check N` alone applies the declarations too, grading the later lesson
// only when one of N's declared checks fails.
func TestGradeSuperseded(t *testing.T) {
	state := map[string]checks.Status{"a": checks.Pass, "b": checks.Fail, "later": checks.Pass}
	graded := map[string]int{}
	var mu sync.Mutex // the checks of one grading run concurrently
	reg := checks.NewRegistry()
	for _, name := range []string{"a", "b", "later"} {
		name := name
		reg.Add(stubKind(name, checks.PhaseState, func(context.Context) checks.Result {
			mu.Lock()
			defer mu.Unlock()
			graded[name]++
			if state[name] == checks.Pass {
				return checks.Passf("ok")
			}
			return checks.Failf("no")
		}))
	}
	step := "  - title: s\n    text: x\n    hints: [h]\n    solution: echo\n    checks:\n"
	early, err := lessonyaml.Parse("e.yaml", []byte("id: 1\nslug: early\ntitle: E\nsteps:\n"+step+"      - kind: a\n      - kind: b\n"), reg)
	require.NoError(t, err)
	late, err := lessonyaml.Parse("l.yaml", []byte("id: 2\nslug: late\ntitle: L\nsupersedes:\n  - {lesson: early, step: 1, checks: [2], when: 1, because: on purpose}\nsteps:\n"+step+"      - kind: later\n"), reg)
	require.NoError(t, err)
	g := &runner.Grader{K: kerneltest.New()}
	all := []*lessons.Lesson{early, late}

	rep := g.GradeSuperseded(context.Background(), all, early)
	require.True(t, rep.Passed)
	require.NotNil(t, rep.Steps[0].Checks[1].Superseded)

	state["a"] = checks.Fail // broken in another way: still fails
	require.False(t, g.GradeSuperseded(context.Background(), all, early).Passed)

	state["a"], state["later"] = checks.Pass, checks.Fail // the excuse does not hold
	require.False(t, g.GradeSuperseded(context.Background(), all, early).Passed)

	state["b"] = checks.Pass
	n := graded["later"]
	require.True(t, g.GradeSuperseded(context.Background(), all, early).Passed)
	require.Equal(t, n, graded["later"], "nothing to excuse: the later lesson is not graded")
}
