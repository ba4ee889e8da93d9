// Package kerneltest is an in-memory kernel.Kernel for tests of checks,
// the runner and the CLI that must not touch a real kernel.
package kerneltest

import (
	"context"
	"fmt"
	"net"
	"sort"
	"sync"

	"github.com/netlab/netlab/kernel"
)

// NS is one fake namespace's state.
type NS struct {
	Links     []kernel.Link
	Addrs     []kernel.Addr
	Routes    []kernel.Route
	Neigh     []kernel.Neigh
	FDB       map[string][]kernel.FDBEntry // by bridge name
	Sysctls   map[string]string
	Ruleset   kernel.Ruleset
	NSIDs     map[string]int // id this namespace uses for another (by name)
	Stale     bool           // /run/netns entry is a leftover file
	Foreign   bool           // /run/netns entry is not a namespace of its own (kernel.NSForeign)
	SameAs    string         // another name for the same namespace
	RouteGetF func(dst net.IP) (kernel.Route, error)

	// IPv6 (lesson 7); RouteGet6F answers RouteGet6 (nil: unreachable).
	Addrs6     []kernel.Addr6
	Routes6    []kernel.Route
	Neigh6     []kernel.Neigh
	RouteGet6F func(dst net.IP, oif string) (kernel.Route, error)

	// Overlays (lesson 6): vxlan devices, their fdb by device name, and
	// counters by link name.
	VXLANs    []kernel.VXLAN
	VXLANFDB  map[string][]kernel.TunnelFDB
	LinkStats map[string]kernel.LinkStats
}

// Fake is a kernel made of maps. The zero value has an empty root.
type Fake struct {
	mu  sync.Mutex
	NSs map[string]*NS // kernel.Root is ""
	// PingF and ProbeTCPF answer probes; nil means no reply.
	PingF     func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error)
	ProbeTCPF func(p kernel.TCPProbe) (kernel.TCPResult, error)
	// Deleted records DeleteNamespace / DeleteLink calls; Execs Exec calls.
	Deleted []string
	Execs   []string
}

var (
	_ kernel.Kernel  = (*Fake)(nil)
	_ kernel.Changer = (*Fake)(nil)
)

// New returns a fake with a root namespace whose lo is up.
func New() *Fake {
	f := &Fake{NSs: map[string]*NS{}}
	f.Add(kernel.Root)
	return f
}

// Add creates (or returns) a namespace with lo.
func (f *Fake) Add(name string) *NS {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.NSs == nil {
		f.NSs = map[string]*NS{}
	}
	if ns, ok := f.NSs[name]; ok {
		return ns
	}
	ns := &NS{
		Links:   []kernel.Link{{Name: "lo", Index: 1, Type: "device", OperState: "unknown", PeerNetNSID: -1}},
		FDB:     map[string][]kernel.FDBEntry{},
		Sysctls: map[string]string{},
		NSIDs:   map[string]int{},
	}
	f.NSs[name] = ns
	return ns
}

func (f *Fake) get(name string) (*NS, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ns, ok := f.NSs[name]
	if !ok || ns.Stale || ns.Foreign {
		return nil, fmt.Errorf("%s: %w", name, kernel.ErrNoNamespace)
	}
	return ns, nil
}

func (f *Fake) Namespaces(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n, ns := range f.NSs {
		if n != kernel.Root && !ns.Stale && !ns.Foreign {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (f *Fake) NamespaceState(ctx context.Context, name string) (kernel.NSState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ns, ok := f.NSs[name]
	switch {
	case !ok:
		return kernel.NSMissing, nil
	case ns.Stale:
		return kernel.NSStale, nil
	case ns.Foreign:
		return kernel.NSForeign, nil
	}
	return kernel.NSPresent, nil
}

func (f *Fake) Links(ctx context.Context, name string) ([]kernel.Link, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return append([]kernel.Link(nil), ns.Links...), nil
}

func (f *Fake) Addrs(ctx context.Context, name string) ([]kernel.Addr, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return append([]kernel.Addr(nil), ns.Addrs...), nil
}

func (f *Fake) Routes(ctx context.Context, name string) ([]kernel.Route, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return append([]kernel.Route(nil), ns.Routes...), nil
}

// RouteGet uses the namespace's RouteGetF, else local addresses, else the
// longest matching route.
func (f *Fake) RouteGet(ctx context.Context, name string, dst net.IP) (kernel.Route, error) {
	ns, err := f.get(name)
	if err != nil {
		return kernel.Route{}, err
	}
	if ns.RouteGetF != nil {
		return ns.RouteGetF(dst)
	}
	for _, a := range ns.Addrs {
		if a.IPNet.IP.Equal(dst) {
			return kernel.Route{Dev: a.Link, Type: "local"}, nil
		}
	}
	best, bestLen := kernel.Route{}, -1
	for _, r := range ns.Routes {
		ones := 0
		if r.Dst != nil {
			if !r.Dst.Contains(dst) {
				continue
			}
			ones, _ = r.Dst.Mask.Size()
		}
		if ones > bestLen {
			best, bestLen = r, ones
		}
	}
	if bestLen < 0 {
		return kernel.Route{}, fmt.Errorf("route to %s: network is unreachable", dst)
	}
	if best.Type == "" {
		best.Type = "unicast"
	}
	return best, nil
}

func (f *Fake) FDB(ctx context.Context, name, bridge string) ([]kernel.FDBEntry, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.FDB[bridge], nil
}

func (f *Fake) Neighbors(ctx context.Context, name string) ([]kernel.Neigh, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.Neigh, nil
}

func (f *Fake) NSID(ctx context.Context, from, other string) (int, error) {
	ns, err := f.get(from)
	if err != nil {
		return -1, err
	}
	if id, ok := ns.NSIDs[other]; ok {
		return id, nil
	}
	return -1, nil
}

func (f *Fake) SameNS(ctx context.Context, a, b string) (bool, error) {
	na, err := f.get(a)
	if err != nil {
		return false, err
	}
	if _, err := f.get(b); err != nil {
		return false, err
	}
	return a == b || na.SameAs == b, nil
}

func (f *Fake) Sysctl(ctx context.Context, name, key string) (string, error) {
	ns, err := f.get(name)
	if err != nil {
		return "", err
	}
	if v, ok := ns.Sysctls[key]; ok {
		return v, nil
	}
	return "0", nil
}

func (f *Fake) Ping(ctx context.Context, name string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
	if _, err := f.get(name); err != nil {
		return kernel.PingResult{}, err
	}
	if f.PingF == nil {
		return kernel.PingResult{Sent: o.Count}, nil
	}
	return f.PingF(name, dst, o)
}

func (f *Fake) ProbeTCP(ctx context.Context, p kernel.TCPProbe) (kernel.TCPResult, error) {
	if f.ProbeTCPF == nil {
		return kernel.TCPResult{Err: fmt.Errorf("i/o timeout")}, nil
	}
	return f.ProbeTCPF(p)
}

func (f *Fake) Ruleset(ctx context.Context, name string) (kernel.Ruleset, error) {
	ns, err := f.get(name)
	if err != nil {
		return kernel.Ruleset{}, err
	}
	return ns.Ruleset, nil
}

// NFCounters reads the counters of the namespace's Ruleset.
func (f *Fake) NFCounters(ctx context.Context, name string) (map[string]uint64, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]uint64{}
	for _, r := range ns.Ruleset.Rules {
		out[kernel.RuleKey(r.Family, r.Table, r.Chain, r.Handle)] = r.Packets
	}
	return out, nil
}

func (f *Fake) DeleteNamespace(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.NSs, name)
	f.Deleted = append(f.Deleted, "ns "+name)
	return nil
}

func (f *Fake) DeleteLink(ctx context.Context, name, link string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ns, ok := f.NSs[name]; ok {
		for i, l := range ns.Links {
			if l.Name == link {
				ns.Links = append(ns.Links[:i], ns.Links[i+1:]...)
				break
			}
		}
	}
	f.Deleted = append(f.Deleted, "link "+name+"/"+link)
	return nil
}

func (f *Fake) Exec(ctx context.Context, name, tool string, args ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Execs = append(f.Execs, fmt.Sprint(name, ": ", tool, " ", args))
	return nil, nil
}

func (f *Fake) Addrs6(ctx context.Context, name string) ([]kernel.Addr6, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.Addrs6, nil
}

func (f *Fake) Routes6(ctx context.Context, name string) ([]kernel.Route, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.Routes6, nil
}

func (f *Fake) Neighbors6(ctx context.Context, name string) ([]kernel.Neigh, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.Neigh6, nil
}

func (f *Fake) RouteGet6(ctx context.Context, name string, dst net.IP, oif string) (kernel.Route, error) {
	ns, err := f.get(name)
	if err != nil {
		return kernel.Route{}, err
	}
	if ns.RouteGet6F == nil {
		return kernel.Route{}, fmt.Errorf("route to %s: network is unreachable", dst)
	}
	return ns.RouteGet6F(dst, oif)
}

func (f *Fake) VXLANs(ctx context.Context, name string) ([]kernel.VXLAN, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.VXLANs, nil
}

func (f *Fake) VXLANFDB(ctx context.Context, name, dev string) ([]kernel.TunnelFDB, error) {
	ns, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return ns.VXLANFDB[dev], nil
}

func (f *Fake) LinkStats(ctx context.Context, name, link string) (kernel.LinkStats, error) {
	ns, err := f.get(name)
	if err != nil {
		return kernel.LinkStats{}, err
	}
	st, ok := ns.LinkStats[link]
	if !ok {
		return kernel.LinkStats{}, fmt.Errorf("%s in %s: no such link", link, name)
	}
	return st, nil
}
