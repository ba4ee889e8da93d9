package checks

import (
	"context"
	"sync"
	"time"

	"github.com/netlab/netlab/kernel"
)

// Reading a ruleset costs an `nft -j list ruleset` (tens of milliseconds,
// more with iptables-save on top). When every probe of a lesson fails,
// they all finish at about the same moment and each wants the rulesets of
// the same few namespaces: ten probes times four namespaces of execs on a
// small machine would cost more than the probes themselves. So reads after
// a probe are shared: a read that started after the requester's last
// packet was sent serves it as well as a new one would.

// lastSend is when, after a probe started, its last packet is surely out:
// a ping sends its echo requests at 0, 200 and 400 ms, a TCP probe its SYN
// at once (its first retransmission comes only after a second). A ruleset
// read that starts later sees every counter the probe can move.
func lastSend(timeout time.Duration) time.Duration {
	return min(timeout, 450*time.Millisecond)
}

// prefetchDelay is when to start the after-read of a probe that is still
// unanswered: late enough that most answers have come, early enough that
// the read is done when the probe times out.
func prefetchDelay(timeout time.Duration) time.Duration {
	return max(lastSend(timeout), timeout-250*time.Millisecond)
}

// afterRead is one read of a namespace's rules (or counters) that
// started at started: it serves every requester that wants a read made
// after some moment not later than that.
type afterRead[T any] struct {
	started time.Time
	done    chan struct{}
	v       T
	err     error
}

type ruleCache struct {
	mu     sync.Mutex
	reads  map[string]*afterRead[kernel.Ruleset]    // latest ruleset read per namespace
	counts map[string]*afterRead[map[string]uint64] // latest counters read per namespace
}

func newRuleCache() *ruleCache {
	return &ruleCache{reads: map[string]*afterRead[kernel.Ruleset]{}, counts: map[string]*afterRead[map[string]uint64]{}}
}

// caches holds one ruleCache per kernel (a grading run uses one kernel).
var caches sync.Map // kernel.Kernel -> *ruleCache

// ruleCacheKey names the rule cache among a grading run's shared values.
type ruleCacheKey struct{}

// cacheFor returns the cache of k's grading run: the run's own when k is a
// per-run snapshot (it goes away with the run), else one per kernel.
func cacheFor(k kernel.Kernel) *ruleCache {
	if s, ok := k.(interface{ Shared(any, func() any) any }); ok {
		return s.Shared(ruleCacheKey{}, func() any { return newRuleCache() }).(*ruleCache)
	}
	c, _ := caches.LoadOrStore(k, newRuleCache())
	return c.(*ruleCache)
}

// readAfter returns the value of a read of ns that started after
// notBefore, joining one already under way when it started late enough.
// The read belongs to no single requester: it must not die with the first
// one's context. Its own bound is the netlab state bound.
func readAfter[T any](ctx context.Context, mu *sync.Mutex, m map[string]*afterRead[T], ns string, notBefore time.Time, read func(ctx context.Context) (T, error)) (T, error) {
	mu.Lock()
	r, ok := m[ns]
	if !ok || r.started.Before(notBefore) {
		r = &afterRead[T]{started: time.Now(), done: make(chan struct{})}
		m[ns] = r
		mu.Unlock()
		go func() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			r.v, r.err = read(rctx)
			close(r.done)
		}()
	} else {
		mu.Unlock()
	}
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// rulesetAfter returns ns's ruleset as read at some moment after notBefore,
// joining a read already under way when it started late enough.
func rulesetAfter(ctx context.Context, k kernel.Kernel, ns string, notBefore time.Time) (kernel.Ruleset, error) {
	c := cacheFor(k)
	return readAfter(ctx, &c.mu, c.reads, ns, notBefore, func(ctx context.Context) (kernel.Ruleset, error) {
		// After a probe: past the run's snapshot, to the kernel.
		return kernel.Fresh(k).Ruleset(ctx, ns)
	})
}

// countersAfter reads the rule counters of nss (concurrently, shared with
// other probes) as they are at some moment after notBefore: the "before"
// of a probe sent after an earlier attempt of its own, which they must
// already count.
func countersAfter(ctx context.Context, k kernel.Kernel, nss []string, notBefore time.Time) nfCounts {
	c := cacheFor(k)
	return perNS(nss, func(ns string) (map[string]uint64, error) {
		return readAfter(ctx, &c.mu, c.counts, ns, notBefore, func(ctx context.Context) (map[string]uint64, error) {
			return kernel.Fresh(k).NFCounters(ctx, ns)
		})
	})
}

// snapshotAfter reads the rulesets of nss (concurrently, shared with other
// probes) as they are after the last packet of a probe that started at
// start with this timeout.
func snapshotAfter(ctx context.Context, k kernel.Kernel, nss []string, start time.Time, timeout time.Duration) nfSnap {
	return perNS(nss, func(ns string) (kernel.Ruleset, error) {
		return rulesetAfter(ctx, k, ns, start.Add(lastSend(timeout)))
	})
}

// prefetch starts reading the rulesets of nss at prefetchDelay after a
// probe's start, so that a probe still unanswered by then finds its
// after-read under way (or done) when it times out; probes that fail
// together share these reads. A probe answered earlier calls the returned
// stop and nothing is read.
func prefetch(ctx context.Context, k kernel.Kernel, nss []string, start time.Time, timeout time.Duration) (stop func()) {
	notBefore := start.Add(lastSend(timeout))
	t := time.AfterFunc(time.Until(start.Add(prefetchDelay(timeout))), func() {
		for _, ns := range nss {
			go func(ns string) { _, _ = rulesetAfter(ctx, k, ns, notBefore) }(ns)
		}
	})
	return func() { t.Stop() }
}

// Reads shared by the probes of one grading run: the counters a probe
// takes as its "before" (rule texts are shared by kernel.Snapshot itself).
// Counters only grow, so a read finished before a probe sends is a valid
// "before" for it (packets of other probes are told apart by couldMatch,
// as they always were: the probes of a run are concurrent). On a host with
// thousands of rules this is one dump per namespace per run instead of one
// per probe.
type sharedReads struct {
	mu       sync.Mutex
	counters map[string]*afterRead[map[string]uint64]
}

type sharedReadsKey struct{}

// sharedFor returns the shared reads of k's grading run; nil when k is
// not a per-run snapshot (then every read is made anew).
func sharedFor(k kernel.Kernel) *sharedReads {
	s, ok := k.(interface{ Shared(any, func() any) any })
	if !ok {
		return nil
	}
	return s.Shared(sharedReadsKey{}, func() any {
		return &sharedReads{counters: map[string]*afterRead[map[string]uint64]{}}
	}).(*sharedReads)
}

// countersBefore returns the rule counters of nss as a baseline for a
// probe about to be sent: shared within a grading run. They come from the
// run's one read of each namespace's rules (kernel.RuleCounters), the read
// that also gives the run's checks their rule texts: on a host with
// thousands of rules, reading them twice (texts, then counters) was half
// the cost of a grade. That read finishes before any probe that waits
// for it sends, so it is a valid "before" for each.
func countersBefore(ctx context.Context, k kernel.Kernel, nss []string) nfCounts {
	s := sharedFor(k)
	if s == nil {
		return snapshotCounters(ctx, k, nss)
	}
	return perNS(nss, func(ns string) (map[string]uint64, error) {
		// Any read of the run serves (none started before the zero time).
		return readAfter(ctx, &s.mu, s.counters, ns, time.Time{}, func(ctx context.Context) (map[string]uint64, error) {
			return kernel.RuleCounters(ctx, k, ns)
		})
	})
}
