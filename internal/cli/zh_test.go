package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// TestErrorsInChinese: every usage and environment error netlab says in
// one sentence is said in Chinese under a zh locale, and in English
// otherwise; the exit code does not change.
func TestErrorsInChinese(t *testing.T) {
	for _, c := range []struct {
		args       []string
		privileged bool
		zh, en     string
	}{
		{[]string{"lesson", "99"}, true, `没有课程 "99"：现有的课程是 1 netns, 2 veth`, `no lesson "99": the lessons are 1 netns`},
		{[]string{"check", "9"}, true, `没有课程 "9"`, `no lesson "9"`},
		{[]string{"check"}, true, "check 需要一个课程", "check needs one lesson"},
		{[]string{"hint", "1", "2"}, true, "hint 需要一个课程", "hint needs one lesson"},
		{[]string{"check", "--all", "1"}, true, "check --all 不接受课程参数", "check --all takes no lesson"},
		{[]string{"check", "1", "--junit="}, true, "--junit 需要一个文件名", "--junit needs a file name"},
		{[]string{"reset", "1"}, false, "netlab 只有以 root 身份才能改动这台机器自己的网络", "netlab changes this machine's own network only as root"},
		{[]string{"solve", "1", "--step", "9"}, true, "第 1 课只有第 1 到 3 步；--step 9 不在其中", "lesson 1 has steps 1 to 3; --step 9 is not one of them"},
		{[]string{"solve", "1", "--step", "x"}, true, `--step 需要一个整数，不能是 "x"`, `--step takes a whole number, not "x"`},
		{[]string{"check", "1", "--probe-timeout", "1ms"}, true, "--probe-timeout 至少要 10ms，不能是 1ms", "--probe-timeout must be at least 10ms, not 1ms"},
		{[]string{"check", "1", "--probe-timeout", "soon"}, true, `--probe-timeout 需要一个时长`, `--probe-timeout takes a duration like 500ms or 2s`},
		{[]string{"check", "1", "--jsn"}, true, "（见 netlab --help）", "(see netlab --help)"},
		{[]string{"reset"}, true, "reset 需要一个课程（编号或名字）或者 --all", "reset needs one lesson (by number or name) or --all"},
		{[]string{"setup", "1", "--seed", "3"}, true, "--seed 用来选择排错课程里的故障；第 1 课（netns）没有故障可选", "--seed chooses the faults of a troubleshooting lesson; lesson 1 (netns) has none"},
		{[]string{"class"}, true, "class 需要学员的报告文件", "class needs the learners' report files"},
		{[]string{"watch"}, true, "watch 需要一个课程", "watch needs one lesson"},
	} {
		t.Run(strings.Join(c.args, "_"), func(t *testing.T) {
			codes := map[string]int{}
			for _, env := range []string{"zh_CN.UTF-8", "en_US.UTF-8"} {
				locale(t, "", "", env)
				a, _, errb := app(kerneltest.New(), c.privileged)
				codes[env] = a.Run(c.args)
				line := oneLine(t, errb.String())
				if env == "zh_CN.UTF-8" {
					require.Contains(t, line, c.zh)
					require.True(t, zhtest.HasHan(line), line)
				} else {
					require.Contains(t, line, c.en)
					require.False(t, zhtest.HasHan(line), line)
				}
			}
			require.NotEqual(t, cli.ExitOK, codes["en_US.UTF-8"])
			require.Equal(t, codes["en_US.UTF-8"], codes["zh_CN.UTF-8"], "the exit code does not depend on the language")
		})
	}
}

// TestOwnWordsInChinese: the text of check, list, hint and lesson (without
// a terminal) is netlab's own words in the chosen language around the
// lesson's translated texts.
func TestOwnWordsInChinese(t *testing.T) {
	partial := func() *kerneltest.Fake {
		f := kerneltest.New()
		f.Add("ns0")
		return f
	}
	for _, c := range []struct {
		name   string
		fake   func() *kerneltest.Fake
		args   []string
		zh, en []string
	}{
		{"check text", partial, []string{"check", "1"},
			[]string{"第 1 课 netns：", "[1/3 步]", "原因：", "试试："},
			[]string{"Lesson 1 netns:", "[1/3 steps]", "why:", "try:"}},
		{"check done", lesson1Done, []string{"check", "1"},
			[]string{"所有步骤都通过了，做得好。"}, []string{"All steps pass. Well done."}},
		{"check --all summary", partial, []string{"check", "--all"},
			[]string{"课通过（", "还没完成：第 1 课 netns（第 2, 3 步）"}, []string{"lessons pass (", "not yet: 1 netns (steps 2, 3)"}},
		{"list", kerneltest.New, []string{"list"},
			[]string{"netlab 课程：", "（3 步）", "下一课：netlab lesson 1（netns）"}, []string{"netlab lessons:", "(3 steps)", "Next: netlab lesson 1 (netns)"}},
		{"hint", partial, []string{"hint", "1"},
			[]string{"第 2 步：", "  提示："}, []string{"Step 2: ", "  hint: "}},
		{"hint done", lesson1Done, []string{"hint", "1"},
			[]string{"第 1 课已经完成，不需要提示。"}, []string{"Lesson 1 is complete: no hint needed."}},
		{"lesson text", partial, []string{"lesson", "1"},
			[]string{"第 1 课 netns：", "步骤：", "下一步，第 2 步：", "做完后：netlab check 1    卡住了：netlab hint 1"},
			[]string{"Lesson 1 netns:", "Steps:", "Next, step 2:", "When done: netlab check 1    Stuck: netlab hint 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, env := range []string{"zh_CN.UTF-8", "C"} {
				locale(t, "", "", env)
				a, out, errb := app(c.fake(), true)
				a.Run(c.args)
				want, not := c.zh, c.en
				if env == "C" {
					want, not = c.en, c.zh
				}
				for _, s := range want {
					require.Contains(t, out.String(), s, "%s\n%s", env, errb.String())
				}
				for _, s := range not {
					require.NotContains(t, out.String(), s, env)
				}
			}
		})
	}
}

// TestHelpInChinese: every command's one-line help is in the chosen
// language.
func TestHelpInChinese(t *testing.T) {
	for _, c := range []struct {
		env  string
		want []string
	}{
		{"zh_CN.UTF-8", []string{"netlab 通过动手来教网络命名空间", "列出课程和建议的下一课", "给一课评一次分", "运行参考答案", "删除课程创建的东西"}},
		{"en_US.UTF-8", []string{"netlab teaches network namespaces", "List the lessons and the suggested next one", "Grade a lesson once", "Run the reference solution"}},
	} {
		locale(t, "", "", c.env)
		a, out, errb := app(kerneltest.New(), true)
		require.Equal(t, cli.ExitOK, a.Run([]string{"--help"}), errb.String())
		for _, s := range c.want {
			require.Contains(t, out.String(), s, c.env)
		}
	}
}

// TestWhysInChinese: `LANG=zh_CN.UTF-8 netlab check N --json` on a wrong
// state gives the converted whys in Chinese; the mistake ids and the
// statuses are the English run's.
func TestWhysInChinese(t *testing.T) {
	for _, c := range []struct {
		name string
		fake func() *kerneltest.Fake
		args []string
		zh   string
	}{
		{"lesson 1, lo down", func() *kerneltest.Fake { f := kerneltest.New(); f.Add("ns0"); return f }, []string{"check", "1", "--json"}, "ns0 里的 lo 是 down 的"},
		{"lesson 2, fresh", kerneltest.New, []string{"check", "2", "--json"}, "命名空间 ns0 不存在"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var whys = map[string][]string{}
			var mistakes = map[string][]string{}
			for _, env := range []string{"zh_CN.UTF-8", "C"} {
				locale(t, "", "", env)
				a, out, _ := app(c.fake(), true)
				require.Equal(t, cli.ExitFail, a.Run(c.args))
				var rep struct {
					Lang  string `json:"lang"`
					Steps []struct {
						Checks []struct{ Why, Mistake, Status string }
					}
				}
				require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
				for _, s := range rep.Steps {
					for _, ck := range s.Checks {
						if ck.Why != "" {
							whys[env] = append(whys[env], ck.Why)
						}
						mistakes[env] = append(mistakes[env], ck.Status+" "+ck.Mistake)
					}
				}
			}
			require.Equal(t, mistakes["C"], mistakes["zh_CN.UTF-8"])
			joined := strings.Join(whys["zh_CN.UTF-8"], "\n")
			require.Contains(t, joined, c.zh)
			require.True(t, zhtest.HasHan(whys["zh_CN.UTF-8"][0]), whys["zh_CN.UTF-8"][0])
			require.False(t, zhtest.HasHan(strings.Join(whys["C"], "\n")))
		})
	}
}

// TestListColumnsLineUp: in both languages the step counts of netlab list
// start at the same terminal column on every line (a Chinese character
// takes two columns).
func TestListColumnsLineUp(t *testing.T) {
	for _, c := range []struct{ env, open string }{{"zh_CN.UTF-8", "（"}, {"C", "("}} {
		locale(t, "", "", c.env)
		a, out, _ := app(kerneltest.New(), true)
		require.Equal(t, cli.ExitOK, a.Run([]string{"list"}))
		cols := map[int]bool{}
		for _, ln := range strings.Split(out.String(), "\n") {
			if i := strings.LastIndex(ln, c.open); i > 0 && strings.HasPrefix(ln, "  ") {
				cols[i18n.Width(ln[:i])] = true
			}
		}
		require.Len(t, cols, 1, "%s:\n%s", c.env, out.String())
	}
}
