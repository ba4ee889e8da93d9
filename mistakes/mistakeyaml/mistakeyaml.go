// Package mistakeyaml decodes the catalogue of mistakes and its
// translations from their YAML files, strictly: an unknown field is an
// error at its line, and every entry is checked.
//
// Only the generator of mistakes/compiled_gen.go and the tests import it:
// netlab itself serves the compiled catalogue (mistakes.All) and never
// decodes YAML.
package mistakeyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netlab/netlab/internal/strictyaml"
	"github.com/netlab/netlab/mistakes"
)

// Not linked into netlab (a generator's and the tests' package): its init
// costs no netlab start.
var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Parse reads a catalog strictly.
func Parse(data []byte) ([]mistakes.Mistake, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, inFile(err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: the catalogue is a list of mistakes", mistakes.File, seq.Line)
	}
	ms := make([]mistakes.Mistake, len(seq.Content))
	for i, n := range seq.Content {
		if err := strictyaml.Decode(n, &ms[i]); err != nil {
			return nil, inFile(err)
		}
		ms[i].Line = n.Line
	}
	seen := map[string]bool{}
	var errs []error
	for _, m := range ms {
		where := fmt.Sprintf("%s:%d: mistake %s", mistakes.File, m.Line, m.ID)
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
		case m.Repair == "" && (m.Where != "" || m.Layer != ""):
			errs = append(errs, fmt.Errorf("%s: where and layer go with repair", where))
		case m.Repair != "" && (m.Start == "fresh" || m.UpTo != 0):
			errs = append(errs, fmt.Errorf("%s: repair undoes a break on the finished network: it goes with the whole lesson solved (no start: fresh, no up_to)", where))
		case m.Repair != "" && len(m.RepairCommands()) == 0:
			errs = append(errs, fmt.Errorf("%s: repair has no command", where))
		case m.Repair != "" && (m.Where == "" || !slices.Contains(mistakes.Layers, m.Layer)):
			errs = append(errs, fmt.Errorf("%s: a fault with repair needs where: (its namespace, or root) and layer: (one of %s)", where, strings.Join(mistakes.Layers, ", ")))
		}
		seen[m.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ms, nil
}

func inFile(err error) error {
	var le *strictyaml.Error
	if errors.As(strictyaml.FromYAML(err), &le) {
		return fmt.Errorf("%s:%d: %s", mistakes.File, le.Line, le.Msg)
	}
	return fmt.Errorf("%s: %w", mistakes.File, err)
}

// FromYAML parses the built-in catalogue's YAML file strictly (what
// mistakes/compiled_gen.go is made from).
func FromYAML() ([]mistakes.Mistake, error) {
	data, err := fs.ReadFile(mistakes.Files(), "catalog.yaml")
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// ParseTranslation reads a translation file strictly: an unknown field or
// an id given twice is an error naming the file.
func ParseTranslation(data []byte, file string) (map[string]mistakes.Text, error) {
	d := yaml.NewDecoder(bytes.NewReader(data))
	d.KnownFields(true)
	var m map[string]mistakes.Text
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// TranslationFromYAML parses the built-in translation of the catalogue
// into lang ("zh": mistakes/zh.yaml) strictly.
func TranslationFromYAML(lang string) (map[string]mistakes.Text, error) {
	data, err := fs.ReadFile(mistakes.Files(), lang+".yaml")
	if err != nil {
		return nil, err
	}
	return ParseTranslation(data, "mistakes/"+lang+".yaml")
}
