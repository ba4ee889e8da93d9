package i18n

import (
	"regexp"
	"sort"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var varRE = regexp.MustCompile(`\{\{\s*\.(\w+)`)

// forms reads a catalogue file as id -> plural form -> text (a plain
// message has the single form "other").
func forms(t *testing.T, file string) map[string]map[string]string {
	t.Helper()
	data, err := localesFS.ReadFile("locales/" + file)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal(data, &raw), file)
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = map[string]string{"other": v}
		case map[string]any:
			out[id] = map[string]string{}
			for f, s := range v {
				str, ok := s.(string)
				require.True(t, ok, "%s: %s.%s is no string", file, id, f)
				out[id][f] = str
			}
		default:
			t.Fatalf("%s: %s is neither a string nor plural forms", file, id)
		}
	}
	return out
}

func vars(s string) []string {
	var out []string
	for _, m := range varRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// TestCatalogues: every message exists in every language, with the same
// template variables, and the plural forms each language needs.
func TestCatalogues(t *testing.T) {
	_, err := bundleAll()
	require.NoError(t, err)
	_, err = bundleEN()
	require.NoError(t, err)
	en := forms(t, "en.yaml")
	require.NotEmpty(t, en)
	zh := forms(t, "zh.yaml")
	for id, ef := range en {
		zf, ok := zh[id]
		require.True(t, ok, "message %s has no Chinese (locales/zh.yaml)", id)
		require.Contains(t, zf, "other", id)
		for _, f := range []string{"one"} {
			require.NotContains(t, zf, f, "%s: Chinese has no %q plural form", id, f)
		}
		if len(ef) > 1 {
			require.Contains(t, ef, "one", id)
		}
		require.Equal(t, vars(ef["other"]), vars(zf["other"]), "%s: template variables differ", id)
		require.NotEqual(t, ef["other"], zf["other"], "%s: not translated", id)
	}
	for id := range zh {
		require.Contains(t, en, id, "locales/zh.yaml has %s, which English (the source) has not", id)
	}
}

func TestT(t *testing.T) {
	d := Data{"Key": `"99"`, "Lessons": "1 netns, 2 veth"}
	require.Equal(t, `no lesson "99": the lessons are 1 netns, 2 veth`, T(EN, "lesson-unknown", d))
	require.Equal(t, `没有课程 "99"：现有的课程是 1 netns, 2 veth`, T(ZH, "lesson-unknown", d))
	require.Equal(t, "1 step left", TN(EN, "steps-left", 1, nil))
	require.Equal(t, "3 steps left", TN(EN, "steps-left", 3, nil))
	require.Equal(t, "还剩 3 步", TN(ZH, "steps-left", 3, nil))
	require.Equal(t, "no-such-message", T(ZH, "no-such-message", nil), "an unknown id shows itself")
	require.Equal(t, ZH, For(ZH).Lang())
	require.EqualError(t, For(ZH).Errorf("hint-label", nil), "提示")
}

func TestFallbackToEnglish(t *testing.T) {
	b, err := newBundle(fstest.MapFS{
		"locales/en.yaml": {Data: []byte("a: \"A {{.X}}\"\nb: B\n")},
		"locales/zh.yaml": {Data: []byte("b: 乙\n")},
	})
	require.NoError(t, err)
	l := &Localizer{lang: ZH, loc: goi18n.NewLocalizer(b, "zh", "en")}
	require.Equal(t, "A 1", l.T("a", Data{"X": 1}), "missing in Chinese: English")
	require.Equal(t, "乙", l.T("b", nil))
}

func TestLookup(t *testing.T) {
	b, err := newBundle(fstest.MapFS{
		"locales/en.yaml": {Data: []byte("a: \"A {{.X}}\"\nb: B\n")},
		"locales/zh.yaml": {Data: []byte("b: 乙\n")},
	})
	require.NoError(t, err)
	zh := &Localizer{lang: ZH, loc: goi18n.NewLocalizer(b, "zh", "en")}
	en := &Localizer{lang: EN, loc: goi18n.NewLocalizer(b, "en")}
	for _, c := range []struct {
		l    *Localizer
		id   string
		want string
		ok   bool
	}{
		{zh, "b", "乙", true},
		{zh, "a", "", false}, // no fallback to English
		{en, "a", "A 1", true},
		{en, "nope", "", false},
	} {
		got, ok := c.l.Lookup(c.id, Data{"X": 1})
		require.Equal(t, c.ok, ok, c.id)
		require.Equal(t, c.want, got, c.id)
	}
}
