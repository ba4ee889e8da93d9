// Package mistakes is the catalog of realistic learner mistakes: how to
// build each mistaken state, which step it must make fail, and what the
// diagnosis must say. The diagnosis tests and `netlab selftest` (fault
// injection) both draw from it, so a mistake is written down once.
package mistakes

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

//go:embed catalog.yaml
var catalogYAML []byte

// Mistake is one catalogued mistake.
type Mistake struct {
	// ID names the mistake; checks report it in Result.Mistake.
	ID string `yaml:"id"`
	// Lesson is the slug of the lesson it belongs to.
	Lesson string `yaml:"lesson"`
	// Step is the step (1-based) it must make fail.
	Step int `yaml:"step"`
	// Title says the mistake in the learner's words.
	Title string `yaml:"title"`
	// Story is Markdown: how learners make it, and what the kernel does.
	Story string `yaml:"story"`
	// Start is "solved" (default): the lesson solved (up to UpTo), then
	// Break applied; or "fresh": Break alone builds the state.
	Start string `yaml:"start"`
	// UpTo solves only steps 1..UpTo before Break (default: every step).
	UpTo int `yaml:"up_to"`
	// Break is shell commands, one a line, run in the lab's root namespace.
	Break string `yaml:"break"`
	// ExpectMistake is the id a failing check of Step must report
	// (default: ID).
	ExpectMistake string `yaml:"expect_mistake"`
	// ExpectWhy are substrings that the why of that check must contain.
	ExpectWhy []string `yaml:"expect_why"`
}

// Commands splits Break into commands.
func (m Mistake) Commands() []string {
	var out []string
	for _, l := range strings.Split(m.Break, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Want is the mistake id the diagnosis must report.
func (m Mistake) Want() string {
	if m.ExpectMistake != "" {
		return m.ExpectMistake
	}
	return m.ID
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Parse reads a catalog strictly.
func Parse(data []byte) ([]Mistake, error) {
	var ms []Mistake
	if err := yaml.UnmarshalWithOptions(data, &ms, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		return nil, fmt.Errorf("mistakes/catalog.yaml: %s", yaml.FormatError(err, false, false))
	}
	seen := map[string]bool{}
	var errs []error
	for i, m := range ms {
		where := fmt.Sprintf("mistakes/catalog.yaml: entry %d (%s)", i+1, m.ID)
		switch {
		case !idRE.MatchString(m.ID):
			errs = append(errs, fmt.Errorf("%s: bad id", where))
		case seen[m.ID]:
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		case m.Lesson == "" || m.Step <= 0 || m.Title == "":
			errs = append(errs, fmt.Errorf("%s: lesson, step and title are required", where))
		case m.Start != "" && m.Start != "solved" && m.Start != "fresh":
			errs = append(errs, fmt.Errorf("%s: start must be solved or fresh", where))
		case m.Start == "fresh" && m.UpTo != 0:
			errs = append(errs, fmt.Errorf("%s: up_to goes with start: solved", where))
		case len(m.Commands()) == 0:
			errs = append(errs, fmt.Errorf("%s: break is required", where))
		}
		seen[m.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ms, nil
}

// Catalog returns the built-in catalog.
func Catalog() ([]Mistake, error) { return Parse(catalogYAML) }

// ForLesson returns the catalog entries of one lesson.
func ForLesson(all []Mistake, slug string) []Mistake {
	var out []Mistake
	for _, m := range all {
		if m.Lesson == slug {
			out = append(out, m)
		}
	}
	return out
}
