package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/netlab/netlab/checks"
)

//go:embed *.yaml
var embedded embed.FS

// Embedded is the file system holding the built-in lessons' YAML files:
// what lessons/lessonyaml decodes (netlab itself serves them compiled,
// see LoadEmbedded).
func Embedded() fs.FS { return embedded }

// Reports says whether a check of the step can report mistake id.
func (s Step) Reports(reg *checks.Registry, id string) bool {
	for _, c := range s.Checks {
		if k, ok := reg.Get(c.Kind); ok && k.Reports(id) {
			return true
		}
	}
	return false
}

// Find returns the lesson named by number or slug.
func Find(all []*Lesson, key string) (*Lesson, error) {
	if i, ok := position(len(all), func(i int) (int, string) { return all[i].ID, all[i].Slug }, key); ok {
		return all[i], nil
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

// position is where, among n lessons whose IDs and slugs at gives, the
// lesson that key names stands: a number names an ID first, then
// anything names a slug. ok is false when key names none.
func position(n int, at func(i int) (id int, slug string), key string) (int, bool) {
	if id, err := strconv.Atoi(key); err == nil {
		for i := range n {
			if l, _ := at(i); l == id {
				return i, true
			}
		}
	}
	for i := range n {
		if _, slug := at(i); slug == key {
			return i, true
		}
	}
	return 0, false
}
