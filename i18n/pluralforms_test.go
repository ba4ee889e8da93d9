package i18n

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// A plural form that English and Chinese do not have would never be said:
// the generator refuses it instead of dropping it.
func TestCompileRefusesUnusedPluralForms(t *testing.T) {
	for _, form := range []string{"zero", "two", "few", "many"} {
		fsys := fstest.MapFS{
			"locales/en.yaml": {Data: []byte("a:\n  one: one A\n  " + form + ": some A\n  other: As\n")},
			"locales/zh.yaml": {Data: []byte("a: 甲\n")},
		}
		_, err := compileCatalogues(fsys)
		require.ErrorContains(t, err, `a has a "`+form+`" form`)
		_, err = parseCatalogue(fsys)
		require.ErrorContains(t, err, `a has a "`+form+`" form`)
	}
	src, err := compileCatalogues(fstest.MapFS{
		"locales/en.yaml": {Data: []byte("a:\n  one: one A\n  other: As\n")},
		"locales/zh.yaml": {Data: []byte("a: 甲\n")},
	})
	require.NoError(t, err)
	require.Contains(t, string(src), `{ID: "a", One: "one A", Other: "As"}`)
}
