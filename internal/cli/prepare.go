package cli

import (
	"context"

	"github.com/netlab/netlab/internal/stack"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// labAhead is a lab opened ahead of the command that grades in it (see
// prepareLab).
type labAhead struct {
	done    chan struct{} // closed when the fields below are set
	lab     runner.Lab
	closeFn func()
	err     error
}

// preparer is a lab that can open ahead what grading some namespaces
// will ask through (kernel.Linux.Prepare).
type preparer interface {
	Prepare(ctx context.Context, nss ...string)
}

// prepareLab opens the lab, and prepares in it the namespaces of the
// lesson that key names, on a goroutine of its own: `netlab check N`
// and `netlab hint N` build their lesson meanwhile, on the other CPU,
// and a.lab takes the lab when the grade needs it. Only a privileged
// netlab does: another is turned away by a.lab (or its check goes to
// its sandbox) before it would use it.
func (a *App) prepareLab(ctx context.Context, key string) {
	if a.OpenLab == nil || a.Privileged == nil || a.ahead != nil || !a.Privileged() {
		return
	}
	if lessons.Changes(key) {
		// What the lab holds is judged once for a prepared lab's whole
		// life (kernel.Linux.Prepare): a grade that changes the lab
		// between its reads opens its lab when it needs it.
		return
	}
	f := &labAhead{done: make(chan struct{})}
	a.ahead = f
	go func() {
		stack.Grow()
		defer close(f.done)
		f.lab, f.closeFn, f.err = a.OpenLab()
		if p, ok := f.lab.(preparer); ok && f.err == nil {
			p.Prepare(ctx, lessons.Namespaces(key)...)
		}
	}()
}

// openLab is the lab prepareLab opened, once it is open, or else a new
// one.
func (a *App) openLab() (runner.Lab, func(), error) {
	f := a.ahead
	if f == nil {
		return a.OpenLab()
	}
	a.ahead = nil
	<-f.done
	return f.lab, f.closeFn, f.err
}

// dropAhead closes a lab prepareLab opened that no command took (the
// command ended before it graded: a lesson that does not exist, a
// report file it cannot write).
func (a *App) dropAhead() {
	if a.ahead == nil {
		return
	}
	if _, closeFn, err := a.openLab(); err == nil {
		closeFn()
	}
}
