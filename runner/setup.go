package runner

import (
	"context"
	"fmt"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// Setup builds lesson l's starting state: the finished network of the
// lesson it requires (that lesson's own start first), or nothing for a
// lesson that starts from an empty lab. It says which on s.Out.
func (s *Solver) Setup(ctx context.Context, l *lessons.Lesson) error {
	if l.Troubleshoot() {
		return s.SetupRounds(ctx, l, RandomSeed())
	}
	if l.Requires == "" {
		fmt.Fprintln(s.Out, s.t("setup-empty", i18n.Data{"ID": l.ID, "Slug": l.Slug}))
		return nil
	}
	pre, err := lessons.Find(s.Lessons, l.Requires)
	if err != nil {
		return fmt.Errorf("lesson %d requires %q: %w", l.ID, l.Requires, err)
	}
	fmt.Fprintln(s.Out, s.t("setup-from", i18n.Data{"ID": l.ID, "Slug": l.Slug, "Req": pre.ID, "ReqSlug": pre.Slug}))
	if err := s.Solve(ctx, pre, 0); err != nil {
		return fmt.Errorf("building lesson %d's network: %w", pre.ID, err)
	}
	return nil
}
