package mistakes

import (
	"flag"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/golit"
)

var update = flag.Bool("update", false, "rewrite compiled_gen.go from catalog.yaml and zh.yaml")

// TestCompiledCatalog: compiled_gen.go, which netlab reads instead of
// decoding YAML, is exactly what catalog.yaml and zh.yaml parse to
// (strictly), and All and Translation give those entries.
func TestCompiledCatalog(t *testing.T) {
	cat, err := FromYAML()
	require.NoError(t, err)
	zh, err := ParseTranslation(zhYAML, "mistakes/zh.yaml")
	require.NoError(t, err)
	src, err := compileCatalog(cat, zh)
	require.NoError(t, err)
	if !golit.Generated(t, "compiled_gen.go", src, *update, "go generate ./mistakes") {
		return
	}

	all, err := All()
	require.NoError(t, err)
	require.Equal(t, cat, all)
	require.Greater(t, len(all), 50)
	require.Equal(t, zh, compiledZH())
}

func compileCatalog(cat []Mistake, zh map[string]Text) ([]byte, error) {
	w := golit.Writer{Pkg: reflect.TypeFor[Mistake]().PkgPath()}
	return w.File("// Code generated from catalog.yaml and zh.yaml by `go generate ./mistakes`; DO NOT EDIT.", "mistakes",
		golit.Func{Name: "compiledCatalog", Value: cat},
		golit.Func{Name: "compiledZH", Value: zh})
}
