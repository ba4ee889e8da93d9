package guided

import (
	"context"
	"errors"
	"time"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

// Watch re-grades a lesson whenever the kernel reports a change.
type Watch struct {
	Lesson *lessons.Lesson
	Grader Grader
	Events <-chan kernel.Event
	Print  Printer
	// Quiet is how long no event must arrive before grading (a command
	// like `ip link add ... peer ...` makes a burst of them); Max bounds
	// the wait under a steady stream. Defaults 5ms and 100ms.
	Quiet, Max time.Duration
	// OnChange is called before each change is printed (progress saving):
	// once per step completed, and once for a regression.
	OnChange func(Change)
	// Done is the position to start from (steps known to pass).
	Done int
}

// ErrEventsClosed is returned when the event source stopped by itself.
var ErrEventsClosed = errors.New("kernel event source stopped")

// debounce waits until events have been quiet for Quiet (or Max passed).
// It returns false when the context ended or the source closed.
func (w *Watch) debounce(ctx context.Context) bool {
	quiet, max := w.Quiet, w.Max
	if quiet <= 0 {
		quiet = 5 * time.Millisecond
	}
	if max <= 0 {
		max = 100 * time.Millisecond
	}
	deadline := time.NewTimer(max)
	defer deadline.Stop()
	q := time.NewTimer(quiet)
	defer q.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case _, ok := <-w.Events:
			if !ok {
				return false
			}
			// Go 1.23 timers: Reset drops a pending tick, no drain needed.
			q.Reset(quiet)
		case <-q.C:
			return true
		case <-deadline.C:
			return true
		}
	}
}

// pending drains events that arrived meanwhile. It reports whether any
// of them calls for another grade: neighbour-only events that arrived
// while netlab itself was sending probes are taken as its own doing.
func (w *Watch) pending() (regrade, open bool) {
	for {
		select {
		case e, ok := <-w.Events:
			if !ok {
				return regrade, false
			}
			if e.What != kernel.WhatNeigh {
				regrade = true
			}
		default:
			return regrade, true
		}
	}
}

func (w *Watch) grade(ctx context.Context) { w.gradeFirst(ctx, false) }

// gradeFirst grades; on the first grade it also says where the learner
// is when nothing changed, so a fresh watch is not silent.
//
// OnChange (saving progress) runs before a change is printed: once the
// learner has seen "✓ step K", the step is saved, even if watch is
// stopped at once.
func (w *Watch) gradeFirst(ctx context.Context, first bool) {
	from := w.Done
	prev := from
	c := AdvanceStream(ctx, w.Grader, w.Lesson, from, func(k int) {
		if w.OnChange != nil {
			w.OnChange(Change{From: prev, To: k})
		}
		prev = k
		w.Print.Completed(w.Lesson, k)
		if k > from+1 {
			w.Print.Unseen(w.Lesson, k)
		}
	})
	if ctx.Err() != nil {
		return
	}
	w.Done = c.To
	if c.Regressed && w.OnChange != nil {
		w.OnChange(c)
	}
	if first && !c.Changed() {
		w.Print.Current(w.Lesson, c.To)
	} else {
		w.Print.PrintRest(w.Lesson, c)
	}
}

// Run grades once to know where the learner is, then on every burst of
// events, printing only changes, until ctx ends.
//
// Grading itself makes events (probe pings fill neighbour tables): those
// that arrive while grading are dropped, so netlab's own packets cannot
// keep it grading in a loop. Any other event that arrived while grading
// (the learner typed something meanwhile) earns another grade at once.
func (w *Watch) Run(ctx context.Context) error {
	w.gradeFirst(ctx, true)
	again, open := w.pending()
	for {
		if !open {
			return ErrEventsClosed
		}
		if !again {
			select {
			case <-ctx.Done():
				return nil
			case _, ok := <-w.Events:
				if !ok {
					return ErrEventsClosed
				}
			}
		}
		if !w.debounce(ctx) {
			if ctx.Err() != nil {
				return nil
			}
			return ErrEventsClosed
		}
		w.grade(ctx)
		again, open = w.pending()
	}
}
