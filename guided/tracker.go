// Package guided is the live side of a lesson: after each learner command
// (guided shell) or each burst of kernel events (watch), it re-grades just
// enough of the lesson to know what changed, and says only that.
package guided

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/termsafe"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// Grader grades a lesson (runner.Grader in netlab, a script in tests).
type Grader interface {
	Grade(ctx context.Context, l *lessons.Lesson) runner.Report
}

// Change is what one Advance found.
type Change struct {
	From, To int // steps done (contiguously, from step 1) before and after
	// Regressed is set when a step that passed before no longer does.
	Regressed bool
	// Broken are the steps (1-based, up to From) that passed before and
	// fail now. Only these are announced: a step that still passes is not
	// broken because an earlier one is.
	Broken []int
	// Report holds the last grading of the step the learner is now on
	// (nil when the lesson is complete).
	Failing *runner.StepReport
}

// Why is the why of the first failing check of the step the learner is
// on ("" when there is none).
func (c Change) Why() string {
	if c.Failing == nil {
		return ""
	}
	return FirstWhy(*c.Failing)
}

// FirstWhy is the why of a step's first check that did not pass, with
// its white space folded.
func FirstWhy(s runner.StepReport) string {
	for _, ck := range s.Checks {
		if ck.Status != checks.Pass && strings.TrimSpace(ck.Why) != "" {
			return strings.Join(strings.Fields(ck.Why), " ")
		}
	}
	return ""
}

// Changed reports whether there is anything to say.
func (c Change) Changed() bool { return c.From != c.To }

// Complete reports whether the lesson just became complete.
func (c Change) Complete(total int) bool { return c.To == total && c.From != total }

// sub is a lesson made of steps [from, to) of l, for grading part of it.
func sub(l *lessons.Lesson, from, to int) *lessons.Lesson {
	c := *l
	c.Steps = l.Steps[from:to]
	return &c
}

// Advance grades l from a known position: done steps passed last time.
//
// It grades steps 1..done+1 only: steps beyond the first unfinished one
// are not the learner's business yet, and their probes would fail slowly
// (a ping to an address that does not exist waits for its timeout), which
// would make every prompt lag. When the current step passes, the next one
// is graded on its own, and so on, so one command that finishes several
// steps (a pasted script, `netlab solve`) reports them all.
func Advance(ctx context.Context, g Grader, l *lessons.Lesson, done int) Change {
	return AdvanceStream(ctx, g, l, done, nil)
}

// AdvanceStream is Advance that calls completed(k) as soon as step k is
// known to be newly complete, before the next step is graded: the
// learner's mark must not wait for the next step's probes (which may
// legitimately take a probe timeout, e.g. "this ping must be dropped").
func AdvanceStream(ctx context.Context, g Grader, l *lessons.Lesson, done int, completed func(k int)) Change {
	if completed == nil {
		completed = func(int) {}
	}
	n := len(l.Steps)
	if done < 0 {
		done = 0
	}
	if done > n {
		done = n
	}
	ch := Change{From: done, To: done}
	upTo := min(done+1, n)
	if upTo == 0 {
		return ch
	}
	rep := g.Grade(ctx, sub(l, 0, upTo))
	f := rep.FirstUnfinished()
	if f >= 0 {
		ch.To = f
		ch.Regressed = f < done
		for i := f; i < done; i++ {
			if !rep.Steps[i].Passed {
				ch.Broken = append(ch.Broken, i+1)
			}
		}
		s := rep.Steps[f]
		ch.Failing = &s
		return ch
	}
	ch.To = upTo
	for k := done + 1; k <= upTo; k++ {
		completed(k)
	}
	for ch.To < n {
		if ctx.Err() != nil {
			return ch
		}
		rep := g.Grade(ctx, sub(l, ch.To, ch.To+1))
		if !rep.Steps[0].Passed {
			s := rep.Steps[0]
			s.Step = ch.To + 1
			ch.Failing = &s
			return ch
		}
		ch.To++
		completed(ch.To)
	}
	return ch
}

// Printer writes what the learner sees when something changed.
type Printer struct {
	Out io.Writer
	// All lessons, to suggest the next one when a lesson is complete.
	Lessons []*lessons.Lesson
	// Verbose prints the next step's whole text, not only its title, and
	// the text of each step that completed before the learner saw it.
	Verbose bool
	// Width is the terminal's width, to which whys are reflowed (0: 80).
	Width int
	// Lang is the language of netlab's own lines (default English); the
	// lesson's texts come in already translated.
	Lang i18n.Lang
}

func (p Printer) t(id string, data i18n.Data) string {
	if p.Lang == "" {
		return i18n.T(i18n.EN, id, data)
	}
	return i18n.T(p.Lang, id, data)
}

// CompletionLine is the line printed when step k (1-based) of l is done;
// tests look for it.
func CompletionLine(l *lessons.Lesson, k int) string {
	return CompletionLineIn(i18n.EN, l, k)
}

// CompletionLineIn is CompletionLine in lang.
func CompletionLineIn(lang i18n.Lang, l *lessons.Lesson, k int) string {
	return i18n.T(lang, "guided-step-done", i18n.Data{"K": k, "N": len(l.Steps), "Title": l.Steps[k-1].Title})
}

func (p Printer) completionLine(l *lessons.Lesson, k int) string {
	return p.t("guided-step-done", i18n.Data{"K": k, "N": len(l.Steps), "Title": l.Steps[k-1].Title})
}

// Completed prints step k's completion line at once (for AdvanceStream).
func (p Printer) Completed(l *lessons.Lesson, k int) {
	fmt.Fprintln(p.Out, p.completionLine(l, k))
}

// Unseen prints, briefly, the text of step k, which passed before the
// learner was shown it (it passes early, with an earlier step's
// commands): what it teaches is still worth reading. Only in verbose
// mode.
func (p Printer) Unseen(l *lessons.Lesson, k int) {
	if !p.Verbose {
		return
	}
	fmt.Fprintf(p.Out, "  %s\n%s\n\n", p.t("guided-unseen", nil), indent(Excerpt(l.Steps[k-1].Text)))
}

// Excerpt is the beginning of a step's text: up to the end of its first
// command block (what to type and why), or its first paragraph when it
// has none; "..." marks a cut.
func Excerpt(text string) string {
	lines := strings.Split(strings.Trim(text, "\n"), "\n")
	code := func(s string) bool { return strings.HasPrefix(s, "    ") || strings.HasPrefix(s, "\t") }
	end, sawBlock := len(lines), false
	for i, ln := range lines {
		blank := strings.TrimSpace(ln) == ""
		switch {
		case code(ln):
			sawBlock = true
		case blank && !sawBlock && i > 0:
			// End of a paragraph: keep going only if a command block
			// follows right after it.
			if i+1 < len(lines) && code(lines[i+1]) {
				continue
			}
			end = i
		case !blank && sawBlock:
			end = i
		}
		if end != len(lines) {
			break
		}
	}
	out := strings.TrimRight(strings.Join(lines[:end], "\n"), "\n ")
	if end < len(lines) {
		out += "\n..."
	}
	return out
}

// Why prints a why, reflowed to the terminal's width under "why:".
func (p Printer) Why(why string) {
	if why == "" {
		return
	}
	// A why quotes names from the kernel (namespaces, links, rules): escaped,
	// so that a name cannot steer the learner's terminal.
	label := "    " + p.t("guided-why", nil) + " "
	fmt.Fprint(p.Out, Reflow(label, strings.Repeat(" ", i18n.Width(label)), termsafe.Escape(why), p.Width))
}

// AlreadyDone says that steps 1..done passed before the first prompt
// (replayed, or built before), in one line.
func (p Printer) AlreadyDone(l *lessons.Lesson, done int) {
	if done <= 0 {
		return
	}
	if done == 1 {
		fmt.Fprintln(p.Out, p.t("guided-one-done-already", i18n.Data{"N": len(l.Steps), "Title": l.Steps[0].Title}))
		return
	}
	fmt.Fprintln(p.Out, p.t("guided-done-already", i18n.Data{"Done": done, "N": len(l.Steps), "First": l.Steps[0].Title, "Last": l.Steps[done-1].Title}))
}

// Print says what changed (nothing when nothing did).
func (p Printer) Print(l *lessons.Lesson, c Change) { p.print(l, c, true) }

// PrintRest is Print without the completion lines, which Completed
// already printed.
func (p Printer) PrintRest(l *lessons.Lesson, c Change) { p.print(l, c, false) }

func (p Printer) print(l *lessons.Lesson, c Change, completions bool) {
	if !c.Changed() {
		return
	}
	n := len(l.Steps)
	w := p.Out
	if c.Regressed {
		for _, k := range c.Broken {
			fmt.Fprintln(w, p.t("guided-regressed", i18n.Data{"K": k, "N": n, "Title": l.Steps[k-1].Title}))
		}
		p.Why(c.Why())
	}
	for k := c.From + 1; completions && k <= c.To; k++ {
		fmt.Fprintln(w, p.completionLine(l, k))
		if k > c.From+1 {
			p.Unseen(l, k)
		}
	}
	if c.To == n {
		p.summary(l)
		return
	}
	s := l.Steps[c.To]
	fmt.Fprintln(w, p.t("guided-next", i18n.Data{"K": c.To + 1, "N": n, "Title": s.Title}))
	if p.Verbose {
		fmt.Fprintf(w, "\n%s\n\n", indent(strings.TrimRight(s.Text, "\n")))
	}
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		if ln != "" {
			lines[i] = "  " + ln
		}
	}
	return strings.Join(lines, "\n")
}

func (p Printer) summary(l *lessons.Lesson) {
	fmt.Fprintln(p.Out, p.t("guided-complete", i18n.Data{"ID": l.ID, "Slug": l.Slug, "N": len(l.Steps)}))
	if nx := NextLesson(p.Lessons, l); nx != nil {
		fmt.Fprintln(p.Out, "  "+p.t("guided-next-lesson", i18n.Data{"ID": nx.ID, "Slug": nx.Slug, "Title": nx.Title}))
	} else {
		fmt.Fprintln(p.Out, "  "+p.t("guided-last-lesson", nil))
	}
}

// NextLesson is the lesson after l in the course order, or nil.
func NextLesson(all []*lessons.Lesson, l *lessons.Lesson) *lessons.Lesson {
	var best *lessons.Lesson
	for _, c := range all {
		if c.ID > l.ID && (best == nil || c.ID < best.ID) {
			best = c
		}
	}
	return best
}

// Current says which step the learner is on (used when a guided shell
// starts, before anything changed).
func (p Printer) Current(l *lessons.Lesson, done int) {
	if done >= len(l.Steps) {
		p.summary(l)
		return
	}
	s := l.Steps[done]
	fmt.Fprintln(p.Out, p.t("guided-current", i18n.Data{"K": done + 1, "N": len(l.Steps), "Title": s.Title}))
	if p.Verbose {
		fmt.Fprintf(p.Out, "\n%s\n\n", indent(strings.TrimRight(s.Text, "\n")))
	}
}
