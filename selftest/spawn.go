package selftest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/runner"
	"github.com/netlab/netlab/sandbox"
)

// ExecSpawner runs each unit as `self args... UNIT-JSON` in a new sandbox
// (self's main must call sandbox.Init, and args must lead to UnitMain).
// env is added to the child's environment.
func ExecSpawner(self string, args []string, env []string) Spawner {
	return func(ctx context.Context, u Unit) (UnitResult, error) {
		b, err := json.Marshal(u)
		if err != nil {
			return UnitResult{}, err
		}
		sb, err := sandbox.New(ctx, sandbox.Options{Self: self, SelfArgs: append(append([]string{}, args...), string(b))})
		if err != nil {
			return UnitResult{}, sandbox.Explain(err)
		}
		cmd := sb.Cmd
		cmd.Env = append(cmd.Env, env...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := sb.Start(); err != nil {
			return UnitResult{}, fmt.Errorf("%s: %w", u, err)
		}
		runErr := sb.Wait()
		var r UnitResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			return UnitResult{}, fmt.Errorf("%s: the sandboxed child gave no result (%v, exit: %v): %s", u, err, runErr, tail(errOut.String(), 400))
		}
		return r, nil
	}
}

// UnitMain runs one unit (given as JSON) in this process, with lessons
// loaded from reg, and writes the result as JSON to out. It refuses to run
// outside a sandbox: a unit runs solutions and mistakes for real.
func UnitMain(ctx context.Context, reg *checks.Registry, unitJSON string, out io.Writer) error {
	if !sandbox.Inside() {
		return errNotInSandbox
	}
	ls, err := lessons.Compiled(reg)
	if err != nil {
		return err
	}
	return UnitMainLessons(ctx, ls, unitJSON, out)
}

var errNotInSandbox = errors.New("a self-test unit runs only inside a netlab sandbox (use netlab selftest)")

// UnitMainLessons is UnitMain with the lessons already loaded (the CLI
// has loaded them with the default registry; loading costs ~30ms a unit).
func UnitMainLessons(ctx context.Context, ls []*lessons.Lesson, unitJSON string, out io.Writer) error {
	if !sandbox.Inside() {
		return errNotInSandbox
	}
	var u Unit
	if err := json.Unmarshal([]byte(unitJSON), &u); err != nil {
		return fmt.Errorf("bad unit %q: %w", unitJSON, err)
	}
	cat, err := mistakes.Catalog()
	if err != nil {
		return err
	}
	k, err := kernel.New()
	if err != nil {
		return err
	}
	defer k.Close()
	r := RunUnit(ctx, Env{Lab: k, Shell: runner.SysShell{}, Lessons: ls, Catalog: cat}, u)
	return json.NewEncoder(out).Encode(r)
}
