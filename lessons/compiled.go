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

// Compiled builds the compiled lessons' checks with the kinds of reg.
func Compiled(reg *checks.Registry) ([]*Lesson, error) {
	ls := compiledLessons()
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
