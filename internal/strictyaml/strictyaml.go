// Package strictyaml decodes YAML nodes (go.yaml.in/yaml/v3) strictly: a
// mapping key that names no field of the target struct is an error at its
// line. yaml.v3 checks known fields only when it decodes a whole stream,
// and a type with its own UnmarshalYAML gets a Node whose Decode is not
// strict; Decode is strict at every depth, and leaves to such types the
// checking of their own keys.
package strictyaml

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Error is an error at a line of a YAML file.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Errorf makes an error at line.
func Errorf(line int, format string, a ...any) error {
	return &Error{Line: line, Msg: fmt.Sprintf(format, a...)}
}

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// fields caches the yaml names of a struct's fields, by type.
var fields sync.Map // reflect.Type -> map[string]reflect.Type

func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := fields.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" {
			for k, v := range fieldsOf(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	fields.Store(t, m)
	return m
}

// Names lists the yaml names of struct type t's fields, sorted.
func Names(t reflect.Type) []string {
	var out []string
	for k := range fieldsOf(t) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check walks n along Go type t and reports the first mapping key that
// names no field (or a key written twice).
func Check(n *yaml.Node, t reflect.Type) error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // Decode says what is wrong with it
		}
		fs := fieldsOf(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if l, dup := seen[k.Value]; dup {
				return Errorf(k.Line, "field %q is written twice (first at line %d)", k.Value, l)
			}
			seen[k.Value] = k.Line
			ft, ok := fs[k.Value]
			if !ok {
				return Errorf(k.Line, "unknown field %q (the fields are %s)", k.Value, strings.Join(Names(t), ", "))
			}
			if err := Check(v, ft); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				if err := Check(c, t.Elem()); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				if err := Check(n.Content[i], t.Elem()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Decode decodes n into v (a pointer) strictly: unknown fields, fields
// written twice and values of the wrong type are errors with their line.
func Decode(n *yaml.Node, v any) error {
	if err := Check(n, reflect.TypeOf(v)); err != nil {
		return err
	}
	return FromYAML(n.Decode(v))
}

// Not linked into netlab (a generator's and the tests' package): its init
// costs no netlab start.
var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// FromYAML turns a yaml.v3 error into an *Error when it names a line (a
// TypeError lists one message per bad value: the first is kept).
func FromYAML(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &Error{Line: n, Msg: m[2]}
	}
	return err
}
