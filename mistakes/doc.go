package mistakes

import (
	"fmt"
	"strings"
)

// lessonOrder is the course order of the lessons the catalog covers; a
// lesson not listed comes after them, in catalog order.
var lessonOrder = []string{"netns", "veth", "bridge", "iptables"}

// Markdown renders the catalog as docs/mistakes.md: per lesson, each
// mistake with how learners make it, how it is built and what netlab's
// diagnosis says. The file is generated: a test keeps it in sync.
func Markdown(all []Mistake) string {
	var b strings.Builder
	b.WriteString("# Catalog of learner mistakes\n\n")
	b.WriteString("<!-- Generated from mistakes/catalog.yaml by `UPDATE_DOCS=1 go test ./mistakes/ -run TestDocInSync`; do not edit by hand. -->\n\n")
	b.WriteString("Each entry is a mistake that learners really make. For every entry,\n")
	b.WriteString("`go test ./runner/ -run TestLessonMistakes`\n")
	b.WriteString("builds the mistaken state in a sandbox (the lesson solved up to a step, then\n")
	b.WriteString("the mistake's commands), grades the lesson, and demands that the step fails\n")
	b.WriteString("with a check whose `mistake` is the id below and whose `why` says the quoted\n")
	b.WriteString("phrases. `netlab selftest` uses the same entries for fault injection, and\n")
	b.WriteString("`netlab hint` shows the lesson's hint written `when:` that id first: the\n")
	b.WriteString("lesson loader refuses a step without that hint, and a hint whose `when:`\n")
	b.WriteString("names an id no entry builds. A pending entry is a known gap of the\n")
	b.WriteString("diagnosis: the tests demand that it is still not diagnosed as written.\n\n")
	fmt.Fprintf(&b, "%d mistakes.\n\n", len(all))
	var order []string
	seen := map[string]bool{}
	for _, s := range lessonOrder {
		order = append(order, s)
		seen[s] = true
	}
	for _, m := range all {
		if !seen[m.Lesson] {
			order = append(order, m.Lesson)
			seen[m.Lesson] = true
		}
	}
	for _, lesson := range order {
		ms := ForLesson(all, lesson)
		if len(ms) == 0 {
			continue
		}
		fmt.Fprintf(&b, "## Lesson `%s`\n\n", lesson)
		for _, m := range ms {
			fmt.Fprintf(&b, "### `%s`: %s\n\n", m.ID, strings.TrimSpace(m.Title))
			if s := strings.TrimSpace(m.Story); s != "" {
				b.WriteString(s + "\n\n")
			}
			start := "the lesson solved"
			switch {
			case m.Start == "fresh":
				start = "nothing (a fresh lab)"
			case m.UpTo > 0:
				start = fmt.Sprintf("the lesson solved up to step %d", m.UpTo)
			}
			fmt.Fprintf(&b, "- Built from %s, then:\n\n", start)
			b.WriteString("  ```sh\n")
			for _, c := range m.Commands() {
				b.WriteString("  " + c + "\n")
			}
			b.WriteString("  ```\n\n")
			if len(m.RepairCommands()) > 0 {
				where := "namespace " + m.Where
				if m.Where == "root" {
					where = "the lab's root namespace"
				}
				fmt.Fprintf(&b, "- A fault of lesson 8 (troubleshoot), in %s, layer %s; repaired by:\n\n", where, m.Layer)
				b.WriteString("  ```sh\n")
				for _, c := range m.RepairCommands() {
					b.WriteString("  " + c + "\n")
				}
				b.WriteString("  ```\n\n")
			}
			fmt.Fprintf(&b, "- Step %d fails with mistake `%s`", m.Step, m.Want())
			if len(m.ExpectWhy) > 0 {
				q := make([]string, len(m.ExpectWhy))
				for i, w := range m.ExpectWhy {
					q[i] = "\"" + w + "\""
				}
				fmt.Fprintf(&b, "; the why says %s", strings.Join(q, ", "))
			}
			b.WriteString(".\n\n")
			if p := strings.TrimSpace(m.Pending); p != "" {
				b.WriteString("- Pending (not yet diagnosed so; the tests check that it still is not): " + strings.Join(strings.Fields(p), " ") + "\n\n")
			}
		}
	}
	return b.String()
}
