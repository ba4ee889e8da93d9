package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/report"
	"github.com/netlab/netlab/runner"
)

const demo = `id: 9
slug: demo
title: Demo
steps:
  - title: One
    text: Do it.
    hints: [h]
    solution: ip netns add x
    points: 3
    checks:
      - kind: netns
        ns: x
  - title: Two
    text: Do it.
    hints: [h]
    solution: ip -n x link set lo up
    checks:
      - kind: link_up
        ns: x
        link: lo
      - kind: addr
        ns: x
        link: lo
        addr: 127.0.0.1/8
  - title: Three
    text: Do it.
    hints: [h]
    solution: ping
    points: 2
    checks:
      - kind: ping
        from: x
        to: 127.0.0.1
        local: true
`

// sample grades the demo lesson as: step 1 passes, step 2 fails one check
// (with a why full of XML's special characters), step 3 errors.
func sample(t *testing.T) runner.Report {
	t.Helper()
	l, err := lessonyaml.Parse("demo.yaml", []byte(demo), checks.Default())
	require.NoError(t, err)
	return runner.NewReport(l, [][]checks.Result{
		{checks.Passf("x exists")},
		{checks.Passf("lo up"), checks.Failf(`lo in x has no 127.0.0.1/8 <"&'>`).WithFix("ip -n x link set lo up").WithMistake("lo-down")},
		{checks.Errorf("ping needs CAP_NET_RAW")},
	})
}

func TestJUnitIsReadByARealReader(t *testing.T) {
	rep := sample(t)
	var b bytes.Buffer
	require.NoError(t, report.WriteJUnit(&b, []runner.Report{rep, rep}))
	suites, err := junit.Ingest(b.Bytes())
	require.NoError(t, err, b.String())
	require.Len(t, suites, 2)
	s := suites[0]
	s.Aggregate()
	require.Equal(t, "lesson 9 demo", s.Name)
	require.Equal(t, junit.Totals{Tests: 4, Passed: 2, Failed: 1, Error: 1}, s.Totals)
	byName := map[string]junit.Test{}
	for _, tc := range s.Tests {
		byName[tc.Classname+"/"+tc.Name] = tc
	}
	fail := byName["netlab.lesson9.demo.step2/lo in x has 127.0.0.1/8"]
	require.Equal(t, junit.StatusFailed, fail.Status)
	require.Equal(t, `lo in x has no 127.0.0.1/8 <"&'>`, fail.Message)
	require.Contains(t, fail.Error.Error(), "try: ip -n x link set lo up")
	require.Contains(t, fail.Error.Error(), "mistake: lo-down")
	errCase := byName["netlab.lesson9.demo.step3/x pings 127.0.0.1"]
	require.Equal(t, junit.StatusError, errCase.Status, "%+v", s.Tests)
	require.Equal(t, "ping needs CAP_NET_RAW", errCase.Message)
	require.Equal(t, junit.StatusPassed, byName["netlab.lesson9.demo.step1/namespace x exists"].Status)
	require.Equal(t, "9", s.Properties["lesson"])
}

func TestClassroomWeighsStepsByPoints(t *testing.T) {
	rep := sample(t)
	c := report.NewClassroom([]runner.Report{rep})
	require.Equal(t, checks.Fail, c.Status)
	require.Equal(t, 3, c.Score)
	require.Equal(t, 6, c.MaxScore)
	require.Len(t, c.Tests, 3)
	require.Equal(t, report.ClassroomTest{Name: "lesson 9 demo, step 1: One", Status: checks.Pass, Score: 3, MaxScore: 3, Message: "passed"}, c.Tests[0])
	require.Equal(t, checks.Fail, c.Tests[1].Status)
	require.Equal(t, 0, c.Tests[1].Score)
	require.Contains(t, c.Tests[1].Message, "no 127.0.0.1/8")
	require.Equal(t, checks.Error, c.Tests[2].Status)

	var b bytes.Buffer
	require.NoError(t, c.WriteJSON(&b))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &raw))
	for _, k := range []string{"status", "max_score", "tests"} {
		require.Contains(t, raw, k)
	}
	test0 := raw["tests"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "status", "score", "message"} {
		require.Contains(t, test0, k)
	}
}

func TestClassroomOverallStatus(t *testing.T) {
	l, err := lessonyaml.Parse("demo.yaml", []byte(demo), checks.Default())
	require.NoError(t, err)
	p := checks.Passf("ok")
	cases := []struct {
		name string
		res  [][]checks.Result
		want checks.Status
	}{
		{"all pass", [][]checks.Result{{p}, {p, p}, {p}}, checks.Pass},
		{"error only", [][]checks.Result{{p}, {p, p}, {checks.Errorf("x")}}, checks.Error},
		{"fail beats error", [][]checks.Result{{checks.Errorf("x")}, {p, checks.Failf("y")}, {p}}, checks.Fail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := report.NewClassroom([]runner.Report{runner.NewReport(l, tc.res)})
			require.Equal(t, tc.want, c.Status)
			if tc.want == checks.Pass {
				require.Equal(t, c.MaxScore, c.Score)
			}
		})
	}
}
