package runner

import (
	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
)

// HintsFor orders a step's hints for the learner: hints written for a
// mistake that this grading diagnosed come first, then the general ones,
// then the rest.
func HintsFor(s lessons.Step, rep StepReport) []lessons.Hint {
	diagnosed := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status != checks.Pass && c.Mistake != "" {
			diagnosed[c.Mistake] = true
		}
	}
	var matched, general, other []lessons.Hint
	for _, h := range s.Hints {
		switch {
		case h.When != "" && diagnosed[h.When]:
			matched = append(matched, h)
		case h.When == "":
			general = append(general, h)
		default:
			other = append(other, h)
		}
	}
	return append(append(matched, general...), other...)
}
