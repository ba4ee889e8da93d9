package runner_test

// Lesson 8 (troubleshoot): its rounds are planned from a seed, graded by
// their base lessons without naming the fault, advanced by any correct
// repair, solved by the catalogue's repair commands, and reset with their
// state. Each kernel test runs in a sandbox of its own.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func troubleshootLesson(t *testing.T) (*lessons.Lesson, []*lessons.Lesson, []mistakes.Mistake) {
	t.Helper()
	ls, all := embedded(t)
	for _, l := range ls {
		if l.Troubleshoot() {
			return l, ls, all
		}
	}
	t.Fatal("no troubleshooting lesson is embedded")
	return nil, nil, nil
}

// The plan is a function of the seed: the same seed gives the same
// rounds, seeds differ in what they give, every round's fault belongs to
// its base lesson and has a repair, and the three bases differ.
func TestPlanRounds(t *testing.T) {
	l, _, all := troubleshootLesson(t)
	faults := runner.Faults(l, all)
	require.GreaterOrEqual(t, len(faults), 8)
	distinct := map[string]bool{}
	for seed := int64(0); seed < 200; seed++ {
		a, err := runner.PlanRounds(l, all, seed)
		require.NoError(t, err)
		b, err := runner.PlanRounds(l, all, seed)
		require.NoError(t, err)
		require.Equal(t, a, b, "seed %d", seed)
		require.Len(t, a, len(l.Steps))
		bases := map[string]bool{}
		for _, r := range a {
			m := find(t, all, r.Fault)
			require.Equal(t, r.Base, m.Lesson)
			require.True(t, m.IsFault())
			bases[r.Base] = true
		}
		require.Len(t, bases, len(a), "seed %d repeats a network: %v", seed, a)
		distinct[fmt.Sprint(a)] = true
	}
	require.Greater(t, len(distinct), 50, "200 seeds give only %d plans", len(distinct))
	// Every fault is drawn by some seed.
	drawn := map[string]bool{}
	for seed := int64(0); seed < 2000 && len(drawn) < len(faults); seed++ {
		p, err := runner.PlanRounds(l, all, seed)
		require.NoError(t, err)
		for _, r := range p {
			drawn[r.Fault] = true
		}
	}
	require.Len(t, drawn, len(faults))
}

func find(t *testing.T, all []mistakes.Mistake, id string) mistakes.Mistake {
	t.Helper()
	for _, m := range all {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no catalogue entry %s", id)
	return mistakes.Mistake{}
}

// seedWhere finds a seed whose round 1 is the fault id (computed, so that
// the test follows the catalogue).
func seedWhere(t *testing.T, l *lessons.Lesson, all []mistakes.Mistake, id string) int64 {
	t.Helper()
	for seed := int64(1); seed < 100000; seed++ {
		p, err := runner.PlanRounds(l, all, seed)
		require.NoError(t, err)
		if p[0].Fault == id {
			return seed
		}
	}
	t.Fatalf("no seed starts with %s", id)
	return 0
}

// TestFaultsRoundTrip: for every fault (an entry with repair:), on its
// base lesson's finished network, the break makes the base lesson fail
// and the repair makes it pass again. One sandbox per base lesson: the
// faults follow one another on the repaired network, as rounds do.
func TestFaultsRoundTrip(t *testing.T) {
	l, ls, all := troubleshootLesson(t)
	for _, slug := range l.Rounds {
		base, err := lessons.Find(ls, slug)
		require.NoError(t, err)
		var fs []mistakes.Mistake
		for _, m := range runner.Faults(l, all) {
			if m.Lesson == slug {
				fs = append(fs, m)
			}
		}
		require.NotEmpty(t, fs, "lesson %s has no fault for lesson 8", slug)
		t.Run(lessonName(base), func(t *testing.T) {
			if sandboxtest.Run(t) {
				return
			}
			lab := newLab(t)
			lab.solve(base, 0)
			require.True(t, lab.grade(base).Passed)
			for _, m := range fs {
				lab.sh(m.Break)
				rep := lab.grade(base)
				require.False(t, rep.Passed, "%s: the break leaves lesson %s passing", m.ID, slug)
				require.False(t, rep.Steps[m.Step-1].Passed, "%s: step %d still passes", m.ID, m.Step)
				lab.sh(m.Repair)
				lab.requirePasses(base, m.ID+": the repair does not repair")
			}
		})
	}
}

type cliReport struct {
	Passed bool `json:"passed"`
	Score  int  `json:"score"`
	Steps  []struct {
		Passed bool `json:"passed"`
		Checks []struct {
			Status  string `json:"status"`
			Mistake string `json:"mistake"`
			Why     string `json:"why"`
		} `json:"checks"`
	} `json:"steps"`
}

func cli1(t *testing.T, args string) (string, int) {
	t.Helper()
	outs, codes := runCLI(t, 1, args)
	return outs[0], codes[0]
}

// requireSilent: the output names none of the rounds' faults (id, title)
// nor the diagnosis ids their checks would report.
func requireSilent(t *testing.T, out string, all []mistakes.Mistake, plan []runner.Round) {
	t.Helper()
	for _, r := range plan {
		m := find(t, all, r.Fault)
		require.NotContains(t, out, m.ID)
		require.NotContains(t, out, strings.TrimSpace(m.Title))
		require.NotContains(t, out, `"mistake"`)
		require.NotContains(t, out, m.Want())
	}
}

// TestTroubleshoot walks lesson 8 as a learner does, through the netlab
// command (this test binary acting as netlab, in the test's sandbox):
// setup with a seed, check (fails, names no fault), hints (method, then
// namespace, then layer), the learner's own fix (round 1 passes, round 2
// is injected), solve (repairs round 2, says the fault), the catalogue's
// repair of round 3 (check exits 0), reset (state and networks gone), and
// the same seed again gives the same faults.
func TestTroubleshoot(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l, _, all := troubleshootLesson(t)
	lab := newLab(t)
	ctx := context.Background()
	// Round 1: forwarding off in the router, fixed the learner's way
	// (conf.all.forwarding, not the catalogue's ip_forward).
	seed := seedWhere(t, l, all, "router-forwarding-off")
	plan, err := runner.PlanRounds(l, all, seed)
	require.NoError(t, err)

	out, code := cli1(t, fmt.Sprintf("check %d --json", l.ID))
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "netlab setup 8")

	out, code = cli1(t, fmt.Sprintf("setup %d --seed %d", l.ID, seed))
	require.Equal(t, 0, code, out)
	require.Contains(t, out, fmt.Sprintf("seed %d", seed))
	requireSilent(t, out, all, plan)
	st, err := runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Equal(t, plan, st.Rounds)
	require.True(t, st.Injected)
	require.Equal(t, 0, st.Done)

	out, code = cli1(t, fmt.Sprintf("check %d --json", l.ID))
	require.Equal(t, 1, code, out)
	requireSilent(t, out, all, plan)
	var rep cliReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.False(t, rep.Steps[0].Passed)
	failing := 0
	for _, c := range rep.Steps[0].Checks {
		if c.Status == "fail" {
			failing++
			require.Empty(t, c.Why)
		}
	}
	require.NotZero(t, failing, out)
	text, code := cli1(t, fmt.Sprintf("check %d", l.ID))
	require.Equal(t, 1, code, text)
	requireSilent(t, text, all, plan)
	require.Contains(t, text, "lesson 5 step 5")

	// Hints: the method, then the namespace, then the layer; the last repeats.
	var hints []string
	for i := 0; i < 4; i++ {
		h, code := cli1(t, fmt.Sprintf("hint %d", l.ID))
		require.Equal(t, 0, code, h)
		requireSilent(t, h, all, plan)
		hints = append(hints, h)
	}
	require.Contains(t, hints[0], "Start from the symptom")
	require.Contains(t, hints[1], "inside namespace router")
	require.Contains(t, hints[2], "the kernel's policy")
	require.Equal(t, hints[2], hints[3])

	lab.sh("ip netns exec router sysctl -w net.ipv4.conf.all.forwarding=1")
	out, code = cli1(t, fmt.Sprintf("check %d --json", l.ID))
	require.Equal(t, 1, code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.True(t, rep.Steps[0].Passed, out)
	require.False(t, rep.Steps[1].Passed, out)
	st, err = runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Equal(t, 1, st.Done)
	require.True(t, st.Injected)
	require.Zero(t, st.Hints, "the hints start again with the round")
	base2 := lab.lesson(plan[1].Base)
	require.False(t, lab.grade(base2).Passed, "round 2's network is not broken")

	// solve: repairs round 2 only, and says what the fault was.
	m2 := find(t, all, plan[1].Fault)
	out, code = cli1(t, fmt.Sprintf("solve %d", l.ID))
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "the fault was "+strings.TrimSpace(m2.Title))
	require.Contains(t, out, m2.RepairCommands()[0])
	st, err = runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Equal(t, 2, st.Done)
	require.False(t, lab.grade(lab.lesson(plan[2].Base)).Passed, "round 3's network is not broken")

	// Round 3 by the catalogue's repair commands.
	lab.sh(find(t, all, plan[2].Fault).Repair)
	lab.requirePasses(l, "round 3 repaired by the catalogue")
	out, code = cli1(t, fmt.Sprintf("check %d", l.ID))
	require.Equal(t, 0, code, out)
	r := lab.grade(l)
	require.Equal(t, 3, r.Score)

	out, code = cli1(t, fmt.Sprintf("reset %d", l.ID))
	require.Equal(t, 0, code, out)
	st, err = runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Nil(t, st, "reset left the rounds")
	lab.requireGone(l)

	// The same seed again: the same faults, round 1 broken again.
	var buf bytes.Buffer
	s := &runner.Solver{Grader: lab.g, Shell: runner.SysShell{}, Out: &buf, Lessons: lab.ls}
	require.NoError(t, s.SetupRounds(ctx, l, seed), buf.String())
	st, err = runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Equal(t, plan, st.Rounds)
	require.False(t, lab.grade(lab.lesson(plan[0].Base)).Passed)
	require.False(t, lab.grade(l).Steps[0].Passed)
}

// A fault in the lab's root namespace (forwarding off there) is undone by
// `reset 8` mid-round, and the rounds are forgotten.
func TestTroubleshootResetUndoesRootFault(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	l, _, all := troubleshootLesson(t)
	lab := newLab(t)
	seed := seedWhere(t, l, all, "ip-forward-off")
	out, code := cli1(t, fmt.Sprintf("setup %d --seed %d", l.ID, seed))
	require.Equal(t, 0, code, out)
	v, err := lab.k.Sysctl(context.Background(), "", "net.ipv4.ip_forward")
	require.NoError(t, err)
	require.Equal(t, "0", v)
	out, code = cli1(t, fmt.Sprintf("reset %d", l.ID))
	require.Equal(t, 0, code, out)
	v, err = lab.k.Sysctl(context.Background(), "", "net.ipv4.ip_forward")
	require.NoError(t, err)
	require.Equal(t, "1", v, out)
	st, err := runner.LoadRounds(lab.k)
	require.NoError(t, err)
	require.Nil(t, st)
	lab.requireGone(l)
}
