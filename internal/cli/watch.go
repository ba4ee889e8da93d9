package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
)

// WatchEvents opens the kernel event source for `netlab watch`; tests may
// replace it.
var WatchEvents = func() (kernel.EventSource, error) { return kernel.WatchEvents() }

func (a *App) watchCommand() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "watch N",
		Short: a.t("cmd-watch", nil),
		Long:  a.t("cmd-watch-long", nil),
		Args:  a.exactlyOneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.lesson(args[0])
			if err != nil {
				return err
			}
			// Fail early and clearly when the kernel cannot be opened at
			// all; the watch itself opens it afresh for every grading.
			_, closeFn, err := a.lab()
			if err != nil {
				return err
			}
			closeFn()
			// Subscribe before the first grade, so that no change falls
			// between grading and listening.
			src, err := WatchEvents()
			if err != nil {
				return a.usage("err-events-subscribe", i18n.Data{"Err": err})
			}
			defer src.Close()
			store := progressStore(a.Stderr)
			w := &guided.Watch{
				Lesson: l,
				Grader: guided.FreshGrader{Open: a.OpenLab, ProbeTimeout: min(a.ProbeTimeout, tickProbeTimeout)},
				Events: src.Events(),
				Print:  guided.Printer{Out: a.styled(a.Stdout), Lessons: a.Lessons, Verbose: verbose, Lang: a.lang()},
				OnChange: func(c guided.Change) {
					if err := store.RecordContext(cmd.Context(), l.Slug, c.To, len(l.Steps)); err != nil {
						fmt.Fprintln(a.Stderr, a.t("warn-progress-not-saved", i18n.Data{"Err": err}))
					}
				},
			}
			// Output nobody can read ends the watch (Run reports it).
			ctx, cancel := context.WithCancelCause(cmd.Context())
			defer cancel(nil)
			if a.out != nil {
				a.out.notify(cancel)
			}
			fmt.Fprintln(a.Stdout, a.t("watch-start", i18n.Data{"ID": l.ID, "Slug": l.Slug}))
			err = w.Run(ctx)
			if errors.Is(err, guided.ErrEventsClosed) {
				return a.usage("err-events-stopped", nil)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, a.t("flag-watch-verbose", nil))
	return cmd
}
