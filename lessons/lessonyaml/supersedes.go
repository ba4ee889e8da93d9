package lessonyaml

import (
	"fmt"

	"github.com/netlab/netlab/lessons"
)

// checkSupersedes validates l's supersedes against the other lessons.
func checkSupersedes(l *lessons.Lesson, all []*lessons.Lesson) error {
	for i, s := range l.Supersedes {
		where := fmt.Sprintf("%s: supersedes[%d]", l.File, i)
		var target *lessons.Lesson
		for _, o := range all {
			if o.Slug == s.Lesson {
				target = o
			}
		}
		switch {
		case target == nil:
			return fmt.Errorf("%s: lesson %q is no lesson's slug", where, s.Lesson)
		case target == l:
			return fmt.Errorf("%s: a lesson cannot supersede itself", where)
		case target.ID >= l.ID:
			return fmt.Errorf("%s: lesson %q does not come before lesson %d", where, s.Lesson, l.ID)
		case s.Step < 1 || s.Step > len(target.Steps):
			return fmt.Errorf("%s: lesson %q has no step %d", where, s.Lesson, s.Step)
		case s.When < 1 || s.When > len(l.Steps):
			return fmt.Errorf("%s: when: this lesson has no step %d", where, s.When)
		case len(s.Checks) == 0:
			return fmt.Errorf("%s: checks: name the superseded checks (1-based)", where)
		case s.Because == "":
			return fmt.Errorf("%s: because: say why the change is deliberate", where)
		}
		for _, c := range s.Checks {
			if c < 1 || c > len(target.Steps[s.Step-1].Checks) {
				return fmt.Errorf("%s: step %d of lesson %q has no check %d", where, s.Step, s.Lesson, c)
			}
		}
	}
	return nil
}
