package runner

import (
	"reflect"
	"sort"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
)

// vagueMistake says whether id is a diagnosis that says only that a probe
// failed, not why: a hint for a precise diagnosis of the same step goes
// before them. (A switch: a package-level map is built at every start.)
func vagueMistake(id string) bool {
	switch id {
	case "no-reply", "not-dropped", "tcp-failed", "send-refused":
		return true
	}
	return false
}

// HintsFor orders a step's hints for the learner: hints written for a
// mistake that this grading diagnosed come first (in the order of the
// failing checks, precise diagnoses before vague ones), then the general
// ones, then the rest. A hint may name the diagnosed object: {ns} and
// {link} become the namespace and link of the check that diagnosed its
// mistake (in the hints that were not diagnosed, NS and LINK).
func HintsFor(s lessons.Step, rep StepReport) []lessons.Hint {
	type diag struct {
		rank     int
		ns, link string
	}
	diagnosed := map[string]diag{}
	for j, c := range rep.Checks {
		if c.Status == checks.Pass || c.Mistake == "" {
			continue
		}
		if _, seen := diagnosed[c.Mistake]; seen {
			continue
		}
		d := diag{rank: j}
		if vagueMistake(c.Mistake) {
			d.rank += len(rep.Checks)
		}
		if j < len(s.Checks) {
			p := s.Checks[j].Params
			d.ns, d.link = paramString(p, "NS"), paramString(p, "Link")
			if d.ns == "" {
				d.ns = paramString(p, "From")
			}
		}
		diagnosed[c.Mistake] = d
	}
	fill := func(h lessons.Hint, ns, link string) lessons.Hint {
		h.Text = strings.NewReplacer("{ns}", ns, "{link}", link).Replace(h.Text)
		return h
	}
	var matched, general, other []lessons.Hint
	for _, h := range s.Hints {
		d, ok := diagnosed[h.When]
		switch {
		case h.When != "" && ok:
			ns, link := d.ns, d.link
			if ns == "" {
				ns = "NS"
			}
			if link == "" {
				link = "LINK"
			}
			matched = append(matched, fill(h, ns, link))
		case h.When == "":
			general = append(general, fill(h, "NS", "LINK"))
		default:
			other = append(other, fill(h, "NS", "LINK"))
		}
	}
	sort.SliceStable(matched, func(a, b int) bool { return diagnosed[matched[a].When].rank < diagnosed[matched[b].When].rank })
	return append(append(matched, general...), other...)
}

// paramString reads a string field (NS, Link, From) of a check's
// parameter struct, whatever its kind; "" when it has none.
func paramString(params any, field string) string {
	v := reflect.ValueOf(params)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName(field)
	if !f.IsValid() || f.Kind() != reflect.String {
		return ""
	}
	return f.String()
}
