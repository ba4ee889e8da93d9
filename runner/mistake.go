package runner

import (
	"context"
	"fmt"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

// BuildMistake builds a catalogued mistaken state: the lesson solved (up
// to m.UpTo) unless m starts fresh, then m's break commands. Used by the
// diagnosis tests and by selftest's fault injection.
func (s *Solver) BuildMistake(ctx context.Context, l *lessons.Lesson, m mistakes.Mistake) error {
	if m.Start != "fresh" {
		if err := s.Solve(ctx, l, m.UpTo); err != nil {
			return fmt.Errorf("mistake %s: solving lesson %d first: %w", m.ID, l.ID, err)
		}
	}
	for _, cmd := range m.Commands() {
		fmt.Fprintf(s.Out, "$ %s\n", cmd)
		if err := s.Shell.Run(ctx, cmd, s.Out); err != nil {
			return fmt.Errorf("mistake %s: `%s` failed: %w", m.ID, cmd, err)
		}
	}
	return nil
}
