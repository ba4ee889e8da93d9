// Package golit writes Go values as Go source: the composite literals of
// the generated files that carry netlab's YAML data compiled
// (lessons/compiled_gen.go, mistakes/compiled_gen.go), so that no command
// decodes YAML when it starts; Generated keeps such a file (and
// i18n/catalog_gen.go) in step with its YAML. Only tests use it.
package golit

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Writer writes values of the package whose import path is Pkg (its
// types are written unqualified). Custom, when set, may write a value
// itself: it returns true when it did.
type Writer struct {
	Pkg    string
	Custom func(b *bytes.Buffer, v reflect.Value) (bool, error)
}

// Type is t as written in w.Pkg.
func (w Writer) Type(t reflect.Type) (string, error) {
	switch t.Kind() {
	case reflect.Pointer:
		e, err := w.Type(t.Elem())
		return "*" + e, err
	case reflect.Slice:
		e, err := w.Type(t.Elem())
		return "[]" + e, err
	case reflect.Map:
		k, err := w.Type(t.Key())
		if err != nil {
			return "", err
		}
		v, err := w.Type(t.Elem())
		return "map[" + k + "]" + v, err
	}
	if t.PkgPath() == w.Pkg || t.PkgPath() == "" && t.Name() != "" {
		return t.Name(), nil
	}
	return "", fmt.Errorf("golit: cannot write type %s", t)
}

// Value writes v as a Go expression: strings, ints and bools, pointers,
// slices, maps (keys sorted) and structs, whose zero and unexported
// fields are left out. A nil slice or map is written only as a field,
// and a field is left out when zero: an empty but non-nil one stays.
func (w Writer) Value(b *bytes.Buffer, v reflect.Value) error {
	if w.Custom != nil {
		if done, err := w.Custom(b, v); done || err != nil {
			return err
		}
	}
	switch v.Kind() {
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
		return nil
	case reflect.Int:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
		return nil
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
		return nil
	case reflect.Pointer:
		b.WriteString("&")
		return w.Value(b, v.Elem())
	case reflect.Slice, reflect.Map:
		typ, err := w.Type(v.Type())
		if err != nil {
			return err
		}
		b.WriteString(typ + "{\n")
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				if err := w.Value(b, v.Index(i)); err != nil {
					return err
				}
				b.WriteString(",\n")
			}
		} else {
			keys := v.MapKeys()
			slices.SortFunc(keys, func(x, y reflect.Value) int { return compare(x, y) })
			for _, k := range keys {
				if err := w.Value(b, k); err != nil {
					return err
				}
				b.WriteString(": ")
				if err := w.Value(b, v.MapIndex(k)); err != nil {
					return err
				}
				b.WriteString(",\n")
			}
		}
		b.WriteString("}")
		return nil
	case reflect.Struct:
		typ, err := w.Type(v.Type())
		if err != nil {
			return err
		}
		b.WriteString(typ + "{\n")
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || v.Field(i).IsZero() {
				continue
			}
			b.WriteString(f.Name + ": ")
			if err := w.Value(b, v.Field(i)); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
		return nil
	}
	return fmt.Errorf("golit: cannot write a %s", v.Type())
}

func compare(x, y reflect.Value) int {
	if x.Kind() == reflect.String {
		return strings.Compare(x.String(), y.String())
	}
	return int(x.Int() - y.Int())
}

// Generated checks, in a test, that the generated file path holds src,
// the Go source its data compiles to now: stale, it fails the test and
// names the command that rewrites it (regenerate). With update (the
// test's -update flag, which `go generate` sets) it writes src instead,
// and reports false: the running test binary still holds the old
// compiled data, which the next run checks.
func Generated(t testing.TB, path string, src []byte, update bool, regenerate string) bool {
	t.Helper()
	if update {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return false
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != string(src) {
		t.Fatalf("%s is stale: run %s", path, regenerate)
	}
	return true
}

// Func is one function of a generated file: func Name() T { return V },
// T being V's type.
type Func struct {
	Name  string
	Value any
}

// File is the gofmt'ed Go source of a generated file of package pkg:
// header (a "Code generated ... DO NOT EDIT." line), then funcs.
func (w Writer) File(header, pkg string, funcs ...Func) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\npackage %s\n", header, pkg)
	for _, f := range funcs {
		v := reflect.ValueOf(f.Value)
		typ, err := w.Type(v.Type())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\nfunc %s() %s {\nreturn ", f.Name, typ)
		if err := w.Value(&b, v); err != nil {
			return nil, err
		}
		b.WriteString("\n}\n")
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("golit: %w\n%s", err, b.Bytes())
	}
	return out, nil
}
