package selftest

import (
	"context"
	"fmt"

	"github.com/netlab/netlab/runner"
)

// rounds self-tests a troubleshooting lesson in one sandbox: fresh, every
// round fails; set up from a random seed (named in the findings, so that
// `netlab setup N --seed S` reproduces a failure), each round fails until
// the catalogue's repair of its fault, then it passes and the next round
// does not; reset leaves nothing behind.
func (r *unitRun) rounds(ctx context.Context) {
	l := r.l
	before, err := snapshot(ctx, r.env.Lab, false)
	if err != nil {
		r.add(partOf(0), Err, "cannot read the sandbox's state: "+err.Error())
		return
	}
	r.fresh(ctx)
	seed := runner.RandomSeed()
	s := &runner.Solver{Grader: r.g, Shell: r.env.Shell, Out: &r.log, Lessons: r.env.Lessons}
	part := fmt.Sprintf("round 1 set up (seed %d)", seed)
	if err := s.SetupRounds(ctx, l, seed); err != nil {
		r.add(part, Err, err.Error())
		return
	}
	r.add(part, OK, "")
	for k := 1; k <= len(l.Steps); k++ {
		part := fmt.Sprintf("round %d (seed %d) fails until repaired", k, seed)
		if rep := r.grade(ctx); rep.Steps[k-1].Passed {
			r.add(part, Bad, "the round passes before its fault is repaired")
		} else {
			r.add(part, OK, "")
		}
		if err := s.Solve(ctx, l, k); err != nil {
			r.add(fmt.Sprintf("repair of round %d (seed %d)", k, seed), Err, err.Error())
			return
		}
		r.after(ctx, k)
	}
	r.reset(ctx, before)
}
