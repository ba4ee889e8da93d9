package lessons

import (
	"fmt"
	"slices"

	"github.com/netlab/netlab/checks"
)

// The lessons are written as YAML (*.yaml, zh/*.yaml) and compiled into
// compiled_gen.go, so that a command does not decode YAML every time it
// starts: decoding the lessons and the catalogue of mistakes was most of
// the time of `netlab check 2`. TestCompiledLessons fails when
// compiled_gen.go is not what the YAML loads to (strictly, checked
// against the catalogue); `go generate ./lessons` rewrites it.
//
//go:generate go test -run TestCompiledLessons -update .

// checkArg is one parameter of a compiled check, as the lesson writes it.
type checkArg struct {
	name  string
	value any
}

// LoadEmbedded returns the built-in lessons with the default checks: the
// lessons compiled from the YAML files of this package (see above), each
// check built by its kind.
func LoadEmbedded() ([]*Lesson, error) {
	return Compiled(checks.Default())
}

// Compiled returns every compiled lesson, its checks built with the kinds
// of reg.
func Compiled(reg *checks.Registry) ([]*Lesson, error) {
	return build(compiledLessons(), reg)
}

// compiledLessons constructs every compiled lesson, in order.
func compiledLessons() []*Lesson {
	all := make([]*Lesson, len(compiledIndex))
	for i, e := range compiledIndex {
		all[i] = e.New()
	}
	return all
}

// CompiledFor returns the compiled lessons that grading the lessons named
// by keys (numbers or slugs) needs, and only those, their checks built
// with the kinds of reg: building every lesson's checks is most of what
// `netlab check N` pays for the lessons when it starts. A lesson needs
// the lessons that supersede some of its checks (runner's
// GradeSuperseded grades them); a troubleshooting lesson needs them all
// (its rounds build, grade and reset other lessons' networks, and judge
// what is foreign against every lesson). What a needed lesson needs is
// needed too. The lesson a lesson requires is not needed to grade it
// (only to solve or set it up, which get every lesson). A key that names
// no lesson makes it return every lesson, so that the caller's lookup
// fails naming them all.
//
// What is needed is decided on compiledIndex, so that the lessons not
// needed are not even constructed (their texts, hints and checks are
// most of the allocation of the whole course).
func CompiledFor(reg *checks.Registry, keys ...string) ([]*Lesson, error) {
	need, ok := needed(compiledIndex[:], keys)
	if !ok {
		return Compiled(reg)
	}
	var ls []*Lesson // nil, as before, when no lesson is needed
	if len(need) > 0 {
		ls = make([]*Lesson, len(need))
	}
	for j, i := range need {
		ls[j] = compiledIndex[i].New()
	}
	return build(ls, reg)
}

// lessonIndex is what CompiledFor must know of a compiled lesson to
// decide whether it is needed, without constructing it: compiled_gen.go's
// compiledIndex holds one per lesson, in the lessons' order, generated
// from the same lessons as its constructor New (TestCompiledIndex checks
// that they agree: indexOf(New()) is the entry).
type lessonIndex struct {
	ID           int
	Slug         string
	Troubleshoot bool
	// Supersedes are the slugs of the lessons some of whose checks the
	// lesson supersedes, each once, in the order the lesson names them.
	Supersedes []string
	// Namespaces are the namespaces the lesson owns (Owns.Namespaces).
	Namespaces []string
	// New constructs the lesson, its checks not built yet.
	New func() *Lesson
}

// Namespaces are the namespaces that the lesson named by key owns, known
// without constructing any lesson; nil when key names no lesson. netlab
// check opens them while it builds the lesson.
func Namespaces(key string) []string {
	i, ok := findIndex(compiledIndex[:], key)
	if !ok {
		return nil
	}
	return slices.Clone(compiledIndex[i].Namespaces)
}

// Changes reports whether grading the lesson named by key may change the
// lab: a troubleshooting lesson's grade sets up its next round once the
// current one is repaired. A key that names no lesson changes nothing.
func Changes(key string) bool {
	i, ok := findIndex(compiledIndex[:], key)
	return ok && compiledIndex[i].Troubleshoot
}

// findIndex is the position in index of the lesson named by key, found
// as Find finds it (position); ok is false when Find would fail.
func findIndex(index []lessonIndex, key string) (i int, ok bool) {
	return position(len(index), func(i int) (int, string) { return index[i].ID, index[i].Slug }, key)
}

// needed is, as positions in index and in its order, what grading the
// lessons named by keys needs (see CompiledFor); ok is false when a key
// names no lesson of index.
func needed(index []lessonIndex, keys []string) (need []int, ok bool) {
	in := make([]bool, len(index))
	var add func(i int)
	add = func(i int) {
		if in[i] {
			return
		}
		in[i] = true
		if index[i].Troubleshoot {
			for o := range index {
				add(o)
			}
			return
		}
		for o, e := range index {
			if slices.Contains(e.Supersedes, index[i].Slug) {
				add(o)
			}
		}
	}
	for _, k := range keys {
		i, ok := findIndex(index, k)
		if !ok {
			return nil, false
		}
		add(i)
	}
	for i := range index {
		if in[i] {
			need = append(need, i)
		}
	}
	return need, true
}

// build builds the checks of ls, compiled lessons, with the kinds of reg.
func build(ls []*Lesson, reg *checks.Registry) ([]*Lesson, error) {
	for _, l := range ls {
		for i := range l.Steps {
			for j := range l.Steps[i].Checks {
				c := &l.Steps[i].Checks[j]
				if err := c.buildCompiled(reg); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", l.File, c.Line, err)
				}
			}
		}
	}
	return ls, nil
}

func (c *CheckSpec) buildCompiled(reg *checks.Registry) error {
	k, ok := reg.Get(c.Kind)
	if !ok {
		return fmt.Errorf("unknown check kind %q", c.Kind)
	}
	params := k.NewParams()
	for _, a := range c.args {
		if err := k.SetParam(params, a.name, a.value); err != nil {
			return err
		}
	}
	chk, err := k.Build(params)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Kind, err)
	}
	c.Params, c.Check, c.Phase, c.args = params, chk, k.Phase, nil
	return nil
}
