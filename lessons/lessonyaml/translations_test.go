package lessonyaml

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/strictyaml"
	"github.com/netlab/netlab/lessons"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for f, s := range files {
		m[f] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

func TestLoadTranslationsStrict(t *testing.T) {
	_, err := LoadTranslations(mapFS(map[string]string{"zh/x.yaml": "id: 1\nslug: netns\ntitel: x\n"}), "zh")
	require.ErrorContains(t, err, "field titel not found")
	_, err = LoadTranslations(mapFS(map[string]string{"zh/a.yaml": "id: 1\nslug: netns\n", "zh/b.yaml": "id: 1\nslug: netns\n"}), "zh")
	require.ErrorContains(t, err, "translated already")
	_, err = LoadTranslations(mapFS(map[string]string{"zh/a.yaml": "id: 1\n"}), "zh")
	require.ErrorContains(t, err, "no slug")
	_, err = LoadTranslations(mapFS(map[string]string{"zh/a.yaml": "slug: netns\nsteps:\n  - hints:\n      - text: x\n        wen: lo-down\n"}), "zh")
	require.ErrorContains(t, err, "field wen not found")
}

// TestTranslationDocMirrors: the types a translation file decodes into
// have exactly the fields of lessons' translation types, so that a field
// added there is read here too (or the test says so).
func TestTranslationDocMirrors(t *testing.T) {
	for _, p := range [][2]reflect.Type{
		{reflect.TypeFor[translationDoc](), reflect.TypeFor[lessons.Translation]()},
		{reflect.TypeFor[stepTranslationDoc](), reflect.TypeFor[lessons.StepTranslation]()},
		{reflect.TypeFor[hintTranslation](), reflect.TypeFor[lessons.HintTranslation]()},
	} {
		require.Equal(t, strictyaml.Names(p[1]), strictyaml.Names(p[0]), "%s mirrors %s", p[0], p[1])
	}
}

// TestLoadTranslationsHints: a hint is a plain string or {text, when},
// and the built-in translations load to what netlab serves compiled.
func TestLoadTranslationsHints(t *testing.T) {
	ts, err := LoadTranslations(mapFS(map[string]string{"zh/a.yaml": "id: 1\nslug: netns\nsteps:\n  - title: t\n    hints:\n      - plain\n      - {text: x, when: lo-down}\n"}), "zh")
	require.NoError(t, err)
	require.Equal(t, []lessons.HintTranslation{{Text: "plain"}, {Text: "x", When: "lo-down"}}, ts["netns"].Steps[0].Hints)
	builtin, err := LoadBuiltinTranslations("zh")
	require.NoError(t, err)
	compiled, err := lessons.Translations("zh")
	require.NoError(t, err)
	require.Equal(t, builtin, compiled)
}
