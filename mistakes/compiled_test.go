package mistakes_test

import (
	"flag"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/golit"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/mistakes/mistakeyaml"
)

var update = flag.Bool("update", false, "rewrite compiled_gen.go from catalog.yaml and zh.yaml")

// TestCompiledCatalog: compiled_gen.go, which netlab reads instead of
// decoding YAML, is exactly what catalog.yaml and zh.yaml parse to
// (strictly), and All and Translation give those entries.
func TestCompiledCatalog(t *testing.T) {
	cat, err := mistakeyaml.FromYAML()
	require.NoError(t, err)
	zh, err := mistakeyaml.TranslationFromYAML("zh")
	require.NoError(t, err)
	src, err := compileCatalog(cat, zh)
	require.NoError(t, err)
	if !golit.Generated(t, "compiled_gen.go", src, *update, "go generate ./mistakes") {
		return
	}

	all, err := mistakes.All()
	require.NoError(t, err)
	require.Equal(t, cat, all)
	require.Greater(t, len(all), 50)
	compiledZH, err := mistakes.Translation(i18n.ZH)
	require.NoError(t, err)
	require.Equal(t, zh, compiledZH)
}

func compileCatalog(cat []mistakes.Mistake, zh map[string]mistakes.Text) ([]byte, error) {
	w := golit.Writer{Pkg: reflect.TypeFor[mistakes.Mistake]().PkgPath()}
	return w.File("// Code generated from catalog.yaml and zh.yaml by `go generate ./mistakes`; DO NOT EDIT.", "mistakes",
		golit.Func{Name: "compiledCatalog", Value: cat},
		golit.Func{Name: "compiledZH", Value: zh})
}
