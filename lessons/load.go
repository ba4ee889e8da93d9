package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/netlab/netlab/checks"
)

//go:embed *.yaml
var embedded embed.FS

// Embedded is the file system holding the built-in lessons.
func Embedded() fs.FS { return embedded }

// lineError is an error at a line of the file being loaded.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func atLine(line int, format string, a ...any) error {
	return &lineError{line: line, msg: fmt.Sprintf(format, a...)}
}

// UnmarshalYAML keeps the check's line and keys so that validation, which
// needs the registry, can point at the right place later.
func (c *CheckSpec) UnmarshalYAML(node ast.Node) error {
	line := node.GetToken().Position.Line
	m, ok := node.(*ast.MappingNode)
	if !ok {
		return atLine(line, "a check must be a mapping with a kind: field")
	}
	keys := map[string]int{}
	for _, v := range m.Values {
		keys[v.Key.String()] = v.Key.GetToken().Position.Line
	}
	type plain CheckSpec
	var p plain
	if err := yaml.NodeToValue(node, &p, yaml.DisallowUnknownField()); err != nil {
		return err
	}
	*c = CheckSpec(p)
	c.Line = line
	c.keys = keys
	return nil
}

// UnmarshalYAML accepts a hint as a plain string or as {text, when}.
func (h *Hint) UnmarshalYAML(node ast.Node) error {
	switch n := node.(type) {
	case *ast.StringNode:
		h.Text = n.Value
		return nil
	case *ast.LiteralNode:
		h.Text = n.Value.Value
		return nil
	}
	type plain Hint
	var p plain
	if err := yaml.NodeToValue(node, &p, yaml.DisallowUnknownField()); err != nil {
		return err
	}
	*h = Hint(p)
	return nil
}

// Parse reads one lesson file strictly and builds its checks from reg.
func Parse(name string, data []byte, reg *checks.Registry) (*Lesson, error) {
	// One parse serves both decoding and, for validation errors, finding
	// lines: parsing is most of the start-up time of every netlab command.
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("%s:%s", name, describeYAMLError(err))
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, fmt.Errorf("%s: a lesson file holds exactly one YAML document", name)
	}
	var l Lesson
	if err := yaml.NodeToValue(file.Docs[0].Body, &l, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		return nil, fmt.Errorf("%s:%s", name, describeYAMLError(err))
	}
	l.File = name
	if err := validate(&l, file, reg); err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s:%d: %s", name, le.line, le.msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &l, nil
}

// describeYAMLError turns a decoder error into "LINE: message".
func describeYAMLError(err error) string {
	var le *lineError
	if errors.As(err, &le) {
		return fmt.Sprintf("%d: %s", le.line, le.msg)
	}
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return fmt.Sprintf("%d: %s", ye.GetToken().Position.Line, ye.GetMessage())
	}
	return " " + err.Error()
}

// lineOf finds the line of a YAML path ("$.steps[2].title"), or of its
// nearest existing parent.
func lineOf(file *ast.File, p string) int {
	for p != "" && p != "$" {
		if pp, err := yaml.PathString(p); err == nil {
			if n, err := pp.FilterFile(file); err == nil && n != nil {
				return n.GetToken().Position.Line
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return 1
}

var slugRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func validate(l *Lesson, file *ast.File, reg *checks.Registry) error {
	at := func(p, format string, a ...any) error { return atLine(lineOf(file, p), format, a...) }
	if l.ID <= 0 {
		return at("$.id", "id must be a positive number")
	}
	if !slugRE.MatchString(l.Slug) {
		return at("$.slug", "slug %q must be lower-case letters, digits and dashes", l.Slug)
	}
	if strings.TrimSpace(l.Title) == "" {
		return at("$.title", "title is required")
	}
	if len(l.Steps) == 0 {
		return at("$.steps", "a lesson needs at least one step")
	}
	for _, ns := range l.Owns.Namespaces {
		if ns == "" || strings.ContainsAny(ns, "/ ") {
			return at("$.owns.namespaces", "%q is not a namespace name", ns)
		}
	}
	for i := range l.Steps {
		s := &l.Steps[i]
		sp := fmt.Sprintf("$.steps[%d]", i)
		switch {
		case strings.TrimSpace(s.Title) == "":
			return at(sp, "step %d: title is required", i+1)
		case strings.TrimSpace(s.Text) == "":
			return at(sp, "step %d: text is required", i+1)
		case len(s.Hints) == 0:
			return at(sp, "step %d: at least one hint is required", i+1)
		case len(s.Commands()) == 0:
			return at(sp, "step %d: a reference solution is required", i+1)
		case len(s.Checks) == 0:
			return at(sp, "step %d: at least one check is required", i+1)
		case s.Points < 0:
			return at(sp+".points", "step %d: points cannot be negative", i+1)
		}
		for j, h := range s.Hints {
			if strings.TrimSpace(h.Text) == "" {
				return at(fmt.Sprintf("%s.hints[%d]", sp, j), "step %d: empty hint", i+1)
			}
		}
		for j := range s.Checks {
			if err := buildCheck(&s.Checks[j], reg); err != nil {
				return err
			}
		}
	}
	return nil
}

func buildCheck(c *CheckSpec, reg *checks.Registry) error {
	if c.Kind == "" {
		return atLine(c.Line, "check without kind: (one of %s)", strings.Join(reg.Names(), ", "))
	}
	k, ok := reg.Get(c.Kind)
	if !ok {
		return atLine(c.Keyline("kind"), "unknown check kind %q (one of %s)", c.Kind, strings.Join(reg.Names(), ", "))
	}
	allowed := map[string]bool{"kind": true, "name": true}
	for _, f := range k.Fields {
		allowed[f] = true
	}
	for key, line := range c.keys {
		if !allowed[key] {
			return atLine(line, "check kind %s takes no field %q (it takes %s)", c.Kind, key, strings.Join(k.Fields, ", "))
		}
	}
	for _, f := range k.Required {
		if _, ok := c.keys[f]; !ok {
			return atLine(c.Line, "check kind %s needs field %q", c.Kind, f)
		}
	}
	chk, err := k.Build(c.Params)
	if err != nil {
		var fe *checks.FieldError
		if errors.As(err, &fe) {
			return atLine(c.Keyline(fe.Field), "%s: %v", c.Kind, fe)
		}
		return atLine(c.Line, "%s: %v", c.Kind, err)
	}
	c.Check = chk
	c.Phase = k.Phase
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
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Lesson
	ids := map[int]string{}
	slugs := map[string]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		l, err := Parse(path.Join("lessons", n), data, reg)
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
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// LoadEmbedded loads the built-in lessons with the default checks.
func LoadEmbedded() ([]*Lesson, error) { return Load(embedded, checks.Default()) }

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
