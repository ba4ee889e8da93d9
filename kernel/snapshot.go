package kernel

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
)

// Snapshot is a Kernel for one grading run: each state read (namespaces,
// a namespace's links, addresses, routes, route lookups, nsids, sysctls,
// firewall ruleset) is made once and shared by every check of the run,
// concurrent ones included, so a run costs one read per namespace however
// many checks look at it. What must be fresh passes through: probes, rule
// counters (read around probes), FDB and neighbours (read after probes).
// Failed reads are not kept: the next caller tries again.
//
// The ruleset a Snapshot returns is the state the run found: its counters
// do not follow the run's probes. Code that reads a ruleset to see what a
// probe did reads it from Fresh(k).
//
// A Snapshot lives as long as one grading run; it is not meant to see
// the learner's next change.
type Snapshot struct {
	Kernel

	mu    sync.Mutex
	calls map[snapKey]*snapCall
	vals  map[any]any
}

type snapKey struct {
	op, ns, arg string
}

type snapCall struct {
	done chan struct{}
	v    any
	err  error
}

var _ Kernel = (*Snapshot)(nil)

// NewSnapshot wraps k for one grading run.
func NewSnapshot(k Kernel) *Snapshot {
	if r, ok := k.(interface{ BeginRun() }); ok {
		r.BeginRun()
	}
	return &Snapshot{Kernel: k, calls: map[snapKey]*snapCall{}, vals: map[any]any{}}
}

// Close ends the run: the kernel underneath may let go of the namespaces
// it holds open (see Linux.EndRun). The Snapshot must not be used after.
func (s *Snapshot) Close() {
	// A rule dump nobody read to its end (the checks found their rules
	// among the first) holds a socket.
	s.mu.Lock()
	for k, c := range s.calls {
		if k.op == "rules" {
			select {
			case <-c.done:
				if d, ok := c.v.(*RuleDump); ok && d != nil {
					d.Close()
				}
			default:
			}
		}
	}
	s.mu.Unlock()
	if r, ok := s.Kernel.(interface{ EndRun() }); ok {
		r.EndRun()
	}
}

// Shared returns the value stored under key for this run, making it with
// mk the first time: state that checks share within one run (and that
// must not outlive it).
func (s *Snapshot) Shared(key any, mk func() any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vals[key]
	if !ok {
		v = mk()
		s.vals[key] = v
	}
	return v
}

// once runs read for key unless a run already did (or is doing) it.
func once[T any](ctx context.Context, s *Snapshot, key snapKey, read func() (T, error)) (T, error) {
	for {
		s.mu.Lock()
		c, ok := s.calls[key]
		if !ok {
			c = &snapCall{done: make(chan struct{})}
			s.calls[key] = c
			s.mu.Unlock()
			v, err := read()
			c.v, c.err = v, err
			if err != nil {
				s.mu.Lock()
				delete(s.calls, key)
				s.mu.Unlock()
			}
			close(c.done)
			return v, err
		}
		s.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if c.err == nil {
			return c.v.(T), nil
		}
		// The read failed (perhaps for its caller's context alone): try
		// again with ours.
		if err := ctx.Err(); err != nil {
			var zero T
			return zero, err
		}
	}
}

func (s *Snapshot) Namespaces(ctx context.Context) ([]string, error) {
	return once(ctx, s, snapKey{op: "namespaces"}, func() ([]string, error) { return s.Kernel.Namespaces(ctx) })
}

func (s *Snapshot) NamespaceState(ctx context.Context, ns string) (NSState, error) {
	return once(ctx, s, snapKey{op: "state", ns: ns}, func() (NSState, error) { return s.Kernel.NamespaceState(ctx, ns) })
}

func (s *Snapshot) Links(ctx context.Context, ns string) ([]Link, error) {
	return once(ctx, s, snapKey{op: "links", ns: ns}, func() ([]Link, error) { return s.Kernel.Links(ctx, ns) })
}

func (s *Snapshot) Addrs(ctx context.Context, ns string) ([]Addr, error) {
	return once(ctx, s, snapKey{op: "addrs", ns: ns}, func() ([]Addr, error) { return s.Kernel.Addrs(ctx, ns) })
}

func (s *Snapshot) Routes(ctx context.Context, ns string) ([]Route, error) {
	return once(ctx, s, snapKey{op: "routes", ns: ns}, func() ([]Route, error) { return s.Kernel.Routes(ctx, ns) })
}

func (s *Snapshot) RouteGet(ctx context.Context, ns string, dst net.IP) (Route, error) {
	return once(ctx, s, snapKey{op: "routeget", ns: ns, arg: dst.String()}, func() (Route, error) { return s.Kernel.RouteGet(ctx, ns, dst) })
}

func (s *Snapshot) NSID(ctx context.Context, from, other string) (int, error) {
	return once(ctx, s, snapKey{op: "nsid", ns: from, arg: other}, func() (int, error) { return s.Kernel.NSID(ctx, from, other) })
}

func (s *Snapshot) SameNS(ctx context.Context, a, b string) (bool, error) {
	return once(ctx, s, snapKey{op: "same", ns: a, arg: b}, func() (bool, error) { return s.Kernel.SameNS(ctx, a, b) })
}

func (s *Snapshot) Sysctl(ctx context.Context, ns, key string) (string, error) {
	return once(ctx, s, snapKey{op: "sysctl", ns: ns, arg: key}, func() (string, error) { return s.Kernel.Sysctl(ctx, ns, key) })
}

// Ruleset renders the run's one read of ns's rules (see RuleDump), where
// the kernel underneath reads RuleDumps.
func (s *Snapshot) Ruleset(ctx context.Context, ns string) (Ruleset, error) {
	return once(ctx, s, snapKey{op: "ruleset", ns: ns}, func() (Ruleset, error) {
		if d, ok, err := s.readRules(ctx, ns); ok && err == nil {
			return d.Ruleset(ctx)
		}
		return s.Kernel.Ruleset(ctx, ns)
	})
}

// readRules is the run's one RuleDump of ns.
func (s *Snapshot) readRules(ctx context.Context, ns string) (*RuleDump, bool, error) {
	r, ok := s.Kernel.(ruleReader)
	if !ok {
		return nil, false, nil
	}
	d, err := once(ctx, s, snapKey{op: "rules", ns: ns}, func() (*RuleDump, error) {
		d, ok, err := r.readRules(ctx, ns)
		if !ok {
			err = errNoRuleDump
		}
		return d, err
	})
	if errors.Is(err, errNoRuleDump) {
		return nil, false, nil
	}
	return d, true, err
}

// errNoRuleDump: the kernel under a snapshot reads no RuleDump.
var errNoRuleDump = errors.New("no rule dump")

// Fresh returns the kernel under k's snapshot (k itself when k is none):
// for reads that must see what a probe just did.
func Fresh(k Kernel) Kernel {
	for {
		s, ok := k.(*Snapshot)
		if !ok {
			return k
		}
		k = s.Kernel
	}
}

var _ LinkGetter = (*Snapshot)(nil)

// cachedLinks returns ns's links when this run has read them all already.
func (s *Snapshot) cachedLinks(ns string) ([]Link, bool) {
	s.mu.Lock()
	c, ok := s.calls[snapKey{op: "links", ns: ns}]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	select {
	case <-c.done:
		if c.err == nil {
			return c.v.([]Link), true
		}
	default:
	}
	return nil, false
}

type foundLink struct {
	l  Link
	ok bool
}

// readsAlone says whether single links of ns are read alone: in the lab's
// root namespace, which may be a busy host's with thousands of links no
// lesson made, by a kernel that can. A lesson's namespace holds the
// lesson's few links: one list of them serves the whole run, in one
// round trip.
func (s *Snapshot) readsAlone(ns string) bool {
	_, ok := s.Kernel.(LinkGetter)
	return ok && ns == Root
}

// LinkByName reads one link once per run: from the run's list of ns's
// links when it has one, else alone (see LinkGetter); a kernel that reads
// only whole lists is read through the run's one list.
func (s *Snapshot) LinkByName(ctx context.Context, ns, name string) (Link, bool, error) {
	if links, ok := s.cachedLinks(ns); ok {
		return findIn(links, func(l Link) bool { return l.Name == name })
	}
	if !s.readsAlone(ns) {
		return scanLinks(ctx, s, ns, func(l Link) bool { return l.Name == name })
	}
	f, err := once(ctx, s, snapKey{op: "linkname", ns: ns, arg: name}, func() (foundLink, error) {
		l, ok, err := LinkByName(ctx, s.Kernel, ns, name)
		return foundLink{l, ok}, err
	})
	return f.l, f.ok, err
}

// LinkByIndex is LinkByName by ifindex.
func (s *Snapshot) LinkByIndex(ctx context.Context, ns string, index int) (Link, bool, error) {
	if links, ok := s.cachedLinks(ns); ok {
		return findIn(links, func(l Link) bool { return l.Index == index })
	}
	if !s.readsAlone(ns) {
		return scanLinks(ctx, s, ns, func(l Link) bool { return l.Index == index })
	}
	f, err := once(ctx, s, snapKey{op: "linkindex", ns: ns, arg: strconv.Itoa(index)}, func() (foundLink, error) {
		l, ok, err := LinkByIndex(ctx, s.Kernel, ns, index)
		return foundLink{l, ok}, err
	})
	return f.l, f.ok, err
}

// BridgePorts reads a bridge's ports once per run.
func (s *Snapshot) BridgePorts(ctx context.Context, ns string, bridge int) ([]Link, error) {
	if links, ok := s.cachedLinks(ns); ok {
		return portsOf(links, bridge), nil
	}
	if !s.readsAlone(ns) {
		links, err := s.Links(ctx, ns)
		if err != nil {
			return nil, err
		}
		return portsOf(links, bridge), nil
	}
	return once(ctx, s, snapKey{op: "ports", ns: ns, arg: strconv.Itoa(bridge)}, func() ([]Link, error) {
		return BridgePorts(ctx, s.Kernel, ns, bridge)
	})
}

func findIn(links []Link, match func(Link) bool) (Link, bool, error) {
	for _, l := range links {
		if match(l) {
			return l, true, nil
		}
	}
	return Link{}, false, nil
}
