package checks

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// ruleReads counts the rule reads that reach the kernel.
type ruleReads struct {
	*kerneltest.Fake
	mu                 sync.Mutex
	rulesets, counters map[string]int
}

func (c *ruleReads) Ruleset(ctx context.Context, ns string) (kernel.Ruleset, error) {
	c.mu.Lock()
	c.rulesets[ns]++
	c.mu.Unlock()
	return c.Fake.Ruleset(ctx, ns)
}

func (c *ruleReads) NFCounters(ctx context.Context, ns string) (map[string]uint64, error) {
	c.mu.Lock()
	c.counters[ns]++
	c.mu.Unlock()
	return c.Fake.NFCounters(ctx, ns)
}

// The probes' "before" counters and the checks' rule texts come from one
// read of each namespace per grading run: a host's thousands of rules are
// dumped once, not once for the texts and once for the counters.
func TestCountersBeforeShareTheRunsRulesetRead(t *testing.T) {
	f := kerneltest.New()
	f.Add("ns2")
	f.NSs[kernel.Root].Ruleset = kernel.Ruleset{Rules: []kernel.NFRule{
		{Family: "ip", Table: "nat", Chain: "POSTROUTING", Handle: 4, Verdict: "masquerade", Packets: 7},
		{Family: "inet", Table: "bulk", Chain: "main", Handle: 9, Verdict: "accept", Packets: 3},
	}}
	f.NSs["ns2"].Ruleset = kernel.Ruleset{Rules: []kernel.NFRule{
		{Family: "ip", Table: "filter", Chain: "INPUT", Handle: 2, Verdict: "drop", Packets: 1},
	}}
	k := &ruleReads{Fake: f, rulesets: map[string]int{}, counters: map[string]int{}}
	snap := kernel.NewSnapshot(k)
	defer snap.Close()
	ctx := context.Background()
	nss := []string{kernel.Root, "ns2"}
	var wg sync.WaitGroup
	got := make([]nfCounts, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = countersBefore(ctx, snap, nss)
		}()
	}
	_, err := snap.Ruleset(ctx, kernel.Root) // an nf_rule check of the run
	require.NoError(t, err)
	wg.Wait()
	want := nfCounts{
		kernel.Root: {"ip/nat/POSTROUTING/4": 7, "inet/bulk/main/9": 3},
		"ns2":       {"ip/filter/INPUT/2": 1},
	}
	for _, c := range got {
		require.Equal(t, want, c)
	}
	require.Equal(t, map[string]int{kernel.Root: 1, "ns2": 1}, k.rulesets)
	require.Empty(t, k.counters)
}
