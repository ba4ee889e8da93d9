// Package mistakes is the catalog of realistic learner mistakes: how to
// build each mistaken state, which step it must make fail, and what the
// diagnosis must say. The diagnosis tests and `netlab selftest` (fault
// injection) both draw from it, so a mistake is written down once.
package mistakes

import (
	"embed"
	"io/fs"
	"strings"
)

// The catalogue and its translations are written as YAML and compiled
// into compiled_gen.go; mistakes/mistakeyaml decodes them (only the
// generator and the tests import it: netlab never decodes YAML).
//
//go:embed catalog.yaml zh.yaml
var files embed.FS

// Files is the file system holding catalog.yaml and zh.yaml.
func Files() fs.FS { return files }

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
	// Pending says why the diagnosis does not report this mistake yet (a
	// known gap, with the state that shows it). A pending entry is not
	// built by the diagnosis tests or selftest (see Catalog), but it is
	// catalogued: hints may name it, and runner's tests demand that it
	// still fails as written until the gap is closed and the line removed.
	Pending string `yaml:"pending"`

	// Repair is shell commands, one a line, that undo Break on the
	// finished network: together they make the entry a fault that the
	// troubleshooting lesson may inject (Break) and `solve` may repair.
	// Only an entry that starts from the whole lesson solved can have one.
	Repair string `yaml:"repair"`
	// Where is the namespace the fault sits in ("root" for the lab's root
	// namespace), and Layer the layer of the method it belongs to (one of
	// Layers): the troubleshooting hints narrow the search with them.
	Where string `yaml:"where"`
	Layer string `yaml:"layer"`

	// Line is where the entry starts in the catalogue file.
	Line int `yaml:"-"`
}

// File is the catalogue's name in errors.
const File = "mistakes/catalog.yaml"

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

// RepairCommands splits Repair into commands.
func (m Mistake) RepairCommands() []string { return splitLines(m.Repair) }

// IsFault says whether the troubleshooting lesson may inject m: it can be
// repaired and the diagnosis reports it.
func (m Mistake) IsFault() bool { return m.Repair != "" && m.Pending == "" }

// Layers are the layers of the troubleshooting method, in the order a
// search goes through them.
var Layers = []string{"links", "addresses", "routes", "neighbours", "rules"}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
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

// All returns every entry of the built-in catalogue, pending ones too:
// catalog.yaml as compiled into compiled_gen.go, so that no command
// decodes it when it starts (TestCompiledCatalog keeps the two in step;
// `go generate ./mistakes` rewrites it).
func All() ([]Mistake, error) { return compiledCatalog(), nil }

//go:generate go test -run TestCompiledCatalog -update .

// Catalog returns the entries of the built-in catalogue that the diagnosis
// reports (all but the pending ones).
func Catalog() ([]Mistake, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	return Judged(all), nil
}

// Judged drops the pending entries.
func Judged(all []Mistake) []Mistake {
	var out []Mistake
	for _, m := range all {
		if m.Pending == "" {
			out = append(out, m)
		}
	}
	return out
}

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
