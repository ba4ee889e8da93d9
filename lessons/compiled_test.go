package lessons_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/golit"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

var update = flag.Bool("update", false, "rewrite compiled_gen.go from the lesson YAML files")

// TestCompiledLessons: compiled_gen.go is exactly what the YAML files
// load to (strictly, against the catalogue), and the lessons built from
// it are those the YAML gives: the same texts, the same check parameters,
// kinds, phases and descriptions.
func TestCompiledLessons(t *testing.T) {
	fromYAML, err := lessonyaml.LoadBuiltin()
	require.NoError(t, err)
	zh, err := lessonyaml.LoadBuiltinTranslations("zh")
	require.NoError(t, err)
	src, err := compileLessons(fromYAML, zh)
	require.NoError(t, err)
	if !golit.Generated(t, "compiled_gen.go", src, *update, "go generate ./lessons") {
		return
	}

	compiled, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	compiledZH, err := lessons.Translations(i18n.ZH)
	require.NoError(t, err)
	again, err := compileLessons(compiled, compiledZH)
	require.NoError(t, err)
	require.Equal(t, string(src), string(again), "the compiled lessons build back into the same source")
	require.Len(t, compiled, len(fromYAML))
	n := 0
	for i, l := range compiled {
		for s := range l.Steps {
			for c, got := range l.Steps[s].Checks {
				want := fromYAML[i].Steps[s].Checks[c]
				require.Equal(t, want.Params, got.Params, "%s step %d check %d", l.Slug, s+1, c+1)
				require.Equal(t, want.Phase, got.Phase)
				require.Equal(t, want.Check.Describe(), got.Check.Describe())
				require.Equal(t, reflect.TypeOf(want.Check), reflect.TypeOf(got.Check))
				n++
			}
		}
	}
	require.Greater(t, n, 50, "the checks were compared")
}

// compileLessons renders lessons and the Chinese translations as the Go
// source of compiled_gen.go: compiledIndex, what CompiledFor decides
// with (each lesson's ID, slug, whether it is a troubleshooting lesson,
// the lessons it supersedes, the namespaces it owns, and its constructor), then one constructor
// per lesson, compiledLessonN for lesson N, then the translations.
func compileLessons(ls []*lessons.Lesson, zh map[string]*lessons.Translation) ([]byte, error) {
	const header = "// Code generated from the lesson YAML files by `go generate ./lessons`; DO NOT EDIT."
	var funcs []golit.Func
	var index bytes.Buffer
	index.WriteString("// compiledIndex is, in the lessons' order, what CompiledFor needs to know\n" +
		"// of each lesson before constructing it (see lessonIndex).\n" +
		"var compiledIndex = [...]lessonIndex{\n")
	ids := map[int]bool{}
	for _, l := range ls {
		if ids[l.ID] {
			return nil, fmt.Errorf("compileLessons: two lessons have the ID %d", l.ID)
		}
		ids[l.ID] = true
		name := fmt.Sprintf("compiledLesson%d", l.ID)
		funcs = append(funcs, golit.Func{Name: name, Value: l})
		fmt.Fprintf(&index, "{ID: %d, Slug: %s", l.ID, strconv.Quote(l.Slug))
		troubleshoot, sup, nss := lessons.IndexEntry(l)
		if troubleshoot {
			index.WriteString(", Troubleshoot: true")
		}
		if len(sup) > 0 {
			fmt.Fprintf(&index, ", Supersedes: []string{%s}", quoted(sup))
		}
		if len(nss) > 0 {
			fmt.Fprintf(&index, ", Namespaces: []string{%s}", quoted(nss))
		}
		fmt.Fprintf(&index, ", New: %s},\n", name)
	}
	index.WriteString("}\n")
	funcs = append(funcs, golit.Func{Name: "compiledTranslationsZH", Value: zh})
	src, err := lit.File(header, "lessons", funcs...)
	if err != nil {
		return nil, err
	}
	pkg := []byte("\npackage lessons\n")
	at := bytes.Index(src, pkg)
	if at < 0 {
		return nil, fmt.Errorf("compileLessons: no package clause in\n%s", src)
	}
	at += len(pkg)
	out := append(append(append([]byte{}, src[:at]...), "\n"+index.String()...), src[at:]...)
	return format.Source(out)
}

// quoted is ss as the elements of a Go string slice literal.
func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// lit writes the lessons' values; a check is written as its kind, name,
// line and parameters (args), which lessons.LoadEmbedded builds with the kind.
var lit = golit.Writer{
	Pkg: reflect.TypeFor[lessons.Lesson]().PkgPath(),
	Custom: func(b *bytes.Buffer, v reflect.Value) (bool, error) {
		if v.Type() != reflect.TypeFor[lessons.CheckSpec]() {
			return false, nil
		}
		return true, checkLiteral(b, v.Interface().(lessons.CheckSpec))
	},
}

// checkLiteral writes a check: kind, name, line, and its kind's
// parameters that are not zero, in the parameter struct's order.
func checkLiteral(b *bytes.Buffer, c lessons.CheckSpec) error {
	fmt.Fprintf(b, "CheckSpec{Kind: %s", strconv.Quote(c.Kind))
	if c.Name != "" {
		fmt.Fprintf(b, ", Name: %s", strconv.Quote(c.Name))
	}
	fmt.Fprintf(b, ", Line: %d", c.Line)
	p := reflect.ValueOf(c.Params)
	if p.Kind() != reflect.Pointer || p.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("compileLessons: check %s has parameters %T", c.Kind, c.Params)
	}
	k, ok := checks.Default().Get(c.Kind)
	if !ok {
		return fmt.Errorf("compileLessons: unknown kind %s", c.Kind)
	}
	var args []string
	for _, f := range k.Fields() {
		fv := p.Elem().FieldByIndex(fieldIndex(p.Elem().Type(), f.Name))
		if fv.IsZero() {
			continue
		}
		var lit bytes.Buffer
		var err error
		switch fv.Kind() {
		case reflect.String:
			lit.WriteString(strconv.Quote(fv.String()))
		case reflect.Int:
			lit.WriteString("int(" + strconv.FormatInt(fv.Int(), 10) + ")")
		case reflect.Bool:
			lit.WriteString(strconv.FormatBool(fv.Bool()))
		default:
			err = fmt.Errorf("compileLessons: %s.%s is a %s", c.Kind, f.Name, fv.Type())
		}
		if err != nil {
			return err
		}
		args = append(args, fmt.Sprintf("{%s, %s}", strconv.Quote(f.Name), lit.String()))
	}
	if len(args) > 0 {
		b.WriteString(", args: []checkArg{")
		for _, a := range args {
			b.WriteString(a + ", ")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	return nil
}

// fieldIndex is the index of the parameter struct's field that a lesson
// writes as name (its yaml tag).
func fieldIndex(t reflect.Type, name string) []int {
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if n, _, _ := strings.Cut(tag, ","); n == name {
			return []int{i}
		}
	}
	panic("no field " + name + " in " + t.String())
}
