package i18n

import (
	"flag"
	"golang.org/x/text/language"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/golit"
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
	c, err := parseCatalogue(localesFS)
	require.NoError(t, err)
	require.Len(t, c, len(Langs), "one catalogue per language")
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
	c, err := parseCatalogue(fstest.MapFS{
		"locales/en.yaml": {Data: []byte("a: \"A {{.X}}\"\nb: B\n")},
		"locales/zh.yaml": {Data: []byte("b: 乙\n")},
	})
	require.NoError(t, err)
	l := &Localizer{lang: ZH, cat: c}
	require.Equal(t, "A 1", l.T("a", Data{"X": 1}), "missing in Chinese: English")
	require.Equal(t, "乙", l.T("b", nil))
}

func TestLookup(t *testing.T) {
	c, err := parseCatalogue(fstest.MapFS{
		"locales/en.yaml": {Data: []byte("a: \"A {{.X}}\"\nb: B\n")},
		"locales/zh.yaml": {Data: []byte("b: 乙\n")},
	})
	require.NoError(t, err)
	zh := &Localizer{lang: ZH, cat: c}
	en := &Localizer{lang: EN, cat: c}
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

var update = flag.Bool("update", false, "rewrite catalog_gen.go from locales/*.yaml")

// TestCompiledCatalogue: catalog_gen.go, which netlab reads instead of
// decoding YAML, is exactly what locales/*.yaml compile to; and netlab's
// Localizer says every message of every language as go-i18n's own
// Localizer says it from the YAML (fallback, plural forms, templates).
func TestCompiledCatalogue(t *testing.T) {
	src, err := compileCatalogues(localesFS)
	require.NoError(t, err)
	if !golit.Generated(t, "catalog_gen.go", src, *update, "go generate ./i18n") {
		return
	}

	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(localesFS, "locales/*.yaml")
	require.NoError(t, err)
	for _, f := range files {
		data, err := localesFS.ReadFile(f)
		require.NoError(t, err)
		_, err = b.ParseMessageFileBytes(data, path.Base(f))
		require.NoError(t, err)
	}
	data := Data{}
	for id := range forms(t, "en.yaml") {
		data[id] = "x" // any id may be a field name; the values only need to be there
	}
	for _, v := range varRE.FindAllStringSubmatch(string(src), -1) {
		data[v[1]] = "<" + v[1] + ">"
	}
	delete(data, "Count") // TN's count
	for _, l := range Langs {
		ref := goi18n.NewLocalizer(b, string(l), string(EN))
		ours := For(l)
		n := 0
		for id := range forms(t, "en.yaml") {
			want, _ := ref.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
			require.Equal(t, want, ours.T(id, data), "%s %s", l, id)
			for _, count := range []int{0, 1, 2, 7} {
				d := Data{"Count": count}
				for k, v := range data {
					d[k] = v
				}
				d["Count"] = count
				want, _ := ref.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
				require.Equal(t, want, ours.TN(id, count, data), "%s %s count %d", l, id, count)
			}
			n++
		}
		require.Greater(t, n, 100, "%s: the catalogue was compared", l)
	}
}
