package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// GradeAll grades every lesson of ls, in order, and then lets the later
// lessons' supersedes declarations mark the earlier checks they break on
// purpose (see ApplySupersedes): a learner who did the whole course in
// order gets every lesson graded as done.
func (g *Grader) GradeAll(ctx context.Context, ls []*lessons.Lesson) []Report {
	reps := make([]Report, 0, len(ls))
	for _, l := range ls {
		reps = append(reps, g.Grade(ctx, l))
	}
	ApplySupersedes(ls, reps)
	return reps
}

// GradeSuperseded grades l alone, as `check N` and `hint N` do, and when
// some of its failing checks are declared superseded by later lessons of
// all, grades those lessons too and applies their declarations: a learner
// who went on to lesson 4 is not told to undo it by `check 3`. Lessons
// that declare nothing about l's failing checks are not graded.
func (g *Grader) GradeSuperseded(ctx context.Context, all []*lessons.Lesson, l *lessons.Lesson) Report {
	rep := g.Grade(ctx, l)
	if rep.Passed {
		return rep
	}
	ls, reps := []*lessons.Lesson{l}, []Report{rep}
	for _, o := range all {
		if o == l {
			continue
		}
		for _, s := range o.Supersedes {
			if s.Lesson == l.Slug && declaredFailing(rep, s) {
				ls, reps = append(ls, o), append(reps, g.Grade(ctx, o))
				break
			}
		}
	}
	if len(ls) > 1 {
		ApplySupersedes(ls, reps)
	}
	return reps[0]
}

// declaredFailing reports whether a check that s declares fails in rep.
func declaredFailing(rep Report, s lessons.Supersedes) bool {
	if s.Step < 1 || s.Step > len(rep.Steps) {
		return false
	}
	for _, c := range s.Checks {
		if cs := rep.Steps[s.Step-1].Checks; c >= 1 && c <= len(cs) && cs[c-1].Status == checks.Fail {
			return true
		}
	}
	return false
}

// ApplySupersedes turns into passes the failing checks that a later
// lesson declares it breaks on purpose, when that lesson's step that
// makes the change passes (which proves the change was made as taught).
// Only the declared checks change: any other failing check of the step
// still fails it, so a broken earlier lesson does not pass. reps[i] is
// the report of ls[i].
func ApplySupersedes(ls []*lessons.Lesson, reps []Report) {
	bySlug := map[string]int{}
	for i, l := range ls {
		bySlug[l.Slug] = i
	}
	for i, l := range ls {
		for _, s := range l.Supersedes {
			if s.When < 1 || s.When > len(reps[i].Steps) || !reps[i].Steps[s.When-1].Passed {
				continue
			}
			t, ok := bySlug[s.Lesson]
			if !ok || s.Step < 1 || s.Step > len(reps[t].Steps) {
				continue
			}
			step := &reps[t].Steps[s.Step-1]
			for _, c := range s.Checks {
				if c < 1 || c > len(step.Checks) {
					continue
				}
				cr := &step.Checks[c-1]
				if cr.Status != checks.Fail {
					continue // passing needs no excuse; an error is no proof either way
				}
				cr.Superseded = &SupersededBy{Lesson: l.ID, Slug: l.Slug, Step: s.When, Because: s.Because, WasStatus: cr.Status, WasWhy: cr.Why}
				cr.Status = checks.Pass
				cr.Message = supersededText(i18n.For(reps[t].lang()), l.ID, l.Slug, s.When, s.Because)
				cr.Why, cr.Fix, cr.Mistake = "", "", ""
			}
			restatus(&reps[t])
		}
	}
}

// restatus recomputes a report's step statuses, score and verdict from
// its checks.
func restatus(r *Report) {
	r.Score = 0
	for i := range r.Steps {
		s := &r.Steps[i]
		s.Passed, s.Status = true, checks.Pass
		for _, c := range s.Checks {
			switch c.Status {
			case checks.Fail:
				s.Passed, s.Status = false, checks.Fail
			case checks.Error:
				s.Passed = false
				if s.Status == checks.Pass {
					s.Status = checks.Error
				}
			}
		}
		if s.Passed {
			r.Score++
		}
	}
	r.Passed = r.Score == r.MaxScore
}

// AllSummary is the closing line of `check --all`: "All 4 lessons pass
// (23/23 steps)." or "2/4 lessons pass (19/23 steps); not yet: 3 bridge
// (step 5), 4 iptables (steps 2, 4)." Superseded checks are counted. It
// speaks the language of the reports (of the first; English when none).
func AllSummary(reps []Report) string {
	loc := i18n.For(i18n.EN)
	if len(reps) > 0 {
		loc = i18n.For(reps[0].lang())
	}
	lessonsOK, steps, max, superseded := 0, 0, 0, 0
	var notYet []string
	for _, r := range reps {
		steps += r.Score
		max += r.MaxScore
		if r.Passed {
			lessonsOK++
		} else {
			var ks []string
			for _, s := range r.Steps {
				if !s.Passed {
					ks = append(ks, fmt.Sprint(s.Step))
				}
			}
			notYet = append(notYet, loc.TN("all-not-yet", len(ks), i18n.Data{"Lesson": r.Lesson, "Slug": r.Slug, "Steps": strings.Join(ks, ", ")}))
		}
		for _, s := range r.Steps {
			for _, c := range s.Checks {
				if c.Superseded != nil {
					superseded++
				}
			}
		}
	}
	var b strings.Builder
	if lessonsOK == len(reps) {
		b.WriteString(loc.T("all-pass", i18n.Data{"N": len(reps), "Steps": steps, "Max": max}))
	} else {
		b.WriteString(loc.T("all-some", i18n.Data{"OK": lessonsOK, "N": len(reps), "Steps": steps, "Max": max,
			"NotYet": strings.Join(notYet, loc.T("all-list-sep", nil))}))
	}
	if superseded > 0 {
		b.WriteString(loc.TN("all-superseded", superseded, nil))
	}
	return b.String()
}
