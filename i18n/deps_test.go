package i18n

import (
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// testOnly are libraries that only the generator and the tests need:
// netlab carries the catalogue compiled into its own type, so that every
// start does not pay go-i18n's and golang.org/x/text's package init.
var testOnly = []string{
	"github.com/nicksnyder/go-i18n",
	"golang.org/x/text",
}

func TestRuntimeDoesNotLinkTestOnlyLibraries(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/netlab/netlab/cmd/netlab").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/netlab/netlab/i18n", "go list lists netlab's packages")
	for _, d := range deps {
		for _, lib := range testOnly {
			require.False(t, d == lib || strings.HasPrefix(d, lib+"/"), "netlab links %s, which only the tests need", d)
		}
	}
}

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
