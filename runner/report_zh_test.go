package runner_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

func zhReport(passed bool) runner.Report {
	st := checks.Fail
	if passed {
		st = checks.Pass
	}
	sr := runner.StepReport{Step: 1, Title: "创建 ns0", Passed: passed, Status: st,
		Checks: []runner.CheckReport{{Name: "ns0", Status: st, Why: "命名空间 ns0 不存在", Fix: "ip netns add ns0"}}}
	if passed {
		sr.Checks[0].Why, sr.Checks[0].Fix = "", ""
	}
	score := 0
	if passed {
		score = 1
	}
	return runner.Report{Lesson: 1, Slug: "netns", Title: "网络命名空间", Passed: passed, Score: score, MaxScore: 1,
		Steps: []runner.StepReport{sr}, Lang: i18n.ZH}
}

// TestReportInChinese: the text report, its summary and check --all's
// closing line speak the report's language.
func TestReportInChinese(t *testing.T) {
	for _, c := range []struct {
		name string
		rep  runner.Report
		want string
	}{
		{"failing", zhReport(false), "第 1 课 netns：网络命名空间  [0/1 步]\n  ✗ 1. 创建 ns0\n      ✗ ns0\n        原因： 命名空间 ns0 不存在\n        试试： ip netns add ns0\n"},
		{"passing", zhReport(true), "第 1 课 netns：网络命名空间  [1/1 步]\n  ✓ 1. 创建 ns0\n所有步骤都通过了，做得好。\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.rep.WriteText(&b)
			require.Equal(t, c.want, b.String())
			en := c.rep
			en.Lang = ""
			b.Reset()
			en.WriteText(&b)
			require.Contains(t, b.String(), "Lesson 1 netns: 网络命名空间  [")
		})
	}
	require.Equal(t, "全部 1 课都通过了（1/1 步）。", runner.AllSummary([]runner.Report{zhReport(true)}))
	two := zhReport(false)
	two.MaxScore, two.Steps = 2, append(two.Steps, two.Steps[0])
	two.Steps[1].Step = 2
	require.Equal(t, "1/2 课通过（1/3 步）；还没完成：第 1 课 netns（第 1, 2 步）。",
		runner.AllSummary([]runner.Report{zhReport(true), two}))
	enTwo := two
	enTwo.Lang = i18n.EN
	require.Equal(t, "0/1 lessons pass (0/2 steps); not yet: 1 netns (steps 1, 2).", runner.AllSummary([]runner.Report{enTwo}))
}

// TestGraderRecordsLang: a report says the language it was graded in.
func TestGraderRecordsLang(t *testing.T) {
	reg := checks.NewRegistry()
	reg.Add(stubKind("s1", checks.PhaseState, func(context.Context) checks.Result { return checks.Failf("not yet") }))
	l := lessonWith(t, reg, "s1")
	for _, c := range []struct {
		lang, want i18n.Lang
	}{{"", i18n.EN}, {i18n.EN, i18n.EN}, {i18n.ZH, i18n.ZH}} {
		rep := (&runner.Grader{K: kerneltest.New(), Lang: c.lang}).Grade(context.Background(), l)
		require.Equal(t, c.want, rep.Lang)
	}
}

// TestSolveInChinese: solve's step headers and its failure are in the
// grader's language; the commands are printed as they are.
func TestSolveInChinese(t *testing.T) {
	reg := checks.NewRegistry()
	for _, name := range []string{"s1", "s2"} {
		reg.Add(stubKind(name, checks.PhaseState, func(context.Context) checks.Result { return checks.Failf("not yet") }))
	}
	l := lessonWith(t, reg, "s1", "s2")
	sh := &failShell{fail: "echo 2"}
	var out bytes.Buffer
	s := &runner.Solver{Grader: &runner.Grader{K: kerneltest.New(), Lang: i18n.ZH}, Shell: sh, Out: &out, Lessons: []*lessons.Lesson{l}}
	err := s.Solve(context.Background(), l, 0)
	require.ErrorContains(t, err, "第 2 步：`echo 2` 执行失败")
	require.ErrorContains(t, err, "`netlab reset 1`")
	require.Contains(t, out.String(), "# 第 1 步：")
	require.Contains(t, out.String(), "$ echo 1\n")
}

// TestSayWhyChineseSpacing: a name that is Chinese words (the root
// namespace) is not spaced off the Chinese around it; a Latin one is.
func TestSayWhyChineseSpacing(t *testing.T) {
	for _, c := range []struct {
		ns   any
		en   string
		want string
	}{
		{checks.Msg{ID: "why-root-ns"}, "net.ipv4.ip_forward is 0 in the lab's root namespace, not 1", "实验的根命名空间里的 net.ipv4.ip_forward 是 0，不是 1"},
		{"r1", "net.ipv4.ip_forward is 0 in r1, not 1", "r1 里的 net.ipv4.ip_forward 是 0，不是 1"},
	} {
		got, ok := runner.SayWhy(i18n.ZH, c.en, []checks.Msg{{ID: "why-sysctl-value", Data: checks.D{"Key": "net.ipv4.ip_forward", "Value": "0", "NS": c.ns, "Want": "1"}}})
		require.True(t, ok)
		require.Equal(t, c.want, got)
	}
}
