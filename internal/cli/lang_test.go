package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/cli"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// locale sets the locale variables for one test (unset ones empty, which
// counts as unset).
func locale(t *testing.T, lcAll, lcMessages, lang string) {
	t.Setenv("LC_ALL", lcAll)
	t.Setenv("LC_MESSAGES", lcMessages)
	t.Setenv("LANG", lang)
	t.Setenv("NETLAB_SESSION", "")
}

// TestLessonLanguage: `netlab lesson N </dev/null` prints the lesson in
// the language SPEC §5 chooses; --lang overrides the locale.
func TestLessonLanguage(t *testing.T) {
	const (
		zhTitle = "网络命名空间与回环接口"
		enTitle = "Network namespaces and loopback"
		zhStep  = "创建命名空间 ns0"
	)
	for _, c := range []struct {
		name                   string
		lcAll, lcMessages, env string
		args                   []string
		zh                     bool
	}{
		{name: "LANG zh", env: "zh_CN.UTF-8", args: []string{"lesson", "1"}, zh: true},
		{name: "LANG en", env: "en_US.UTF-8", args: []string{"lesson", "1"}},
		{name: "no locale", args: []string{"lesson", "1"}},
		{name: "--lang en beats LANG zh", env: "zh_CN.UTF-8", args: []string{"lesson", "1", "--lang", "en"}},
		{name: "--lang=en before the command", env: "zh_CN.UTF-8", args: []string{"--lang=en", "lesson", "netns"}},
		{name: "--lang zh beats LANG en", env: "en_US.UTF-8", args: []string{"--lang", "zh", "lesson", "1"}, zh: true},
		{name: "LC_ALL C beats LANG zh", lcAll: "C", env: "zh_CN.UTF-8", args: []string{"lesson", "1"}},
		{name: "LC_MESSAGES zh beats LANG en", lcMessages: "zh_CN.UTF-8", env: "en_US.UTF-8", args: []string{"lesson", "1"}, zh: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			locale(t, c.lcAll, c.lcMessages, c.env)
			a, out, errb := app(kerneltest.New(), false)
			require.Equal(t, cli.ExitOK, a.Run(c.args), errb.String())
			if c.zh {
				require.Contains(t, out.String(), zhTitle)
				require.Contains(t, out.String(), zhStep)
				require.NotContains(t, out.String(), enTitle)
				// The commands a learner types are the same in Chinese.
				require.Contains(t, out.String(), "    ip netns add ns0\n")
			} else {
				require.Contains(t, out.String(), enTitle)
				require.NotContains(t, out.String(), zhTitle)
			}
		})
	}
}

func TestBadLang(t *testing.T) {
	locale(t, "", "", "zh_CN.UTF-8")
	a, out, errb := app(kerneltest.New(), false)
	require.Equal(t, cli.ExitUsage, a.Run([]string{"lesson", "1", "--lang", "fr"}))
	require.Equal(t, `不认识的语言 "fr"：netlab 只会 en 和 zh`, oneLine(t, errb.String()))
	require.Empty(t, out.String())

	locale(t, "", "", "")
	a, _, errb = app(kerneltest.New(), false)
	require.Equal(t, cli.ExitUsage, a.Run([]string{"--lang=xx", "list"}))
	require.True(t, strings.HasPrefix(oneLine(t, errb.String()), `unknown language "xx"`))
}

// TestLangInGuidedShell: inside a guided shell a command without a lesson
// grades the shell's lesson; --lang must not hide that default.
func TestLangInGuidedShell(t *testing.T) {
	locale(t, "", "", "")
	t.Setenv("NETLAB_LESSON", "1")
	a, out, errb := app(lesson1Done(), true)
	require.Equal(t, cli.ExitOK, a.Run([]string{"check", "--lang", "zh"}), errb.String())
	require.Contains(t, out.String(), "创建命名空间 ns0", "lesson 1, graded, with its Chinese step titles")
}
