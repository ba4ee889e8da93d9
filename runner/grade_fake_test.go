package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/netlab/netlab/i18n"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/runner"
)

// stub is a check kind whose behaviour the test chooses.
type stub struct {
	run func(ctx context.Context) checks.Result
}

func (s stub) Describe() string                                    { return "stub" }
func (s stub) Run(ctx context.Context, _ checks.Env) checks.Result { return s.run(ctx) }

type stubParams struct {
	NS string `yaml:"ns" doc:"unused"`
}

func stubKind(name string, phase checks.Phase, run func(ctx context.Context) checks.Result) *checks.Kind {
	return checks.Define(checks.Spec[stubParams]{Name: name, Phase: phase, Build: func(stubParams) (checks.Check, error) {
		return stub{run: run}, nil
	}})
}

func lessonWith(t *testing.T, reg *checks.Registry, kinds ...string) *lessons.Lesson {
	t.Helper()
	var b strings.Builder
	b.WriteString("id: 1\nslug: t\ntitle: T\nsteps:\n")
	for i, k := range kinds {
		fmt.Fprintf(&b, "  - title: s%d\n    text: x\n    hints: [h]\n    solution: echo %d\n    checks:\n      - kind: %s\n", i+1, i+1, k)
	}
	l, err := lessonyaml.Parse("t.yaml", []byte(b.String()), reg)
	require.NoError(t, err)
	return l
}

func TestGradeBoundsHangsAndPanics(t *testing.T) {
	reg := checks.NewRegistry()
	reg.Add(stubKind("ok", checks.PhaseState, func(context.Context) checks.Result { return checks.Passf("fine") }))
	reg.Add(stubKind("hang", checks.PhaseState, func(context.Context) checks.Result { select {} }))
	reg.Add(stubKind("boom", checks.PhaseState, func(context.Context) checks.Result { panic("kaboom") }))
	reg.Add(stubKind("bad", checks.PhaseState, func(context.Context) checks.Result { return checks.Failf("nope") }))
	l := lessonWith(t, reg, "ok", "hang", "boom", "bad")
	g := &runner.Grader{K: kerneltest.New(), StateTimeout: 50 * time.Millisecond}
	rep := g.Grade(context.Background(), l)
	require.Equal(t, 1, rep.Score)
	require.False(t, rep.Passed)
	require.Equal(t, checks.Pass, rep.Steps[0].Status)
	require.Equal(t, checks.Error, rep.Steps[1].Status)
	require.Contains(t, rep.Steps[1].Checks[0].Why, "gave up")
	require.Equal(t, checks.Error, rep.Steps[2].Status)
	require.Contains(t, rep.Steps[2].Checks[0].Why, "crashed")
	require.Equal(t, checks.Fail, rep.Steps[3].Status)
	require.Equal(t, 1, rep.FirstUnfinished())

	// Said in the learner's language too.
	zh := rep.Localized(i18n.ZH)
	require.Equal(t, "netlab 等了 50ms 后放弃了这项检查（内核没有应答）", zh.Steps[1].Checks[0].Why)
	require.Equal(t, "netlab 的 boom 检查崩溃了：kaboom（请报告这个问题）", zh.Steps[2].Checks[0].Why)
}

// State checks run one after another, but a kernel that answers none of
// them costs about two bounds, not one per check: once one is given up
// on, the checks after it run side by side, each under its own bound.
func TestGradeBoundsManyHangingStateChecks(t *testing.T) {
	reg := checks.NewRegistry()
	reg.Add(stubKind("hang", checks.PhaseState, func(context.Context) checks.Result { select {} }))
	l := lessonWith(t, reg, "hang", "hang", "hang", "hang", "hang", "hang", "hang", "hang")
	const bound = 400 * time.Millisecond
	start := time.Now()
	rep := (&runner.Grader{K: kerneltest.New(), StateTimeout: bound}).Grade(context.Background(), l)
	for i, s := range rep.Steps {
		require.Equal(t, checks.Error, s.Status, "step %d", i+1)
		require.Contains(t, s.Checks[0].Why, "gave up")
	}
	// One bound for the first, one for the seven after it; one bound
	// each would be eight.
	require.Less(t, time.Since(start), 4*bound)
}

// A grade whose context ends (Ctrl-C, a caller's deadline) gives up on
// the check under way at once, even one that ignores its context and
// whose own bound is an hour off; the checks after it still get a result.
func TestGradeGivesUpWhenItsContextEnds(t *testing.T) {
	reg := checks.NewRegistry()
	started := make(chan struct{})
	reg.Add(stubKind("hang", checks.PhaseState, func(context.Context) checks.Result { close(started); select {} }))
	reg.Add(stubKind("ok", checks.PhaseState, func(context.Context) checks.Result { return checks.Passf("fine") }))
	l := lessonWith(t, reg, "hang", "ok")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	g := &runner.Grader{K: kerneltest.New(), StateTimeout: time.Hour}
	rep := g.Grade(ctx, l)
	require.Equal(t, checks.Error, rep.Steps[0].Status)
	require.Contains(t, rep.Steps[0].Checks[0].Why, "gave up")
	require.NotEmpty(t, rep.Steps[1].Checks[0].Status, "the check after it has a result")
	require.Contains(t, rep.Steps[1].Checks[0].Why, "gave up", "nothing runs on under an ended context")
}

// A probe that hangs is given up on after its own bound, while the
// state checks and the other probe, which run beside it, keep their
// results.
func TestGradeBoundsAHangingProbe(t *testing.T) {
	reg := checks.NewRegistry()
	reg.Add(stubKind("stuck", checks.PhaseProbe, func(context.Context) checks.Result { select {} }))
	reg.Add(stubKind("probe", checks.PhaseProbe, func(context.Context) checks.Result { return checks.Passf("probe") }))
	reg.Add(stubKind("ok", checks.PhaseState, func(context.Context) checks.Result { return checks.Passf("fine") }))
	l := lessonWith(t, reg, "ok", "stuck", "probe", "ok")
	start := time.Now()
	rep := (&runner.Grader{K: kerneltest.New(), ProbeTimeout: time.Millisecond}).Grade(context.Background(), l)
	require.Equal(t, checks.Pass, rep.Steps[0].Status)
	require.Equal(t, checks.Error, rep.Steps[1].Status)
	require.Contains(t, rep.Steps[1].Checks[0].Why, "gave up")
	require.Equal(t, checks.Pass, rep.Steps[2].Status)
	require.Equal(t, checks.Pass, rep.Steps[3].Status)
	// The bound of a probe is its timeout plus 3s for the path walk.
	require.GreaterOrEqual(t, time.Since(start), 3*time.Second)
}

func TestGradeRunsProbesConcurrentlyAndAfterPhaseLast(t *testing.T) {
	reg := checks.NewRegistry()
	// A barrier that opens only when all three probes are in flight at
	// once: run one after another, each would give up waiting.
	var mu sync.Mutex
	inFlight, done := 0, 0
	all := make(chan struct{})
	reg.Add(stubKind("probe", checks.PhaseProbe, func(ctx context.Context) checks.Result {
		mu.Lock()
		inFlight++
		if inFlight == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-ctx.Done():
			return checks.Failf("the other probes never ran beside this one")
		}
		mu.Lock()
		done++
		mu.Unlock()
		return checks.Passf("probe")
	}))
	reg.Add(stubKind("after", checks.PhaseAfter, func(context.Context) checks.Result {
		mu.Lock()
		defer mu.Unlock()
		if done != 3 {
			return checks.Failf("ran before the probes finished (%d of 3 done)", done)
		}
		return checks.Passf("after")
	}))
	l := lessonWith(t, reg, "probe", "probe", "probe", "after")
	rep := (&runner.Grader{K: kerneltest.New(), ProbeTimeout: 2 * time.Second}).Grade(context.Background(), l)
	require.True(t, rep.Passed, "%+v", rep)
}

func TestReportJSONHasSpecFields(t *testing.T) {
	reg := checks.NewRegistry()
	reg.Add(stubKind("ok", checks.PhaseState, func(context.Context) checks.Result { return checks.Passf("fine") }))
	reg.Add(stubKind("bad", checks.PhaseState, func(context.Context) checks.Result {
		return checks.Failf("lo in ns0 is down").WithFix("ip -n ns0 link set lo up")
	}))
	l := lessonWith(t, reg, "ok", "bad")
	rep := (&runner.Grader{K: kerneltest.New()}).Grade(context.Background(), l)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	for _, k := range []string{"lesson", "slug", "passed", "score", "max_score", "steps"} {
		require.Contains(t, doc, k)
	}
	require.Equal(t, float64(1), doc["score"])
	require.Equal(t, float64(2), doc["max_score"])
	step := doc["steps"].([]any)[1].(map[string]any)
	for _, k := range []string{"step", "title", "passed", "checks"} {
		require.Contains(t, step, k)
	}
	chk := step["checks"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "status", "message", "why"} {
		require.Contains(t, chk, k)
	}
	require.Equal(t, "fail", chk["status"])
	var text bytes.Buffer
	rep.WriteText(&text)
	require.Contains(t, text.String(), "why: lo in ns0 is down")
	require.Contains(t, text.String(), "try: ip -n ns0 link set lo up")
}

func TestHintsForPutsDiagnosedMistakeFirst(t *testing.T) {
	s := lessons.Step{Hints: []lessons.Hint{{Text: "general"}, {Text: "about lo", When: "lo-down"}, {Text: "about stale", When: "ns-stale"}}}
	got := runner.HintsFor(s, runner.StepReport{Checks: []runner.CheckReport{{Status: checks.Fail, Mistake: "lo-down"}}})
	require.Equal(t, "about lo", got[0].Text)
	require.Equal(t, "general", got[1].Text)
	got = runner.HintsFor(s, runner.StepReport{})
	require.Equal(t, "general", got[0].Text)
}

type recShell struct{ cmds []string }

func (r *recShell) Run(_ context.Context, cmd string, _ io.Writer) error {
	r.cmds = append(r.cmds, cmd)
	return nil
}

func TestResetRemovesOnlyWhatTheLessonOwns(t *testing.T) {
	f := kerneltest.New()
	f.Add("ns0")
	f.NSs["ns0"].Links = append(f.NSs["ns0"].Links, kernel.Link{Name: "veth0", Type: "veth"})
	f.Add("ns1")
	f.NSs["ns1"].Links = append(f.NSs["ns1"].Links, kernel.Link{Name: "appbr", Type: "bridge"})
	f.Add("other")
	f.Add("ns9")
	f.NSs["ns9"].Foreign = true
	root := f.NSs[kernel.Root]
	root.Links = append(root.Links, kernel.Link{Name: "br0", Type: "bridge", Index: 50}, kernel.Link{Name: "eth0", Type: "device", Index: 51},
		kernel.Link{Name: "wan0", Type: "veth", Index: 52}, kernel.Link{Name: "uplinkA", Type: "veth", Index: 53, MasterIndex: 52})
	l := &lessons.Lesson{ID: 4, Owns: lessons.Owns{Namespaces: []string{"ns0", "ns1", "ns9"}, Links: []string{"br0", "wan0"},
		NSLinks: []string{"lo", "veth0"}, Ports: map[string][]string{"br0": {"veth-ns0"}}}}
	var out bytes.Buffer
	require.NoError(t, runner.Reset(context.Background(), f, []*lessons.Lesson{l}, &out))
	require.Equal(t, []string{"link ns0/veth0", "ns ns0", "link /br0"}, f.Deleted)
	require.Contains(t, f.NSs, "other")
	require.Contains(t, f.NSs, "ns1")
	require.Contains(t, out.String(), "removed namespace ns0")
	require.Contains(t, out.String(), "removed link br0")
	require.Contains(t, out.String(), "left namespace ns1: it holds link appbr")
	require.Contains(t, out.String(), "left link wan0: it has port uplinkA")
	require.Contains(t, out.String(), "left /run/netns/ns9: ")
	require.Contains(t, f.NSs, "ns9")

	out.Reset()
	require.NoError(t, runner.ResetWith(context.Background(), f, runner.ResetOptions{Lessons: []*lessons.Lesson{l}, Force: true}, &out))
	require.Contains(t, out.String(), "removed namespace ns1")
	require.Contains(t, out.String(), "removed link wan0")
	require.Contains(t, f.NSs, "ns9", "--force never removes what is not a namespace of its own")
}

func TestSolveSkipsPassingPrefixAndStopsOnFailure(t *testing.T) {
	reg := checks.NewRegistry()
	passing := map[int]bool{1: true}
	for i := 1; i <= 3; i++ {
		i := i
		reg.Add(stubKind(fmt.Sprintf("s%d", i), checks.PhaseState, func(context.Context) checks.Result {
			if passing[i] {
				return checks.Passf("ok")
			}
			return checks.Failf("not yet")
		}))
	}
	l := lessonWith(t, reg, "s1", "s2", "s3")
	sh := &recShell{}
	var out bytes.Buffer
	s := &runner.Solver{Grader: &runner.Grader{K: kerneltest.New()}, Shell: sh, Out: &out, Lessons: []*lessons.Lesson{l}}
	require.NoError(t, s.Solve(context.Background(), l, 2))
	require.Equal(t, []string{"echo 2"}, sh.cmds, "step 1 already passes; --step 2 stops after step 2")
	require.Contains(t, out.String(), "$ echo 2")
}
