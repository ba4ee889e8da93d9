package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// TestGuidedLessonInChinese runs lesson 1 in the guided shell through a
// pty in Chinese: chosen by the locale, and by --lang under an English
// locale (then the netlab processes inside the shell, which grade after
// each command, learn the language from the shell's environment). The
// intro, the step lines and netlab's own words are Chinese; the prompt
// and the commands are not translated.
func TestGuidedLessonInChinese(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	all, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	zhAll, err := lessons.Localize(all, i18n.ZH)
	require.NoError(t, err)
	zh, err := lessons.Find(zhAll, "netns")
	require.NoError(t, err)
	en := lesson(t, "netns")
	require.NotEqual(t, en.Title, zh.Title, "lesson 1 has a Chinese translation")
	for _, c := range []struct {
		name string
		env  []string
		args []string
	}{
		{"LANG=zh_CN.UTF-8", []string{"LC_ALL=", "LC_MESSAGES=", "LANG=zh_CN.UTF-8"}, []string{"lesson", "1"}},
		{"--lang zh under LANG=C", []string{"LC_ALL=", "LC_MESSAGES=", "LANG=C"}, []string{"lesson", "1", "--lang", "zh"}},
	} {
		t.Run(c.name, func(t *testing.T) { guidedInChinese(t, zh, en, c.env, c.args) })
	}
}

func guidedInChinese(t *testing.T, zh, en *lessons.Lesson, locale, args []string) {
	n := len(zh.Steps)
	env := append(shellEnv(t, "/bin/bash"), locale...)
	tm := startTerm(t, env, args...)
	tm.Expect(0, prompt, 30*time.Second)
	start := tm.Since(0)
	require.Contains(t, start, "第 1 课 netns："+zh.Title)
	require.Contains(t, start, strings.TrimSpace(strings.SplitN(strings.TrimSpace(zh.Intro), "\n", 2)[0]))
	require.Contains(t, start, "你在一个私有沙箱里")
	require.Contains(t, start, "→ 第 1/"+strconv.Itoa(n)+" 步："+zh.Steps[0].Title)
	require.Contains(t, start, "[netlab netns 1/"+strconv.Itoa(n)+"] # ", "the prompt is not translated")
	require.NotContains(t, start, en.Title)
	require.NotContains(t, start, "You are in a private sandbox")

	for i, s := range zh.Steps {
		k := i + 1
		for _, cmd := range s.Commands() {
			tm.run(cmd)
		}
		// By the end of its step (a step marked passes_early may complete
		// with an earlier one), each step is reported once, in Chinese.
		all := tm.Since(0)
		require.Equal(t, 1, strings.Count(all, guided.CompletionLineIn(i18n.ZH, zh, k)), "step %d, in Chinese:\n%s", k, all)
		require.NotContains(t, all, guided.CompletionLine(en, k))
	}
	require.Contains(t, tm.Since(0), "[netlab netns 2/"+strconv.Itoa(n)+"] # ", "the prompt is not translated")
	require.Contains(t, tm.Since(0), "★ 第 1 课（netns）完成")
	require.Contains(t, tm.Since(0), "[netlab netns done] # ")

	// The learner's own netlab inside the shell speaks the same language.
	require.Contains(t, tm.run("netlab check"), "所有步骤都通过了，做得好。")

	off := tm.Len()
	tm.Send("exit")
	tm.Expect(off, "已离开第 1 课（netns）", 30*time.Second)
	require.NoError(t, tm.Wait(30*time.Second))
	t.Log("transcript:\n" + tm.Since(0))
}
