package checks

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// A kind of check is declared in one file, with Define: its parameters (a
// struct of its own, whose yaml tags are the fields a lesson may write),
// how it builds and validates a check from them, the mistake ids its
// checks report, its fake-kernel cases and its doc. Default() lists the
// kinds; nothing else needs to know them.
//
// A parameter struct's fields are string, bool or int, each with a yaml
// tag, a doc tag (one line for docs/checks.md) and, when a lesson must
// write it, required:"true":
//
//	type addrParams struct {
//		NS   string `yaml:"ns" doc:"namespace of the link (default: the lab's root)"`
//		Link string `yaml:"link" required:"true" doc:"link name"`
//	}

// Spec declares a kind whose parameters are P.
type Spec[P any] struct {
	Name string
	// Doc says what the kind checks, in one sentence (no final period).
	Doc   string
	Phase Phase
	// Build validates the parameters (an error names its field with
	// FieldErr, so that the loader points at its line) and makes the check.
	Build func(p P) (Check, error)
	// Mistakes are the ids the kind's checks may report (WithMistake),
	// including those of the helpers it calls (FromErr: ns-missing).
	Mistakes []string
	// Unexplained are those of Mistakes that say the kind could not tell
	// why (a silence that no diagnosis explains). Hints may name them, but
	// the catalogue cannot build them on purpose: a state built to show one
	// is soon explained by a better diagnosis.
	Unexplained []string
	// Cases test the kind on the fake kernel (go test ./checks runs them).
	// They are a function so that their fixtures, closures and parameters
	// are built by the tests that ask for them, not at every start.
	Cases func() []Case[P]
}

// Case is one fake-kernel test of a kind: on the fixture's right state the
// check built from Params passes; after Break it fails and reports
// Mistake ("" when it names none).
type Case[P any] struct {
	Name string
	// Fixture names a state of kerneltest.Fixtures.
	Fixture string
	Params  P
	Break   func(f *kerneltest.Fake)
	Mistake string
}

// Field is one parameter of a kind, as a lesson writes it.
type Field struct {
	Name     string // yaml key
	Doc      string
	Required bool
	Type     string // "string", "bool" or "int"
	index    int
}

// Kind is one kind of check; make one with Define.
type Kind struct {
	Name        string
	Doc         string
	Phase       Phase
	Mistakes    []string
	Unexplained []string

	params reflect.Type
	impl   kindImpl
	// wrap, when set, is applied to every check the kind builds (Wrap).
	wrap func(Check) Check
}

// kindImpl is what a Kind does with its parameter type P (kindOf[P]).
type kindImpl interface {
	fields() []Field
	build(p any) (Check, error)
	cases() []KindCase
}

// kindOf holds a kind's declaration. What a kind derives from it (the
// fields read from P, the cases) is made on first use, once: a panic
// while making it is raised again on every use (internal/lazy, whose
// zero value is ready: no closures allocated per kind).
type kindOf[P any] struct {
	Kind // in the same allocation as the declaration: one per kind
	s    Spec[P]

	fieldList lazy.Value[[]Field]
	caseList  lazy.Value[[]KindCase]
}

// KindCase is a Case without its parameter type (see Kind.Cases).
type KindCase struct {
	Name, Fixture string
	Params        any
	Break         func(f *kerneltest.Fake)
	Mistake       string
}

// Define makes a kind from its declaration. A malformed declaration (a
// field without a yaml tag, a type the loader cannot decode) is a
// programming error: it panics when the fields are first read, which every
// test that loads a lesson does. A case whose mistake the kind does not
// declare is one too: Kind.CheckCases says so, and TestKindCasesDeclared
// runs it for every kind (not Define, which runs for every kind a lesson
// uses).
func Define[P any](s Spec[P]) *Kind {
	t := reflect.TypeFor[P]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("checks: kind %s: parameters must be a struct, not %s", s.Name, t))
	}
	d := &kindOf[P]{s: s}
	d.Kind = Kind{Name: s.Name, Doc: s.Doc, Phase: s.Phase, Mistakes: dedup(s.Mistakes), Unexplained: s.Unexplained, params: t, impl: d}
	k := &d.Kind
	for _, id := range s.Unexplained {
		if !slices.Contains(k.Mistakes, id) {
			panic(fmt.Sprintf("checks: kind %s: unexplained mistake %s is not among its Mistakes", s.Name, id))
		}
	}
	return k
}

// dedup returns ids without repeats, in order; ids itself when it has
// none (the usual case, which then costs no allocation).
func dedup(ids []string) []string {
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			var out []string
			for _, id := range ids {
				if !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
			return out
		}
	}
	return ids
}

// fields are the parameters read from P, on first use. Every test that
// loads a lesson or documents the kinds reads them, so a malformed P
// panics there.
func (d *kindOf[P]) fields() []Field { return d.fieldList.Get(d.readFields) }

func (d *kindOf[P]) readFields() []Field {
	var fields []Field
	t := reflect.TypeFor[P]()
	name := d.s.Name
	for i := range t.NumField() {
		f := t.Field(i)
		yname, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if yname == "" || yname == "-" || !f.IsExported() {
			panic(fmt.Sprintf("checks: kind %s: field %s needs a yaml tag and must be exported", name, f.Name))
		}
		if yname == "kind" || yname == "name" {
			panic(fmt.Sprintf("checks: kind %s: %q is a field of every check", name, yname))
		}
		var typ string
		switch f.Type.Kind() {
		case reflect.String:
			typ = "string"
		case reflect.Bool:
			typ = "bool"
		case reflect.Int:
			typ = "int"
		default:
			panic(fmt.Sprintf("checks: kind %s: field %s has type %s (string, bool or int)", name, yname, f.Type))
		}
		fields = append(fields, Field{Name: yname, Doc: f.Tag.Get("doc"), Required: f.Tag.Get("required") == "true", Type: typ, index: i})
	}
	return fields
}

func (d *kindOf[P]) build(p any) (Check, error) {
	switch v := p.(type) {
	case P:
		return d.s.Build(v)
	case *P:
		return d.s.Build(*v)
	}
	return nil, fmt.Errorf("checks: kind %s takes %s, not %T", d.s.Name, reflect.TypeFor[P](), p)
}

// cases are the tests': made on first use.
func (d *kindOf[P]) cases() []KindCase { return d.caseList.Get(d.readCases) }

func (d *kindOf[P]) readCases() []KindCase {
	if d.s.Cases == nil {
		return nil
	}
	var out []KindCase
	for _, c := range d.s.Cases() {
		out = append(out, KindCase{Name: c.Name, Fixture: c.Fixture, Params: c.Params, Break: c.Break, Mistake: c.Mistake})
	}
	return out
}

// Fields lists the kind's parameters in declaration order.
func (k *Kind) Fields() []Field { return k.impl.fields() }

// Field returns the parameter a lesson writes as name.
func (k *Kind) Field(name string) (Field, bool) {
	for _, f := range k.impl.fields() {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// NewParams returns a pointer to a zero parameter struct of the kind, for
// the loader to decode a lesson's fields into.
func (k *Kind) NewParams() any { return reflect.New(k.params).Interface() }

// SetParam sets the parameter a lesson writes as name, in params (a
// pointer from NewParams), to v: a string, bool or int as the field's
// type is. The lessons compiled into Go (lessons/compiled_gen.go) are
// built with it instead of decoding YAML.
func (k *Kind) SetParam(params any, name string, v any) error {
	f, ok := k.Field(name)
	if !ok {
		return fmt.Errorf("checks: kind %s takes no field %q", k.Name, name)
	}
	p := reflect.ValueOf(params)
	if p.Kind() != reflect.Pointer || p.Elem().Type() != k.params {
		return fmt.Errorf("checks: kind %s takes *%s, not %T", k.Name, k.params, params)
	}
	val := reflect.ValueOf(v)
	field := p.Elem().Field(f.index)
	if !val.IsValid() || val.Kind() != field.Kind() {
		return fmt.Errorf("checks: kind %s: field %s is a %s, not %T", k.Name, name, field.Type(), v)
	}
	field.Set(val.Convert(field.Type()))
	return nil
}

// Build validates parameters (the kind's struct, or a pointer to it) and
// makes the check.
func (k *Kind) Build(p any) (Check, error) {
	c, err := k.impl.build(p)
	if err != nil || k.wrap == nil {
		return c, err
	}
	return k.wrap(c), nil
}

// Cases are the kind's fake-kernel cases.
func (k *Kind) Cases() []KindCase { return k.impl.cases() }

// CheckCases says what is wrong with the kind's cases: one whose mistake
// the kind does not declare (a case could never prove the kind reports
// it). Define does not check it, so that starting netlab does not build
// the cases; the tests do, for every kind.
func (k *Kind) CheckCases() error {
	for _, c := range k.impl.cases() {
		if c.Mistake != "" && !slices.Contains(k.Mistakes, c.Mistake) {
			return fmt.Errorf("checks: kind %s: case %q expects mistake %s, which the kind does not declare", k.Name, c.Name, c.Mistake)
		}
	}
	return nil
}

// Reports says whether the kind declares mistake id.
func (k *Kind) Reports(id string) bool { return slices.Contains(k.Mistakes, id) }

// Unexplains says whether id is what the kind reports when it cannot tell
// why (see Spec.Unexplained).
func (k *Kind) Unexplains(id string) bool { return slices.Contains(k.Unexplained, id) }

// Wrap returns a copy of the kind whose checks are passed through wrap
// (selftest's tests plant broken checkers with it).
func (k *Kind) Wrap(wrap func(Check) Check) *Kind {
	c := *k
	c.wrap = wrap
	if inner := k.wrap; inner != nil {
		c.wrap = func(chk Check) Check { return wrap(inner(chk)) }
	}
	return &c
}

// FieldError is a bad value in one field; the lesson loader points at the
// field's line.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.Field, e.Err) }
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErr is the error of a kind's Build for a bad value of field.
func FieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, a...)}
}

func fieldErr(field, format string, a ...any) error { return FieldErr(field, format, a...) }

// Registry maps kind names to kinds.
type Registry struct {
	kinds map[string]*Kind
	// lazy are kinds defined on first use (see Default).
	lazy map[string]func() *Kind
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]*Kind{}} }

// Add registers k; a duplicate name is a programming error.
func (r *Registry) Add(k *Kind) {
	r.claim(k.Name)
	r.kinds[k.Name] = k
}

// addLazy registers the kind that k defines, called name, without
// defining it: a `netlab check` builds the checks of one lesson, which
// use a handful of the kinds, and defining one (its parameters, its
// mistakes) costs a process that lives a few milliseconds a page fault
// or two of code that nothing else runs.
func (r *Registry) addLazy(name string, k func() *Kind) {
	r.claim(name)
	if r.lazy == nil {
		r.lazy = map[string]func() *Kind{}
	}
	r.lazy[name] = k
}

func (r *Registry) claim(name string) {
	_, dup := r.kinds[name]
	_, lazyDup := r.lazy[name]
	if dup || lazyDup {
		panic("checks: duplicate kind " + name)
	}
}

// Replace swaps the kind of that name (tests use it to plant a broken
// checker and show that selftest catches it).
func (r *Registry) Replace(k *Kind) {
	delete(r.lazy, k.Name)
	r.kinds[k.Name] = k
}

// Get returns the kind called name.
func (r *Registry) Get(name string) (*Kind, bool) {
	if k, ok := r.kinds[name]; ok {
		return k, true
	}
	if f, ok := r.lazy[name]; ok {
		return f(), true
	}
	return nil, false
}

// Names lists the registered kinds, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.kinds)+len(r.lazy))
	for n := range r.kinds {
		out = append(out, n)
	}
	for n := range r.lazy {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Mistakes is the vocabulary of mistake ids: every id a registered kind
// declares, sorted, each with the kinds that report it.
func (r *Registry) Mistakes() map[string][]string {
	out := map[string][]string{}
	for _, n := range r.Names() {
		k, _ := r.Get(n)
		for _, id := range k.Mistakes {
			out[id] = append(out[id], n)
		}
	}
	return out
}

// Default is the one place where netlab's check kinds are registered,
// each by the name lessons use (TestDefaultNames holds each name to its
// kind's).
func Default() *Registry {
	r := NewRegistry()
	for _, k := range []struct {
		name string
		kind func() *Kind
	}{
		{"netns", NetnsKind},
		{"link_exists", LinkExistsKind},
		{"link_up", LinkUpKind},
		{"addr", AddrKind},
		{"veth_pair", VethPairKind},
		{"bridge_port", BridgePortKind},
		{"fdb", FDBKind},
		{"route", RouteKind},
		{"sysctl", SysctlKind},
		{"ping", PingKind},
		{"tcp", TCPKind},
		{"nf_rule", NFRuleKind},
		{"forwarding", ForwardingKind},
		{"hops", HopsKind},
		{"addr6", Addr6Kind},
		{"route6", Route6Kind},
		{"ping6", Ping6Kind},
		{"neigh6", Neigh6Kind},
		{"vxlan", VXLANKind},
		{"tunnel", TunnelKind},
		{"mtu", MTUKind},
		{"ping_mtu", PingMTUKind},
	} {
		r.addLazy(k.name, k.kind)
	}
	return r
}
