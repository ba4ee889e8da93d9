package runner_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/runner"
)

// linkCounter counts Links reads that reach the kernel.
type linkCounter struct {
	*kerneltest.Fake
	mu sync.Mutex
	n  map[string]int
}

func (c *linkCounter) Links(ctx context.Context, ns string) ([]kernel.Link, error) {
	c.mu.Lock()
	c.n[ns]++
	c.mu.Unlock()
	return c.Fake.Links(ctx, ns)
}

type envCheck struct {
	run func(env checks.Env) checks.Result
}

func (envCheck) Describe() string                                      { return "reads links" }
func (e envCheck) Run(_ context.Context, env checks.Env) checks.Result { return e.run(env) }

// The checks of one grading run share one read of each namespace's
// links; the next run reads again (it must see the learner's changes).
func TestGradeSharesOneReadPerNamespace(t *testing.T) {
	reg := checks.NewRegistry()
	var names []string
	for i := 0; i < 6; i++ {
		name := fmt.Sprintf("links%d", i)
		names = append(names, name)
		reg.Add(checks.Define(checks.Spec[stubParams]{Name: name, Phase: checks.PhaseState, Build: func(stubParams) (checks.Check, error) {
			return envCheck{run: func(env checks.Env) checks.Result {
				if _, err := env.K.Links(context.Background(), "ns0"); err != nil {
					return checks.Errorf("%v", err)
				}
				return checks.Passf("read")
			}}, nil
		}}))
	}
	l := lessonWith(t, reg, names...)
	f := kerneltest.New()
	f.Add("ns0")
	f.Add("unrelated")
	k := &linkCounter{Fake: f, n: map[string]int{}}
	g := &runner.Grader{K: k}
	require.True(t, g.Grade(context.Background(), l).Passed)
	require.Equal(t, map[string]int{"ns0": 1}, k.n)
	require.True(t, g.Grade(context.Background(), l).Passed)
	require.Equal(t, map[string]int{"ns0": 2}, k.n)
}
