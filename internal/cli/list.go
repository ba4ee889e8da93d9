package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/netlab/netlab/i18n"
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
		fmt.Fprintln(a.Stderr, a.t("warn-progress-unavailable", i18n.Data{"Err": err}))
	}
	w = a.styled(w)
	fmt.Fprintln(w, a.t("list-heading", nil))
	width := 10 // the slugs' column: as wide as the longest (troubleshoot)
	// Titles are padded to one width in terminal columns (a Chinese
	// character takes two), so that the step counts line up.
	tw := 0
	for _, l := range a.Lessons {
		width = max(width, len(l.Slug))
		tw = max(tw, i18n.Width(l.Title))
	}
	for _, l := range a.Lessons {
		fmt.Fprintf(w, "  %s %d  %-*s %s %s%s\n", listMark(prog, l), l.ID, width, l.Slug, i18n.PadRight(l.Title, tw), i18n.TN(a.lang(), "list-steps", len(l.Steps), nil), a.listState(prog, l))
	}
	if next := suggestNext(prog, a.Lessons); next != nil {
		fmt.Fprintln(w, "\n"+a.t("list-next", i18n.Data{"ID": next.ID, "Slug": next.Slug}))
	} else if len(a.Lessons) > 0 {
		fmt.Fprintln(w, "\n"+a.t("list-all-complete", nil))
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

func (a *App) listState(d progress.Data, l *lessons.Lesson) string {
	p, ok := d.Lessons[l.Slug]
	switch {
	case !ok:
		return ""
	case p.Completed:
		return "  " + a.t("list-complete", nil)
	case p.Done > 0:
		return "  " + a.t("list-done", i18n.Data{"Done": min(p.Done, len(l.Steps)), "Total": len(l.Steps)})
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
