package cli

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/runner"
)

// preparedLab records what it was asked to prepare.
type preparedLab struct {
	runner.Lab
	mu       sync.Mutex
	prepared [][]string
}

func (p *preparedLab) Prepare(_ context.Context, nss ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prepared = append(p.prepared, nss)
}

// labCounter is an OpenLab that counts the labs it opens and closes.
type labCounter struct {
	mu             sync.Mutex
	opened, closed int
	lab            *preparedLab
}

func (c *labCounter) open() (runner.Lab, func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opened++
	return c.lab, func() { c.mu.Lock(); c.closed++; c.mu.Unlock() }, nil
}

// `check N` and `hint N` open their lab ahead, prepare lesson N's
// namespaces in it, and grade in that very lab, opened once; a command
// that ends before it grades closes the lab it opened ahead; a netlab
// without privileges, or a command that writes a report file, opens
// nothing ahead.
func TestCheckOpensItsLabAhead(t *testing.T) {
	for _, c := range []struct {
		args     []string
		priv     bool
		prepared [][]string
		opened   int
	}{
		{[]string{"check", "1"}, true, [][]string{{"ns0"}}, 1},
		{[]string{"check", "netns", "--json"}, true, [][]string{{"ns0"}}, 1},
		{[]string{"hint", "1"}, true, [][]string{{"ns0"}}, 1},
		{[]string{"check", "nope"}, true, [][]string{nil}, 1},
		{[]string{"check", "1"}, false, nil, 0},
		{[]string{"check", "1", "--junit", ""}, true, nil, 0},
		{[]string{"check", "--all"}, true, nil, 1},
		// A troubleshooting lesson's grade changes the lab between its
		// reads: it opens its lab when it needs it.
		{[]string{"check", "8"}, true, nil, 1},
		{[]string{"hint", "troubleshoot"}, true, nil, 1},
	} {
		a, _, _ := fakeApp(t)
		a.Lessons = nil // loaded as netlab loads them
		lc := &labCounter{lab: &preparedLab{Lab: kerneltest.New()}}
		a.OpenLab = lc.open
		a.Privileged = func() bool { return c.priv }
		a.Run(c.args)
		require.Equal(t, c.prepared, lc.lab.prepared, "%q", c.args)
		require.Equal(t, c.opened, lc.opened, "%q: labs opened", c.args)
		require.Equal(t, lc.opened, lc.closed, "%q: every lab opened is closed", c.args)
	}
}
