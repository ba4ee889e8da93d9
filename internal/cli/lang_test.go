package cli_test

import (
	"encoding/json"
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
	t.Setenv("NETLAB_LANG", "")
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

// TestJSONCarriesLang: check --json and check --all --json say the
// language of their texts; keys, mistake ids and exit codes are the same
// in both languages.
func TestJSONCarriesLang(t *testing.T) {
	type run struct {
		code int
		obj  map[string]any
	}
	do := func(t *testing.T, env string, args ...string) run {
		locale(t, "", "", env)
		f := kerneltest.New()
		f.Add("ns0")
		a, out, errb := app(f, true)
		code := a.Run(args)
		var obj map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &obj), errb.String())
		return run{code, obj}
	}
	for _, c := range []struct {
		name string
		args []string
		lang func(map[string]any) []any
	}{
		{"check 1 --json", []string{"check", "1", "--json"}, func(o map[string]any) []any { return []any{o["lang"]} }},
		{"check --all --json", []string{"check", "--all", "--json"}, func(o map[string]any) []any {
			out := []any{o["lang"]}
			for _, l := range o["lessons"].([]any) {
				out = append(out, l.(map[string]any)["lang"])
			}
			return out
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			en := do(t, "en_US.UTF-8", c.args...)
			zh := do(t, "zh_CN.UTF-8", c.args...)
			zhFlag := do(t, "", append(c.args, "--lang", "zh")...)
			for _, l := range c.lang(en.obj) {
				require.Equal(t, "en", l)
			}
			for _, r := range []run{zh, zhFlag} {
				for _, l := range c.lang(r.obj) {
					require.Equal(t, "zh", l)
				}
				require.Equal(t, en.code, r.code, "the exit code does not depend on the language")
				require.Equal(t, shape(en.obj), shape(r.obj), "keys and mistake ids do not depend on the language")
			}
		})
	}
}

// shape is a JSON value with every string dropped but mistake ids,
// statuses, kinds and slugs: what must not change with the language.
func shape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			switch k {
			case "mistake", "status", "kind", "slug", "was_status":
				out[k] = x
			case "elapsed_ms", "lang":
				out[k] = nil
			default:
				out[k] = shape(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = shape(x)
		}
		return out
	case string:
		return "s"
	}
	return v
}
