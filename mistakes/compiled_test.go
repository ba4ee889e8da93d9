package mistakes

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
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
	var b bytes.Buffer
	b.WriteString("// Code generated from catalog.yaml and zh.yaml by `go generate ./mistakes`; DO NOT EDIT.\n\n")
	b.WriteString("package mistakes\n\nfunc compiledCatalog() []Mistake {\nreturn ")
	if err := w.Value(&b, reflect.ValueOf(cat)); err != nil {
		return nil, err
	}
	b.WriteString("\n}\n\nfunc compiledZH() map[string]Text {\nreturn ")
	if err := w.Value(&b, reflect.ValueOf(zh)); err != nil {
		return nil, err
	}
	b.WriteString("\n}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, b.Bytes())
	}
	return out, nil
}
