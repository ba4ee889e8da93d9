package selftest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/selftest"
)

const twoSteps = `id: 9
slug: demo
title: Demo
owns:
  namespaces: [x]
steps:
  - title: One
    text: Do it.
    hints: [h]
    solution: |
      true
    checks:
      - kind: netns
        ns: x
  - title: Two
    text: Do it.
    hints: [h]
    solution: |
      echo building && false
      echo never runs
    checks:
      - kind: link_up
        ns: x
        link: lo
`

// The unit logic against a fake kernel that the (harmless) solution
// commands do not change: what the unit concludes depends only on the
// fake's state and the lesson.
func TestRunUnit(t *testing.T) {
	l, err := lessonyaml.Parse("demo.yaml", []byte(twoSteps), checks.Default())
	require.NoError(t, err)
	cases := []struct {
		name    string
		nsThere bool
		unit    selftest.Unit
		catalog []mistakes.Mistake
		status  string
		part    string
		detail  string
	}{
		{"fresh state that already passes", true, selftest.Unit{Kind: selftest.KindProgression}, nil,
			selftest.Bad, "fresh state fails every step", "step 1 passes before anything was done"},
		{"fresh state that fails", false, selftest.Unit{Kind: selftest.KindProgression}, nil,
			selftest.OK, "fresh state fails every step", ""},
		{"a step whose solution does nothing", false, selftest.Unit{Kind: selftest.KindProgression, Step: 1, To: 1}, nil,
			selftest.Bad, "solution of step 1", "step 1 does not pass (namespace x exists: fail namespace x does not exist"},
		{"a failing solution command is named", true, selftest.Unit{Kind: selftest.KindProgression, Step: 1, To: 2}, nil,
			selftest.Err, "solution of step 2", "`echo building && false` failed (exit status 1): $ echo building && false building"},
		{"next step passing too early", true, selftest.Unit{Kind: selftest.KindProgression, Step: 1, To: 1}, nil,
			selftest.Bad, "solution of step 1", "step 2 already passes"},
		{"mistake diagnosed", false, selftest.Unit{Kind: selftest.KindMistake, Mistake: "gone"},
			[]mistakes.Mistake{{ID: "gone", Lesson: "demo", Step: 1, Title: "t", Start: "fresh", Break: "true", ExpectMistake: "ns-missing", ExpectWhy: []string{"does not exist"}}},
			selftest.OK, "step 1 mistake gone", "diagnosed: ns-missing"},
		{"mistake with the wrong why", false, selftest.Unit{Kind: selftest.KindMistake, Mistake: "gone"},
			[]mistakes.Mistake{{ID: "gone", Lesson: "demo", Step: 1, Title: "t", Start: "fresh", Break: "true", ExpectMistake: "ns-missing", ExpectWhy: []string{"is a leftover"}}},
			selftest.Bad, "step 1 mistake gone", `lacks "is a leftover"`},
		{"mistake with the wrong id", false, selftest.Unit{Kind: selftest.KindMistake, Mistake: "gone"},
			[]mistakes.Mistake{{ID: "gone", Lesson: "demo", Step: 1, Title: "t", Start: "fresh", Break: "true"}},
			selftest.Bad, "step 1 mistake gone", `no check diagnoses gone (want mistake "gone")`},
		{"mistake that breaks nothing", true, selftest.Unit{Kind: selftest.KindMistake, Mistake: "gone"},
			[]mistakes.Mistake{{ID: "gone", Lesson: "demo", Step: 1, Title: "t", Start: "fresh", Break: "true"}},
			selftest.Bad, "step 1 mistake gone", "step 1 still passes after the mistake"},
		{"mistake naming a step the lesson lacks", true, selftest.Unit{Kind: selftest.KindMistake, Mistake: "gone"},
			[]mistakes.Mistake{{ID: "gone", Lesson: "demo", Step: 7, Title: "t", Break: "true"}},
			selftest.Bad, "step 7 mistake gone", "lesson 9 has 2 steps"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := kerneltest.New()
			if tc.nsThere {
				ns := f.Add("x")
				ns.Links[0].AdminUp, ns.Links[0].LowerUp = true, true
			}
			tc.unit.Lesson = 9
			env := selftest.Env{Lab: f, Shell: runner.SysShell{}, Lessons: []*lessons.Lesson{l}, Catalog: tc.catalog}
			res := selftest.RunUnit(context.Background(), env, tc.unit)
			var got []string
			for _, fd := range res.Findings {
				got = append(got, fd.Part+" | "+fd.Status+" | "+fd.Detail)
				if fd.Part == tc.part {
					require.Equal(t, tc.status, fd.Status, fd.Detail)
					require.Contains(t, fd.Detail, tc.detail)
					return
				}
			}
			t.Fatalf("no finding %q in:\n%s", tc.part, strings.Join(got, "\n"))
		})
	}
}

func TestPlan(t *testing.T) {
	l, err := lessonyaml.Parse("demo.yaml", []byte(twoSteps), checks.Default())
	require.NoError(t, err)
	cat := []mistakes.Mistake{
		{ID: "a", Lesson: "demo", Step: 1}, {ID: "b", Lesson: "demo", Step: 1},
		{ID: "c", Lesson: "demo", Step: 2}, {ID: "other", Lesson: "nope", Step: 1},
	}
	names := func(us []selftest.Unit) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.String())
		}
		return out
	}
	ls := []*lessons.Lesson{l}
	require.Equal(t, []string{"lesson 9 progression after steps 0-2", "lesson 9 mistake a", "lesson 9 mistake c"},
		names(selftest.Plan(ls, cat, 0, 0, false)))
	require.Equal(t, []string{"lesson 9 progression after steps 0-2", "lesson 9 mistake a", "lesson 9 mistake b", "lesson 9 mistake c"},
		names(selftest.Plan(ls, cat, 0, 0, true)))
	require.Equal(t, []string{"lesson 9 progression after steps 2-2", "lesson 9 progression after steps 0-1"},
		names(selftest.Plan(ls, nil, 0, 2, false)))
}

// The first mistake of step 1 leaves a check never failing; the second
// wave injects the step's other mistake, which breaks it.
func TestSecondWave(t *testing.T) {
	l, err := lessonyaml.Parse("demo.yaml", []byte(twoSteps), checks.Default())
	require.NoError(t, err)
	cat := []mistakes.Mistake{{ID: "a", Lesson: "demo", Step: 1}, {ID: "b", Lesson: "demo", Step: 1}, {ID: "c", Lesson: "demo", Step: 2}}
	var ran []string
	spawn := func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
		ran = append(ran, u.String())
		r := selftest.UnitResult{Unit: u}
		switch {
		case u.Kind == selftest.KindProgression:
			// Step 1's check passes everywhere; step 2's fails fresh.
			r.Seen = []selftest.Seen{{Step: 1, Check: 0, Pass: true}, {Step: 2, Check: 0, Pass: true, Fail: true}}
		case u.Mistake == "b":
			r.Seen = []selftest.Seen{{Step: 1, Check: 0, Fail: true}}
		}
		return r, nil
	}
	s := &selftest.Suite{Lessons: []*lessons.Lesson{l}, Catalog: cat, Spawn: spawn, Parallel: 1}
	res := s.Run(context.Background(), nil)
	require.Equal(t, 4, res.Units)
	require.Equal(t, "lesson 9 mistake b", ran[len(ran)-1])
	require.True(t, res.Passed, "%+v", res.Lessons)
}
