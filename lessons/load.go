package lessons

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/internal/strictyaml"
	"github.com/netlab/netlab/mistakes"
)

//go:embed *.yaml
var embedded embed.FS

// Embedded is the file system holding the built-in lessons.
func Embedded() fs.FS { return embedded }

// UnmarshalYAML keeps the check's node, line and keys: its fields are
// decoded once its kind, and so its parameter struct, is known.
func (c *CheckSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return strictyaml.Errorf(n.Line, "a check must be a mapping with a kind: field")
	}
	keys := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if l, dup := keys[k.Value]; dup {
			return strictyaml.Errorf(k.Line, "field %q is written twice (first at line %d)", k.Value, l)
		}
		keys[k.Value] = k.Line
		switch k.Value {
		case "kind":
			if err := strictyaml.Decode(v, &c.Kind); err != nil {
				return err
			}
		case "name":
			if err := strictyaml.Decode(v, &c.Name); err != nil {
				return err
			}
		}
	}
	c.Line, c.node, c.keys = n.Line, n, keys
	return nil
}

// UnmarshalYAML accepts a hint as a plain string or as {text, when}.
func (h *Hint) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		h.Text, h.Line = n.Value, n.Line
		return nil
	}
	type plain Hint
	var p plain
	if err := strictyaml.Decode(n, &p); err != nil {
		return err
	}
	*h = Hint(p)
	h.Line = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "when" {
			h.Line = n.Content[i].Line
		}
	}
	return nil
}

// Parse reads one lesson file strictly and builds its checks from reg.
func Parse(name string, data []byte, reg *checks.Registry) (*Lesson, error) {
	l, _, err := parse(name, data, reg)
	return l, err
}

// parse is Parse that also returns the file's root node (for the lines of
// errors found later, against the catalogue).
func parse(name string, data []byte, reg *checks.Registry) (*Lesson, *yaml.Node, error) {
	// One parse serves both decoding and, for validation errors, finding
	// lines: parsing is most of the start-up time of every netlab command.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("%s: a lesson file holds exactly one YAML document (this one is empty)", name)
		}
		return nil, nil, inFile(name, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s:%d: a lesson file holds exactly one YAML document", name, more.Line)
	}
	root := doc.Content[0]
	var l Lesson
	if err := strictyaml.Decode(root, &l); err != nil {
		return nil, nil, inFile(name, err)
	}
	l.File = name
	if err := validate(&l, root, reg); err != nil {
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
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
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

var slugRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]*$`) })

func validate(l *Lesson, root *yaml.Node, reg *checks.Registry) error {
	at := func(path []any, format string, a ...any) error {
		return strictyaml.Errorf(lineOf(root, path...), format, a...)
	}
	p := func(path ...any) []any { return path }
	if l.ID <= 0 {
		return at(p("id"), "id must be a positive number")
	}
	if !slugRE().MatchString(l.Slug) {
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
			if err := buildCheck(&s.Checks[j], reg); err != nil {
				return err
			}
		}
		// A hint's when: is a mistake that a check of its step reports:
		// otherwise it could never be shown first (a typo, or a hint left
		// behind when a check moved).
		for _, h := range s.Hints {
			if h.When != "" && !s.Reports(reg, h.When) {
				return strictyaml.Errorf(h.Line, "step %d: hint is for mistake %q, which no check of this step reports (its kinds: %s; their mistakes are listed in docs/checks.md)",
					i+1, h.When, strings.Join(s.kinds(), ", "))
			}
		}
	}
	return nil
}

// Reports says whether a check of the step can report mistake id.
func (s Step) Reports(reg *checks.Registry, id string) bool {
	for _, c := range s.Checks {
		if k, ok := reg.Get(c.Kind); ok && k.Reports(id) {
			return true
		}
	}
	return false
}

// unexplained says whether id is what a check of the step reports when it
// cannot tell why: no catalogue entry builds that on purpose.
func (s Step) unexplained(reg *checks.Registry, id string) bool {
	for _, c := range s.Checks {
		if k, ok := reg.Get(c.Kind); ok && k.Unexplains(id) {
			return true
		}
	}
	return false
}

func (s Step) kinds() []string {
	var out []string
	for _, c := range s.Checks {
		if !slices.Contains(out, c.Kind) {
			out = append(out, c.Kind)
		}
	}
	return out
}

func buildCheck(c *CheckSpec, reg *checks.Registry) error {
	if c.Kind == "" {
		return strictyaml.Errorf(c.Line, "check without kind: (one of %s)", strings.Join(reg.Names(), ", "))
	}
	k, ok := reg.Get(c.Kind)
	if !ok {
		return strictyaml.Errorf(c.Keyline("kind"), "unknown check kind %q (one of %s)", c.Kind, strings.Join(reg.Names(), ", "))
	}
	var names []string
	for _, f := range k.Fields() {
		names = append(names, f.Name)
	}
	// The keys in file order, so that the first wrong one is reported.
	for i := 0; i+1 < len(c.node.Content); i += 2 {
		key := c.node.Content[i]
		if _, ok := k.Field(key.Value); !ok && key.Value != "kind" && key.Value != "name" {
			return strictyaml.Errorf(key.Line, "check kind %s takes no field %q (it takes %s)", c.Kind, key.Value, strings.Join(names, ", "))
		}
	}
	for _, f := range k.Fields() {
		if _, ok := c.keys[f.Name]; f.Required && !ok {
			return strictyaml.Errorf(c.Line, "check kind %s needs field %q", c.Kind, f.Name)
		}
	}
	params := k.NewParams()
	// Unknown keys are ruled out above; kind: and name: are not fields of
	// the parameters, and the non-strict Decode skips them.
	if err := strictyaml.FromYAML(c.node.Decode(params)); err != nil {
		return err
	}
	chk, err := k.Build(params)
	if err != nil {
		var fe *checks.FieldError
		if errors.As(err, &fe) {
			return strictyaml.Errorf(c.Keyline(fe.Field), "%s: %v", c.Kind, fe)
		}
		return strictyaml.Errorf(c.Line, "%s: %v", c.Kind, err)
	}
	c.Params, c.Check, c.Phase = params, chk, k.Phase
	return nil
}

// Keyline is the line of one of the check's fields (or of the check).
func (c *CheckSpec) Keyline(key string) int {
	if l, ok := c.keys[key]; ok {
		return l
	}
	return c.Line
}

// Load reads every *.yaml lesson in fsys, strictly, and checks that ids
// and slugs are unique and that requires: names a lesson.
func Load(fsys fs.FS, reg *checks.Registry) ([]*Lesson, error) {
	return load(fsys, reg, nil, false)
}

// LoadWithCatalog is Load that also checks the lessons against the
// catalogued mistakes (see checkCatalog).
func LoadWithCatalog(fsys fs.FS, reg *checks.Registry, catalog []mistakes.Mistake) ([]*Lesson, error) {
	return load(fsys, reg, func() ([]mistakes.Mistake, error) { return catalog, nil }, true)
}

// load decodes the lessons; catalog is called only when withCatalog, and
// may still be decoding the catalogue while the lessons decode.
func load(fsys fs.FS, reg *checks.Registry, catalog func() ([]mistakes.Mistake, error), withCatalog bool) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Lesson
	roots := map[*Lesson]*yaml.Node{}
	ids := map[int]string{}
	slugs := map[string]string{}
	// Files decode concurrently (every command that grades loads them all,
	// and eight lessons take several milliseconds one after the other);
	// their order, and the first error in that order, stay the files'.
	type parsed struct {
		l    *Lesson
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
func checkCatalog(ls []*Lesson, roots map[*Lesson]*yaml.Node, reg *checks.Registry, catalog []mistakes.Mistake) error {
	catalogued := map[string]bool{}
	for _, m := range catalog {
		catalogued[m.Want()] = true
	}
	for _, l := range ls {
		for i, s := range l.Steps {
			for _, h := range s.Hints {
				if h.When != "" && !catalogued[h.When] && !s.unexplained(reg, h.When) {
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
				return fmt.Errorf("%s:%d: mistake %s: no check of step %d of %s reports %q (its kinds: %s)", mistakes.File, m.Line, m.ID, m.Step, l.Slug, m.Want(), strings.Join(s.kinds(), ", "))
			}
			if !slices.ContainsFunc(s.Hints, func(h Hint) bool { return h.When == m.Want() }) {
				return fmt.Errorf("%s:%d: step %d has no hint for the catalogued mistake %s (%s:%d): add one with `when: %s`",
					l.File, lineOf(roots[l], "steps", m.Step-1, "hints"), m.Step, m.Want(), mistakes.File, m.Line, m.Want())
			}
		}
	}
	return nil
}

// LoadYAML loads the built-in lessons from their YAML files with the
// default checks, strictly, and checks them against the built-in
// catalogue of mistakes: what compiled_gen.go is made from (netlab itself
// uses LoadEmbedded).
func LoadYAML() ([]*Lesson, error) {
	// The catalogue decodes beside the lessons: it is only needed for the
	// cross-check at the end.
	type result struct {
		cat []mistakes.Mistake
		err error
	}
	ch := make(chan result, 1)
	go func() {
		cat, err := mistakes.FromYAML()
		ch <- result{cat, err}
	}()
	return load(embedded, checks.Default(), func() ([]mistakes.Mistake, error) {
		r := <-ch
		return r.cat, r.err
	}, true)
}

// Find returns the lesson named by number or slug.
func Find(all []*Lesson, key string) (*Lesson, error) {
	if n, err := strconv.Atoi(key); err == nil {
		for _, l := range all {
			if l.ID == n {
				return l, nil
			}
		}
	}
	for _, l := range all {
		if l.Slug == key {
			return l, nil
		}
	}
	var valid []string
	for _, l := range all {
		valid = append(valid, fmt.Sprintf("%d %s", l.ID, l.Slug))
	}
	return nil, fmt.Errorf("no lesson %q: the lessons are %s", key, strings.Join(valid, ", "))
}

func splitCommands(s string) []string {
	var out []string
	cur := ""
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if cur == "" && (t == "" || strings.HasPrefix(t, "#")) {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur += strings.TrimSuffix(t, "\\") + " "
			continue
		}
		cur += t
		if strings.TrimSpace(cur) != "" {
			out = append(out, strings.TrimSpace(cur))
		}
		cur = ""
	}
	if strings.TrimSpace(cur) != "" {
		out = append(out, strings.TrimSpace(cur))
	}
	return out
}

// ParseCheck reads one check written as in a lesson ("kind: addr\nlink:
// lo\naddr: 127.0.0.1/8") and builds it strictly, as Parse would.
func ParseCheck(reg *checks.Registry, text string) (*CheckSpec, error) {
	var c CheckSpec
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, strictyaml.FromYAML(err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("empty check")
	}
	if err := strictyaml.Decode(doc.Content[0], &c); err != nil {
		return nil, err
	}
	if err := buildCheck(&c, reg); err != nil {
		return nil, err
	}
	return &c, nil
}
