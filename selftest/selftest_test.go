package selftest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
	"github.com/netlab/netlab/selftest"
)

// A child started by the spawner below runs one unit with the registry
// named by envPlant, instead of the tests.
const (
	envUnit  = "NETLAB_SELFTEST_TEST_UNIT"
	envPlant = "NETLAB_SELFTEST_TEST_PLANT"
)

func TestMain(m *testing.M) {
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if os.Getenv(envUnit) == "1" {
		reg := registry(os.Getenv(envPlant))
		if err := selftest.UnitMain(context.Background(), reg, os.Args[len(os.Args)-1], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// constant wraps a real check but always answers the same.
type constant struct {
	checks.Check
	status checks.Status
}

func (c constant) Run(ctx context.Context, env checks.Env) checks.Result {
	if c.status == checks.Pass {
		return checks.Passf("planted: always passes")
	}
	return checks.Failf("planted: always fails")
}

// registry returns the default registry, with the addr checker replaced
// by one that always passes ("addr-pass") or always fails ("addr-fail").
func registry(plant string) *checks.Registry {
	reg := checks.Default()
	var st checks.Status
	switch plant {
	case "":
		return reg
	case "addr-pass":
		st = checks.Pass
	case "addr-fail":
		st = checks.Fail
	default:
		panic("unknown plant " + plant)
	}
	reg.Replace(checks.AddrKind().Wrap(func(inner checks.Check) checks.Check {
		return constant{Check: inner, status: st}
	}))
	return reg
}

// runSuite runs the real self-test, with planted checkers, inside the
// test's sandbox; the host it compares is that sandbox.
func runSuite(t *testing.T, plant string, ids ...int) selftest.Result {
	t.Helper()
	reg := registry(plant)
	ls, err := lessons.Compiled(reg)
	require.NoError(t, err)
	cat, err := mistakes.Catalog()
	require.NoError(t, err)
	k, err := kernel.New()
	require.NoError(t, err)
	t.Cleanup(func() { k.Close() })
	var pick []*lessons.Lesson
	for _, id := range ids {
		l, err := lessons.Find(ls, fmt.Sprint(id))
		require.NoError(t, err)
		pick = append(pick, l)
	}
	s := &selftest.Suite{
		Lessons: ls, Catalog: cat, Host: k, ProbeTimeout: 500 * time.Millisecond,
		Spawn: selftest.ExecSpawner(os.Args[0], nil, []string{envUnit + "=1", envPlant + "=" + plant}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := s.Run(ctx, pick)
	var b strings.Builder
	res.WriteTable(&b)
	t.Log("\n" + b.String())
	return res
}

func findings(res selftest.Result, status string) string {
	var out []string
	for _, lr := range res.Lessons {
		for _, f := range lr.Findings {
			if f.Status == status {
				out = append(out, f.Part+": "+f.Detail)
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestRealLessonsPass self-tests every embedded lesson for real: its
// progression and a catalogued mistake per step, each unit in a sandbox.
func TestRealLessonsPass(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	var ids []int
	for _, l := range ls {
		ids = append(ids, l.ID)
	}
	res := runSuite(t, "", ids...)
	require.Len(t, res.Lessons, len(ls))
	require.True(t, res.Passed, findings(res, selftest.Bad)+findings(res, selftest.Err))
	require.NotNil(t, res.HostUnchanged)
	require.True(t, *res.HostUnchanged)
}

func TestCatchesCheckerThatAlwaysPasses(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	res := runSuite(t, "addr-pass", 1)
	require.False(t, res.Passed)
	// Lesson 1's step 2 also has link_up, so the step still fails where it
	// should: only the per-check accounting can see the broken addr check.
	require.Contains(t, findings(res, selftest.Bad), `step 2 "lo in ns0 has 127.0.0.1/8" never failed in any state selftest built`)
}

func TestCatchesCheckerThatAlwaysFails(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	res := runSuite(t, "addr-fail", 1)
	require.False(t, res.Passed)
	bad := findings(res, selftest.Bad)
	require.Contains(t, bad, "solution of step 2: step 2 does not pass (lo in ns0 has 127.0.0.1/8: fail planted: always fails)")
	require.Contains(t, bad, "never passed")
}

// The judging, without a kernel: a fake spawner answers for the units.
func TestJudge(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	l, err := lessons.Find(ls, "1")
	require.NoError(t, err)
	cat := []mistakes.Mistake{{ID: "m1", Lesson: l.Slug, Step: 1, Title: "t", Break: "true"}}
	allSeen := func(u selftest.Unit) []selftest.Seen {
		var out []selftest.Seen
		for i, s := range l.Steps {
			for j := range s.Checks {
				out = append(out, selftest.Seen{Step: i + 1, Check: j, Pass: true, Fail: u.Kind == selftest.KindProgression})
			}
		}
		return out
	}
	ok := func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
		return selftest.UnitResult{Unit: u, Seen: allSeen(u), Findings: []selftest.Finding{{Lesson: u.Lesson, Part: u.String(), Status: selftest.OK}}}, nil
	}
	cases := []struct {
		name       string
		strict     bool
		spawn      selftest.Spawner
		passed     bool
		wantStatus string
		wantDetail string
	}{
		{"uncovered steps warn", false, ok, true, selftest.Warn, "not covered: step 2, 3"},
		{"uncovered steps fail when strict", true, ok, false, selftest.Bad, "not covered: step 2, 3"},
		{"a unit that cannot start is an error", false, func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
			if u.Kind == selftest.KindMistake {
				return selftest.UnitResult{}, errors.New("no sandbox")
			}
			return ok(ctx, u)
		}, false, selftest.Err, "no sandbox"},
		{"a check never failing fails", false, func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
			r, _ := ok(ctx, u)
			r.Seen[0].Fail = false
			return r, nil
		}, false, selftest.Bad, `step 1 "namespace ns0 exists" never failed`},
		{"a unit's own failure fails", false, func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
			r, _ := ok(ctx, u)
			r.Findings[0].Status = selftest.Bad
			r.Findings[0].Detail = "step 2 already passes"
			return r, nil
		}, false, selftest.Bad, "step 2 already passes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &selftest.Suite{Lessons: ls, Catalog: cat, Spawn: tc.spawn, Strict: tc.strict}
			res := s.Run(context.Background(), []*lessons.Lesson{l})
			require.Equal(t, 1+len(cat), res.Units)
			require.Equal(t, tc.passed, res.Passed)
			require.Contains(t, findings(res, tc.wantStatus), tc.wantDetail)
		})
	}
}

// Every embedded lesson is covered by selftest with no code of its own:
// the plan has its whole progression and a catalogued mistake for each of
// its steps, so that strict mode (CI) finds nothing uncovered.
func TestEveryLessonIsCovered(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	cat, err := mistakes.Catalog()
	require.NoError(t, err)
	units := selftest.Plan(ls, cat, time.Second, 0, false)
	for _, l := range ls {
		progression, steps := false, map[int]bool{}
		for _, u := range units {
			if u.Lesson != l.ID {
				continue
			}
			switch u.Kind {
			case selftest.KindProgression:
				progression = progression || (u.Step == 0 && u.To == len(l.Steps))
			case selftest.KindMistake:
				for _, m := range cat {
					if m.ID == u.Mistake {
						steps[m.Step] = true
					}
				}
			}
		}
		require.True(t, progression, "lesson %d: no unit grades its whole progression", l.ID)
		if l.Troubleshoot() {
			// Its rounds inject other lessons' catalogued faults (its
			// progression unit repairs them one by one).
			continue
		}
		for i := range l.Steps {
			require.True(t, steps[i+1], "lesson %d step %d: no catalogued mistake is injected", l.ID, i+1)
		}
	}
	// The judging agrees, strictly: every lesson passes when every unit does.
	ok := func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
		l, err := lessons.Find(ls, fmt.Sprint(u.Lesson))
		if err != nil {
			return selftest.UnitResult{}, err
		}
		var seen []selftest.Seen
		for i, s := range l.Steps {
			for j := range s.Checks {
				seen = append(seen, selftest.Seen{Step: i + 1, Check: j, Pass: true, Fail: true})
			}
		}
		return selftest.UnitResult{Unit: u, Seen: seen, Findings: []selftest.Finding{{Lesson: u.Lesson, Part: u.String(), Status: selftest.OK}}}, nil
	}
	s := &selftest.Suite{Lessons: ls, Catalog: cat, Spawn: ok, Strict: true}
	res := s.Run(context.Background(), nil)
	require.True(t, res.Passed, findings(res, selftest.Bad)+findings(res, selftest.Warn))
	require.Len(t, res.Lessons, len(ls))
	require.Equal(t, len(units), res.Units)
}

func TestDiff(t *testing.T) {
	a := selftest.State{Namespaces: []string{"x"}, Links: []string{"lo type device up"}, Rules: []string{"r1"}}
	b := selftest.State{Namespaces: []string{"x", "ns0"}, Links: []string{"lo type device up"}}
	require.Equal(t, []string{"+ namespace ns0", "- rule r1"}, selftest.Diff(a, b))
	require.Empty(t, selftest.Diff(a, a))
}

// A unit that changes the lab's root namespace from outside its own
// sandbox is caught by the host comparison.
func TestHostChangeIsCaught(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	k, err := kernel.New()
	require.NoError(t, err)
	defer k.Close()
	leak := func(ctx context.Context, u selftest.Unit) (selftest.UnitResult, error) {
		if u.Kind == selftest.KindProgression && u.Step == 0 {
			if _, err := k.Exec(ctx, kernel.Root, "ip", "link", "add", "leak0", "type", "bridge"); err != nil {
				return selftest.UnitResult{}, err
			}
		}
		return selftest.UnitResult{Unit: u}, nil
	}
	s := &selftest.Suite{Lessons: ls, Spawn: leak, Host: k}
	res := s.Run(context.Background(), ls[:1])
	require.False(t, res.Passed)
	require.NotNil(t, res.HostUnchanged)
	require.False(t, *res.HostUnchanged)
	require.Contains(t, res.HostDiff, "+ link leak0 type bridge")
}
