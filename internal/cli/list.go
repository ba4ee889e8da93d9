package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/progress"
)

// printList is `netlab list`: every lesson with the learner's progress and
// the suggested next one.
func (a *App) printList(ctx context.Context, w io.Writer) error {
	prog, err := progressStore(a.Stderr).LoadContext(ctx)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Ctrl-C or SIGTERM while another netlab held the lock.
		return usageErr("%v", err)
	case err != nil:
		fmt.Fprintf(a.Stderr, "netlab: warning: progress is not available: %v\n", err)
	}
	w = a.styled(w)
	fmt.Fprintln(w, "netlab lessons:")
	for _, l := range a.Lessons {
		fmt.Fprintf(w, "  %s %d  %-10s %s (%d steps)%s\n", listMark(prog, l), l.ID, l.Slug, l.Title, len(l.Steps), listState(prog, l))
	}
	if next := suggestNext(prog, a.Lessons); next != nil {
		fmt.Fprintf(w, "\nNext: netlab lesson %d (%s)\n", next.ID, next.Slug)
	} else if len(a.Lessons) > 0 {
		fmt.Fprintln(w, "\nEvery lesson is complete. Well done.")
	}
	return nil
}

func listMark(d progress.Data, l *lessons.Lesson) string {
	p, ok := d.Lessons[l.Slug]
	switch {
	case ok && p.Completed:
		return "✓"
	case ok && p.Done > 0:
		return "…"
	}
	return " "
}

func listState(d progress.Data, l *lessons.Lesson) string {
	p, ok := d.Lessons[l.Slug]
	switch {
	case !ok:
		return ""
	case p.Completed:
		return "  complete"
	case p.Done > 0:
		return fmt.Sprintf("  %d/%d steps done", min(p.Done, len(l.Steps)), len(l.Steps))
	}
	return ""
}

// suggestNext is the first lesson in course order that is half done, else
// the first not complete.
func suggestNext(d progress.Data, all []*lessons.Lesson) *lessons.Lesson {
	for _, l := range all {
		if p := d.Lessons[l.Slug]; !p.Completed && p.Done > 0 {
			return l
		}
	}
	for _, l := range all {
		if !d.Lessons[l.Slug].Completed {
			return l
		}
	}
	return nil
}
