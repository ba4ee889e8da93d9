package kernel_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// counting counts the reads that reach the kernel underneath, by
// operation and namespace.
type counting struct {
	*kerneltest.Fake
	mu       sync.Mutex
	n        map[string]int
	failNext bool
}

func (c *counting) hit(op, ns string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[op+" "+ns]++
	if c.failNext {
		c.failNext = false
		return errors.New("interrupted")
	}
	return nil
}

func (c *counting) Links(ctx context.Context, ns string) ([]kernel.Link, error) {
	if err := c.hit("links", ns); err != nil {
		return nil, err
	}
	return c.Fake.Links(ctx, ns)
}

func (c *counting) Addrs(ctx context.Context, ns string) ([]kernel.Addr, error) {
	_ = c.hit("addrs", ns)
	return c.Fake.Addrs(ctx, ns)
}

func (c *counting) Ruleset(ctx context.Context, ns string) (kernel.Ruleset, error) {
	_ = c.hit("ruleset", ns)
	return c.Fake.Ruleset(ctx, ns)
}

func (c *counting) Ping(ctx context.Context, ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	_ = c.hit("ping", ns)
	return c.Fake.Ping(ctx, ns, dst, o)
}

func newCounting() *counting {
	f := kerneltest.New()
	f.Add("ns0")
	f.Add("ns1")
	f.Add("unrelated")
	return &counting{Fake: f, n: map[string]int{}}
}

// Many concurrent checks reading the same namespaces cost one read per
// namespace; namespaces nobody asks about are not read at all.
func TestSnapshotReadsEachNamespaceOnce(t *testing.T) {
	c := newCounting()
	s := kernel.NewSnapshot(c)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, ns := range []string{"ns0", "ns1", kernel.Root} {
				links, err := s.Links(ctx, ns)
				require.NoError(t, err)
				require.Equal(t, "lo", links[0].Name)
				_, err = s.Addrs(ctx, ns)
				require.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, map[string]int{
		"links ns0": 1, "links ns1": 1, "links ": 1,
		"addrs ns0": 1, "addrs ns1": 1, "addrs ": 1,
	}, c.n)
}

// Probes are never cached; the ruleset is read once, and Fresh reads it
// anew (to see what a probe did).
func TestSnapshotPassesProbesThroughAndFreshRereads(t *testing.T) {
	c := newCounting()
	s := kernel.NewSnapshot(c)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_, _ = s.Ping(ctx, "ns0", net.IPv4(10, 0, 0, 1), kernel.PingOpts{Timeout: 1})
		_, _ = s.Ruleset(ctx, "ns0")
	}
	require.Equal(t, 3, c.n["ping ns0"])
	require.Equal(t, 1, c.n["ruleset ns0"])
	_, _ = kernel.Fresh(s).Ruleset(ctx, "ns0")
	_, _ = kernel.Fresh(s).Ruleset(ctx, "ns0")
	require.Equal(t, 3, c.n["ruleset ns0"])
	require.Same(t, c, kernel.Fresh(c).(*counting))
}

// A failed read is not kept: the next caller reads again.
func TestSnapshotDoesNotKeepErrors(t *testing.T) {
	c := newCounting()
	c.failNext = true
	s := kernel.NewSnapshot(c)
	ctx := context.Background()
	_, err := s.Links(ctx, "ns0")
	require.Error(t, err)
	links, err := s.Links(ctx, "ns0")
	require.NoError(t, err)
	require.NotEmpty(t, links)
	require.Equal(t, 2, c.n["links ns0"])
}

// Shared values live with the snapshot: one per key.
func TestSnapshotShared(t *testing.T) {
	s := kernel.NewSnapshot(kerneltest.New())
	made := 0
	mk := func() any { made++; return new(int) }
	require.Same(t, s.Shared("k", mk), s.Shared("k", mk))
	require.Equal(t, 1, made)
	require.NotSame(t, s.Shared("k", mk), kernel.NewSnapshot(kerneltest.New()).Shared("k", mk))
}
