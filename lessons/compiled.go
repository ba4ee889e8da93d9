package lessons

import (
	"fmt"

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
func CompiledFor(reg *checks.Registry, keys ...string) ([]*Lesson, error) {
	all := compiledLessons()
	need, ok := needed(all, keys)
	if !ok {
		need = all
	}
	return build(need, reg)
}

// needed is, in all's order, what grading the lessons named by keys needs
// (see CompiledFor); ok is false when a key names no lesson of all.
func needed(all []*Lesson, keys []string) (need []*Lesson, ok bool) {
	in := map[*Lesson]bool{}
	var add func(l *Lesson)
	add = func(l *Lesson) {
		if in[l] {
			return
		}
		in[l] = true
		if l.Troubleshoot() {
			for _, o := range all {
				add(o)
			}
			return
		}
		for _, o := range all {
			for _, s := range o.Supersedes {
				if s.Lesson == l.Slug {
					add(o)
				}
			}
		}
	}
	for _, k := range keys {
		l, err := Find(all, k)
		if err != nil {
			return nil, false
		}
		add(l)
	}
	for _, l := range all {
		if in[l] {
			need = append(need, l)
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
