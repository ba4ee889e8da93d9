// Package lessonyaml decodes netlab's lessons from their YAML files,
// strictly: an unknown field, a missing field or a bad value is an error
// that names file and line, and the lessons are checked against each
// other and against the catalogue of mistakes.
//
// Only the generator of lessons/compiled_gen.go and the tests import it:
// netlab itself serves the compiled lessons (lessons.LoadEmbedded) and
// never decodes YAML, so that no command pays for a YAML decoder when it
// starts.
package lessonyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/strictyaml"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/mistakes/mistakeyaml"
)

// checkNode is a check as written: its node and the lines of its keys.
// Its fields besides kind: and name: are decoded once its kind, and so
// its parameter struct, is known.
type checkNode struct {
	node *yaml.Node
	keys map[string]int
}

// keyline is the line of one of the check's fields (or of the check).
func (c checkNode) keyline(key string) int {
	if l, ok := c.keys[key]; ok {
		return l
	}
	return c.node.Line
}

// doc is a lesson file's root node and, by step, its checks as written.
type doc struct {
	root   *yaml.Node
	checks map[[2]int]checkNode
}

// readCheck reads a check's node: a mapping whose keys are each written
// once; kind: and name: are decoded into c.
func readCheck(n *yaml.Node, c *lessons.CheckSpec) (checkNode, error) {
	if n.Kind != yaml.MappingNode {
		return checkNode{}, strictyaml.Errorf(n.Line, "a check must be a mapping with a kind: field")
	}
	keys := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if l, dup := keys[k.Value]; dup {
			return checkNode{}, strictyaml.Errorf(k.Line, "field %q is written twice (first at line %d)", k.Value, l)
		}
		keys[k.Value] = k.Line
		switch k.Value {
		case "kind":
			if err := strictyaml.Decode(v, &c.Kind); err != nil {
				return checkNode{}, err
			}
		case "name":
			if err := strictyaml.Decode(v, &c.Name); err != nil {
				return checkNode{}, err
			}
		}
	}
	c.Line = n.Line
	return checkNode{node: n, keys: keys}, nil
}

// mappingValue is the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var v *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v = n.Content[i+1]
		}
	}
	return v
}

// plainTree is a copy of a lesson's root node that lessons.Lesson decodes
// strictly: each check is reduced to its kind: and name: (the rest is its
// kind's, read by buildCheck from the original node), and a hint written
// as a plain string becomes {text: ...}. The original nodes are untouched.
func plainTree(root *yaml.Node) (*yaml.Node, map[[2]int]checkNode, error) {
	out := *root
	checksOf := map[[2]int]checkNode{}
	steps := mappingValue(root, "steps")
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return &out, checksOf, nil
	}
	newSteps := *steps
	newSteps.Content = slices.Clone(steps.Content)
	for i, st := range steps.Content {
		if st.Kind != yaml.MappingNode {
			continue
		}
		newStep := *st
		newStep.Content = slices.Clone(st.Content)
		for k := 0; k+1 < len(st.Content); k += 2 {
			v := st.Content[k+1]
			switch st.Content[k].Value {
			case "checks":
				if v.Kind != yaml.SequenceNode {
					continue
				}
				seq := *v
				seq.Content = make([]*yaml.Node, len(v.Content))
				for j, c := range v.Content {
					var spec lessons.CheckSpec
					cn, err := readCheck(c, &spec)
					if err != nil {
						return nil, nil, err
					}
					checksOf[[2]int{i, j}] = cn
					plain := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: c.Line, Column: c.Column}
					for m := 0; m+1 < len(c.Content); m += 2 {
						if key := c.Content[m].Value; key == "kind" || key == "name" {
							plain.Content = append(plain.Content, c.Content[m], c.Content[m+1])
						}
					}
					seq.Content[j] = plain
				}
				newStep.Content[k+1] = &seq
			case "hints":
				if v.Kind != yaml.SequenceNode {
					continue
				}
				seq := *v
				seq.Content = slices.Clone(v.Content)
				for j, h := range v.Content {
					if h.Kind == yaml.ScalarNode {
						seq.Content[j] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: h.Line, Column: h.Column, Content: []*yaml.Node{
							{Kind: yaml.ScalarNode, Tag: "!!str", Value: "text", Line: h.Line, Column: h.Column},
							{Kind: yaml.ScalarNode, Tag: "!!str", Value: h.Value, Line: h.Line, Column: h.Column},
						}}
					}
				}
				newStep.Content[k+1] = &seq
			}
		}
		newSteps.Content[i] = &newStep
	}
	out.Content = slices.Clone(root.Content)
	for k := 0; k+1 < len(root.Content); k += 2 {
		if root.Content[k].Value == "steps" && root.Content[k+1] == steps {
			out.Content[k+1] = &newSteps
		}
	}
	return &out, checksOf, nil
}

// hintLines gives each hint its line: that of its when:, when it has one,
// else the hint's own.
func hintLines(l *lessons.Lesson, root *yaml.Node) {
	steps := mappingValue(root, "steps")
	for i := range l.Steps {
		if steps == nil || i >= len(steps.Content) {
			return
		}
		hints := mappingValue(steps.Content[i], "hints")
		for j := range l.Steps[i].Hints {
			if hints == nil || j >= len(hints.Content) {
				break
			}
			h := hints.Content[j]
			line := h.Line
			if h.Kind == yaml.MappingNode {
				for k := 0; k+1 < len(h.Content); k += 2 {
					if h.Content[k].Value == "when" {
						line = h.Content[k].Line
					}
				}
			}
			l.Steps[i].Hints[j].Line = line
		}
	}
}

// Parse reads one lesson file strictly and builds its checks from reg.
func Parse(name string, data []byte, reg *checks.Registry) (*lessons.Lesson, error) {
	l, _, err := parse(name, data, reg)
	return l, err
}

// parse is Parse that also returns the file's root node (for the lines of
// errors found later, against the catalogue).
func parse(name string, data []byte, reg *checks.Registry) (*lessons.Lesson, *yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var file yaml.Node
	if err := dec.Decode(&file); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("%s: a lesson file holds exactly one YAML document (this one is empty)", name)
		}
		return nil, nil, inFile(name, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s:%d: a lesson file holds exactly one YAML document", name, more.Line)
	}
	root := file.Content[0]
	plain, checksOf, err := plainTree(root)
	if err != nil {
		return nil, nil, inFile(name, err)
	}
	var l lessons.Lesson
	if err := strictyaml.Decode(plain, &l); err != nil {
		return nil, nil, inFile(name, err)
	}
	l.File = name
	hintLines(&l, root)
	for at, cn := range checksOf {
		if i, j := at[0], at[1]; i < len(l.Steps) && j < len(l.Steps[i].Checks) {
			l.Steps[i].Checks[j].Line = cn.node.Line
		}
	}
	d := doc{root: root, checks: checksOf}
	if err := validate(&l, d, reg); err != nil {
		return nil, nil, inFile(name, err)
	}
	return &l, root, nil
}

// inFile prefixes an error with the file (and its line, when known).
func inFile(name string, err error) error {
	var le *strictyaml.Error
	if errors.As(strictyaml.FromYAML(err), &le) {
		return fmt.Errorf("%s:%d: %s", name, le.Line, le.Msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// lineOf finds the line of a path of mapping keys (string) and sequence
// indexes (int) below n, or of its nearest existing parent.
func lineOf(n *yaml.Node, path ...any) int {
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			next = mappingValue(n, p)
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}

// Not linked into netlab (a generator's and the tests' package): its init
// costs no netlab start.
var slugRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func validate(l *lessons.Lesson, d doc, reg *checks.Registry) error {
	at := func(path []any, format string, a ...any) error {
		return strictyaml.Errorf(lineOf(d.root, path...), format, a...)
	}
	p := func(path ...any) []any { return path }
	if l.ID <= 0 {
		return at(p("id"), "id must be a positive number")
	}
	if !slugRE.MatchString(l.Slug) {
		return at(p("slug"), "slug %q must be lower-case letters, digits and dashes", l.Slug)
	}
	if strings.TrimSpace(l.Title) == "" {
		return at(p("title"), "title is required")
	}
	if len(l.Steps) == 0 {
		return at(p("steps"), "a lesson needs at least one step")
	}
	for _, ns := range l.Owns.Namespaces {
		if ns == "" || strings.ContainsAny(ns, "/ ") {
			return at(p("owns", "namespaces"), "%q is not a namespace name", ns)
		}
	}
	for i := range l.Steps {
		s := &l.Steps[i]
		sp := p("steps", i)
		switch {
		case strings.TrimSpace(s.Title) == "":
			return at(sp, "step %d: title is required", i+1)
		case strings.TrimSpace(s.Text) == "":
			return at(sp, "step %d: text is required", i+1)
		case len(s.Hints) == 0:
			return at(sp, "step %d: at least one hint is required", i+1)
		case len(s.Commands()) == 0 && !l.Troubleshoot():
			return at(sp, "step %d: a reference solution is required", i+1)
		case len(s.Checks) == 0 && !l.Troubleshoot():
			return at(sp, "step %d: at least one check is required", i+1)
		case l.Troubleshoot() && (len(s.Checks) > 0 || s.Solution != ""):
			return at(sp, "step %d: a step of a troubleshooting lesson (rounds:) has no checks and no solution: it passes when its round's lesson passes again", i+1)
		case s.Points < 0:
			return at(p("steps", i, "points"), "step %d: points cannot be negative", i+1)
		}
		for j, h := range s.Hints {
			if strings.TrimSpace(h.Text) == "" {
				return at(p("steps", i, "hints", j), "step %d: empty hint", i+1)
			}
		}
		for j := range s.Checks {
			if err := buildCheck(&s.Checks[j], d.checks[[2]int{i, j}], reg); err != nil {
				return err
			}
		}
		// A hint's when: is a mistake that a check of its step reports:
		// otherwise it could never be shown first (a typo, or a hint left
		// behind when a check moved).
		for _, h := range s.Hints {
			if h.When != "" && !s.Reports(reg, h.When) {
				return strictyaml.Errorf(h.Line, "step %d: hint is for mistake %q, which no check of this step reports (its kinds: %s; their mistakes are listed in docs/checks.md)",
					i+1, h.When, strings.Join(kinds(*s), ", "))
			}
		}
	}
	return nil
}

// unexplained says whether id is what a check of the step reports when it
// cannot tell why: no catalogue entry builds that on purpose.
func unexplained(s lessons.Step, reg *checks.Registry, id string) bool {
	for _, c := range s.Checks {
		if k, ok := reg.Get(c.Kind); ok && k.Unexplains(id) {
			return true
		}
	}
	return false
}

func kinds(s lessons.Step) []string {
	var out []string
	for _, c := range s.Checks {
		if !slices.Contains(out, c.Kind) {
			out = append(out, c.Kind)
		}
	}
	return out
}

func buildCheck(c *lessons.CheckSpec, cn checkNode, reg *checks.Registry) error {
	if c.Kind == "" {
		return strictyaml.Errorf(c.Line, "check without kind: (one of %s)", strings.Join(reg.Names(), ", "))
	}
	k, ok := reg.Get(c.Kind)
	if !ok {
		return strictyaml.Errorf(cn.keyline("kind"), "unknown check kind %q (one of %s)", c.Kind, strings.Join(reg.Names(), ", "))
	}
	var names []string
	for _, f := range k.Fields() {
		names = append(names, f.Name)
	}
	// The keys in file order, so that the first wrong one is reported.
	for i := 0; i+1 < len(cn.node.Content); i += 2 {
		key := cn.node.Content[i]
		if _, ok := k.Field(key.Value); !ok && key.Value != "kind" && key.Value != "name" {
			return strictyaml.Errorf(key.Line, "check kind %s takes no field %q (it takes %s)", c.Kind, key.Value, strings.Join(names, ", "))
		}
	}
	for _, f := range k.Fields() {
		if _, ok := cn.keys[f.Name]; f.Required && !ok {
			return strictyaml.Errorf(c.Line, "check kind %s needs field %q", c.Kind, f.Name)
		}
	}
	params := k.NewParams()
	// Unknown keys are ruled out above; kind: and name: are not fields of
	// the parameters, and the non-strict Decode skips them.
	if err := strictyaml.FromYAML(cn.node.Decode(params)); err != nil {
		return err
	}
	chk, err := k.Build(params)
	if err != nil {
		var fe *checks.FieldError
		if errors.As(err, &fe) {
			return strictyaml.Errorf(cn.keyline(fe.Field), "%s: %v", c.Kind, fe)
		}
		return strictyaml.Errorf(c.Line, "%s: %v", c.Kind, err)
	}
	c.Params, c.Check, c.Phase = params, chk, k.Phase
	return nil
}

// Load reads every *.yaml lesson in fsys, strictly, and checks that ids
// and slugs are unique and that requires: names a lesson.
func Load(fsys fs.FS, reg *checks.Registry) ([]*lessons.Lesson, error) {
	return load(fsys, reg, nil, false)
}

// LoadWithCatalog is Load that also checks the lessons against the
// catalogued mistakes (see checkCatalog).
func LoadWithCatalog(fsys fs.FS, reg *checks.Registry, catalog []mistakes.Mistake) ([]*lessons.Lesson, error) {
	return load(fsys, reg, func() ([]mistakes.Mistake, error) { return catalog, nil }, true)
}

// load decodes the lessons; catalog is called only when withCatalog, and
// may still be decoding the catalogue while the lessons decode.
func load(fsys fs.FS, reg *checks.Registry, catalog func() ([]mistakes.Mistake, error), withCatalog bool) ([]*lessons.Lesson, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*lessons.Lesson
	roots := map[*lessons.Lesson]*yaml.Node{}
	ids := map[int]string{}
	slugs := map[string]string{}
	// Files decode concurrently; their order, and the first error in that
	// order, stay the files'.
	type parsed struct {
		l    *lessons.Lesson
		root *yaml.Node
		err  error
	}
	res := make([]parsed, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, err := fs.ReadFile(fsys, n)
			if err != nil {
				res[i].err = err
				return
			}
			res[i].l, res[i].root, res[i].err = parse(path.Join("lessons", n), data, reg)
		}()
	}
	wg.Wait()
	for _, p := range res {
		l, root, err := p.l, p.root, p.err
		if err != nil {
			return nil, err
		}
		if f, dup := ids[l.ID]; dup {
			return nil, fmt.Errorf("%s: id %d is already used by %s", l.File, l.ID, f)
		}
		if f, dup := slugs[l.Slug]; dup {
			return nil, fmt.Errorf("%s: slug %q is already used by %s", l.File, l.Slug, f)
		}
		ids[l.ID], slugs[l.Slug] = l.File, l.File
		roots[l] = root
		out = append(out, l)
	}
	for _, l := range out {
		if l.Requires != "" {
			if _, ok := slugs[l.Requires]; !ok {
				return nil, fmt.Errorf("%s: requires %q, which is no lesson's slug", l.File, l.Requires)
			}
		}
		if err := checkSupersedes(l, out); err != nil {
			return nil, err
		}
	}
	if err := resolveRounds(out, roots); err != nil {
		return nil, err
	}
	if withCatalog {
		cat, err := catalog()
		if err != nil {
			return nil, err
		}
		if err := checkCatalog(out, roots, reg, cat); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// checkCatalog keeps mistake ids one vocabulary between the lessons and the
// catalogue: a hint's when: names a catalogued mistake (one a catalogue
// entry makes some step report), or what a check of its step reports when
// it cannot tell why (checks.Spec.Unexplained); a catalogued mistake of a lesson is one
// that a check of its step reports, and the step has a hint for it.
// Entries for lessons not loaded here are not judged.
func checkCatalog(ls []*lessons.Lesson, roots map[*lessons.Lesson]*yaml.Node, reg *checks.Registry, catalog []mistakes.Mistake) error {
	catalogued := map[string]bool{}
	for _, m := range catalog {
		catalogued[m.Want()] = true
	}
	for _, l := range ls {
		for i, s := range l.Steps {
			for _, h := range s.Hints {
				if h.When != "" && !catalogued[h.When] && !unexplained(s, reg, h.When) {
					return fmt.Errorf("%s:%d: step %d: hint is for mistake %q, which no entry of %s builds (add one there: how learners get it, the commands that build it, what the diagnosis says)",
						l.File, h.Line, i+1, h.When, mistakes.File)
				}
			}
		}
		for _, m := range mistakes.ForLesson(catalog, l.Slug) {
			if m.Step > len(l.Steps) {
				return fmt.Errorf("%s:%d: mistake %s is at step %d, but lesson %s has %d steps", mistakes.File, m.Line, m.ID, m.Step, l.Slug, len(l.Steps))
			}
			s := l.Steps[m.Step-1]
			if !s.Reports(reg, m.Want()) {
				return fmt.Errorf("%s:%d: mistake %s: no check of step %d of %s reports %q (its kinds: %s)", mistakes.File, m.Line, m.ID, m.Step, l.Slug, m.Want(), strings.Join(kinds(s), ", "))
			}
			if !slices.ContainsFunc(s.Hints, func(h lessons.Hint) bool { return h.When == m.Want() }) {
				return fmt.Errorf("%s:%d: step %d has no hint for the catalogued mistake %s (%s:%d): add one with `when: %s`",
					l.File, lineOf(roots[l], "steps", m.Step-1, "hints"), m.Step, m.Want(), mistakes.File, m.Line, m.Want())
			}
		}
	}
	return nil
}

// LoadBuiltin loads the built-in lessons from their YAML files
// (lessons.Embedded) with the default checks, strictly, and checks them
// against the built-in catalogue of mistakes: what lessons/compiled_gen.go
// is made from (netlab itself uses lessons.LoadEmbedded).
func LoadBuiltin() ([]*lessons.Lesson, error) {
	// The catalogue decodes beside the lessons: it is only needed for the
	// cross-check at the end.
	type result struct {
		cat []mistakes.Mistake
		err error
	}
	ch := make(chan result, 1)
	go func() {
		cat, err := mistakeyaml.FromYAML()
		ch <- result{cat, err}
	}()
	return load(lessons.Embedded(), checks.Default(), func() ([]mistakes.Mistake, error) {
		r := <-ch
		return r.cat, r.err
	}, true)
}

// ParseCheck reads one check written as in a lesson ("kind: addr\nlink:
// lo\naddr: 127.0.0.1/8") and builds it strictly, as Parse would.
func ParseCheck(reg *checks.Registry, text string) (*lessons.CheckSpec, error) {
	var c lessons.CheckSpec
	var file yaml.Node
	if err := yaml.Unmarshal([]byte(text), &file); err != nil {
		return nil, strictyaml.FromYAML(err)
	}
	if len(file.Content) == 0 {
		return nil, errors.New("empty check")
	}
	cn, err := readCheck(file.Content[0], &c)
	if err != nil {
		return nil, err
	}
	if err := buildCheck(&c, cn, reg); err != nil {
		return nil, err
	}
	return &c, nil
}
