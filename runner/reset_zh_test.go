package runner_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// reset says each object it removes or leaves in the language asked for:
// the same objects, the same decisions, Chinese sentences with the
// kernel's names kept as they are; English stays the default.
func TestResetLinesInChinese(t *testing.T) {
	lab := func() (*kerneltest.Fake, *lessons.Lesson) {
		f := kerneltest.New()
		f.Add("ns0")
		f.NSs["ns0"].Links = append(f.NSs["ns0"].Links, kernel.Link{Name: "veth0", Type: "veth"})
		f.Add("ns1")
		f.NSs["ns1"].Links = append(f.NSs["ns1"].Links, kernel.Link{Name: "appbr", Type: "bridge"})
		f.Add("ns9")
		f.NSs["ns9"].Foreign = true
		root := f.NSs[kernel.Root]
		root.Links = append(root.Links, kernel.Link{Name: "br0", Type: "bridge", Index: 50},
			kernel.Link{Name: "wan0", Type: "veth", Index: 52}, kernel.Link{Name: "uplinkA", Type: "veth", Index: 53, MasterIndex: 52})
		return f, &lessons.Lesson{ID: 4, Owns: lessons.Owns{Namespaces: []string{"ns0", "ns1", "ns9"}, Links: []string{"br0", "wan0"},
			NSLinks: []string{"lo", "veth0"}, Ports: map[string][]string{"br0": {"veth-ns0"}}}}
	}
	var outs [2]string
	var deleted [2][]string
	for i, lang := range []i18n.Lang{i18n.ZH, ""} {
		f, l := lab()
		var out bytes.Buffer
		require.NoError(t, runner.ResetWith(context.Background(), f, runner.ResetOptions{Lessons: []*lessons.Lesson{l}, Lang: lang}, &out))
		outs[i], deleted[i] = out.String(), f.Deleted
	}
	require.Equal(t, deleted[1], deleted[0], "the language changes no decision")
	zh, en := outs[0], outs[1]
	require.Contains(t, zh, "已删除命名空间 ns0\n")
	require.Contains(t, zh, "已删除链路 br0\n")
	require.Contains(t, zh, "保留命名空间 ns1：它里面有链路 appbr，没有哪一课会创建这些；加 --force 会删除它\n")
	require.Contains(t, zh, "保留 /run/netns/ns9：它不是课程的命名空间\n")
	require.Contains(t, en, "left /run/netns/ns9: it is not a lesson namespace\n")
	require.Contains(t, zh, "保留链路 wan0：它有端口 uplinkA，没有哪一课会这样做；加 --force 会删除它\n")
	for _, w := range []string{"removed", "left ", "which no lesson", "--force removes"} {
		require.NotContains(t, zh, w)
	}
	require.Equal(t, strings.Count(en, "\n"), strings.Count(zh, "\n"), "one line per object in both languages")
	require.Contains(t, en, "removed namespace ns0\n")
	require.Contains(t, en, "left namespace ns1: it holds link appbr, which no lesson creates; --force removes it\n")
	require.Contains(t, en, "left link wan0: it has port uplinkA, which no lesson does; --force removes it\n")

	f, l := lab()
	var out bytes.Buffer
	require.NoError(t, runner.ResetWith(context.Background(), f, runner.ResetOptions{Lessons: []*lessons.Lesson{l}, Lang: i18n.ZH}, &out))
	out.Reset()
	require.NoError(t, runner.ResetWith(context.Background(), f, runner.ResetOptions{Lessons: []*lessons.Lesson{{ID: 1, Owns: lessons.Owns{Namespaces: []string{"nsX"}}}}, Lang: i18n.ZH}, &out))
	require.Equal(t, "没有要删除的：课程对象一个都不剩了\n", out.String())
}

// Lesson 8 without rounds, graded in Chinese: each round's check and its
// why are said in Chinese, with the command to begin kept as it is.
func TestTroubleshootWithoutRoundsInChinese(t *testing.T) {
	l, _, _ := troubleshootLesson(t)
	rep := (&runner.Grader{K: kerneltest.New(), Lang: i18n.ZH}).Grade(context.Background(), l)
	require.Len(t, rep.Steps, len(l.Steps))
	for _, s := range rep.Steps {
		require.Len(t, s.Checks, 1)
		c := s.Checks[0]
		require.Equal(t, i18n.T(i18n.ZH, "ts-check-set-up", nil), c.Name)
		require.Contains(t, c.Why, "`netlab setup 8`")
		require.Contains(t, c.Why, "这个实验环境里还没有布置排错轮次")
	}
}

// Setting up rounds where they cannot be kept is refused in the
// solver's language.
func TestSetupRoundsRefusedInChinese(t *testing.T) {
	l, _, _ := troubleshootLesson(t)
	var out bytes.Buffer
	s := &runner.Solver{Grader: &runner.Grader{K: kerneltest.New(), Lang: i18n.ZH}, Out: &out}
	err := s.SetupRounds(context.Background(), l, 1)
	require.Error(t, err)
	require.Contains(t, []string{i18n.T(i18n.ZH, "ts-err-no-lab", nil), i18n.T(i18n.ZH, "ts-err-no-state", nil)}, err.Error())
	require.Empty(t, out.String())
}
