package lessonyaml

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"

	"go.yaml.in/yaml/v3"

	"github.com/netlab/netlab/lessons"
)

// translationDoc is lessons.Translation as written: the same fields (a
// test keeps them the same), with hints that may be plain strings.
type translationDoc struct {
	ID         int                             `yaml:"id"`
	Slug       string                          `yaml:"slug"`
	Title      string                          `yaml:"title"`
	Intro      string                          `yaml:"intro"`
	Steps      []stepTranslationDoc            `yaml:"steps"`
	Supersedes []lessons.SupersedesTranslation `yaml:"supersedes"`
}

// stepTranslationDoc is lessons.StepTranslation as written.
type stepTranslationDoc struct {
	Title    string                     `yaml:"title"`
	Text     string                     `yaml:"text"`
	Hints    []hintTranslation          `yaml:"hints"`
	Solution string                     `yaml:"solution"`
	Checks   []lessons.CheckTranslation `yaml:"checks"`
}

// hintTranslation is a hint: a plain string, or {text, when}.
type hintTranslation lessons.HintTranslation

// UnmarshalYAML accepts a hint as a plain string or as {text, when}.
func (h *hintTranslation) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		h.Text = n.Value
		return nil
	}
	var p lessons.HintTranslation
	if err := decodeStrict(n, &p); err != nil {
		return err
	}
	*h = hintTranslation(p)
	return nil
}

// decodeStrict decodes a node refusing unknown fields (yaml.Node.Decode
// alone has no such option).
func decodeStrict(n *yaml.Node, v any) error {
	data, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	d := yaml.NewDecoder(bytes.NewReader(data))
	d.KnownFields(true)
	return d.Decode(v)
}

func (d translationDoc) translation(file string) *lessons.Translation {
	t := &lessons.Translation{ID: d.ID, Slug: d.Slug, Title: d.Title, Intro: d.Intro, Supersedes: d.Supersedes, File: file}
	// nil stays nil and empty stays empty, as a direct decode leaves them.
	if d.Steps != nil {
		t.Steps = make([]lessons.StepTranslation, 0, len(d.Steps))
	}
	for _, s := range d.Steps {
		st := lessons.StepTranslation{Title: s.Title, Text: s.Text, Solution: s.Solution, Checks: s.Checks}
		if s.Hints != nil {
			st.Hints = make([]lessons.HintTranslation, 0, len(s.Hints))
		}
		for _, h := range s.Hints {
			st.Hints = append(st.Hints, lessons.HintTranslation(h))
		}
		t.Steps = append(t.Steps, st)
	}
	return t
}

// LoadTranslations reads dir/*.yaml from fsys strictly: an unknown field
// or a slug translated twice is an error naming the file.
func LoadTranslations(fsys fs.FS, dir string) (map[string]*lessons.Translation, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := map[string]*lessons.Translation{}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		d := yaml.NewDecoder(bytes.NewReader(data))
		d.KnownFields(true)
		var doc translationDoc
		if err := d.Decode(&doc); err != nil {
			return nil, fmt.Errorf("lessons/%s: %w", f, err)
		}
		t := doc.translation(f)
		if t.Slug == "" {
			return nil, fmt.Errorf("lessons/%s: no slug", f)
		}
		if prev, ok := out[t.Slug]; ok {
			return nil, fmt.Errorf("lessons/%s: lesson %s is translated already in %s", f, t.Slug, prev.File)
		}
		out[t.Slug] = t
	}
	return out, nil
}

// LoadBuiltinTranslations reads the built-in translations of lang (its
// directory of lessons.TranslationFiles, "zh") strictly.
func LoadBuiltinTranslations(dir string) (map[string]*lessons.Translation, error) {
	return LoadTranslations(lessons.TranslationFiles(), dir)
}
