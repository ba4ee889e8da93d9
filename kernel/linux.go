package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// netlinkTimeout bounds every netlink request: a namespace that vanishes
// under us must give an error, never a hang.
const netlinkTimeout = 2 * time.Second

// Linux is the real Kernel. It keeps one netlink handle per namespace (a
// socket opened inside that namespace, so no thread switching is needed to
// read it) and reopens it when the name now points at another namespace.
type Linux struct {
	root netns.NsHandle

	mu      sync.Mutex
	handles map[string]*nsEntry
	runs    int // grading runs under way (BeginRun, EndRun)
	run     int // counts the times runs went from 0 to 1
	// judged is what this run saw at /run/netns/NAME (see judge).
	judged map[string]*judgement
	// opening serializes the opening of entries, so that two questions
	// about one namespace open it once.
	opening sync.Mutex

	// asked counts the requests netlab sent by type (RTM_GETLINK, ...):
	// tests hold a grade to reading each thing once.
	asked sync.Map // uint16 → *atomic.Int64
}

type nsEntry struct {
	ns    netns.NsHandle
	hmu   sync.Mutex
	h     *netlink.Handle // the netlink library's handle, opened on first use (see lib)
	ino   uint64
	socks sockPool // idle netlink sockets of the namespace (see request)
	names runNames // the names of its links, as this run read them (see namesOf)
	dump  runDump  // its links, as this run dumped them (see runLinks)
}

// runDump is a namespace's links as one grading run dumped them: the
// run's questions about links (Links, and the names of the links that
// routes and addresses give by index) share one dump.
type runDump struct {
	mu    sync.Mutex
	run   int
	ready chan struct{} // closed when links are set; nil before the run's dump
	links []Link
}

// runNames are the names of a namespace's links as one grading run read
// them: addresses, routes and neighbours name their links by index, and
// a grade asks for them again and again.
type runNames struct {
	mu       sync.Mutex
	run      int
	byIndex  map[int]string
	complete bool // every link of the namespace: an index not in byIndex names none
}

// lookup returns the names of idxs known to run, and whether it knows
// them all.
func (n *runNames) lookup(run int, idxs map[int]bool) (map[int]string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if run < 0 || n.run != run || n.byIndex == nil {
		return nil, false
	}
	out := make(map[int]string, len(idxs))
	for i := range idxs {
		name, ok := n.byIndex[i]
		if !ok && !n.complete {
			return nil, false
		}
		if ok {
			out[i] = name
		}
	}
	return out, true
}

// learn records names read during run; complete says they are every
// link of the namespace. Outside a run (run < 0) nothing is kept: the
// links may change between two questions.
func (n *runNames) learn(run int, names map[int]string, complete bool) {
	if run < 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.run != run || n.byIndex == nil {
		n.run, n.byIndex, n.complete = run, map[int]string{}, false
	}
	for i, name := range names {
		n.byIndex[i] = name
	}
	n.complete = n.complete || complete
}

var (
	_ Kernel  = (*Linux)(nil)
	_ Changer = (*Linux)(nil)
)

// New opens the lab's root namespace (the one the calling process is in).
func New() (*Linux, error) {
	root, err := currentNS()
	if err != nil {
		return nil, fmt.Errorf("open root network namespace: %w", err)
	}
	knowOwnNS(root)
	return &Linux{root: root, handles: map[string]*nsEntry{}}, nil
}

// Close releases every handle.
func (l *Linux) Close() error {
	l.mu.Lock()
	// A run still under way (Prepare's) ends here.
	judged := l.judged
	l.judged, l.runs = nil, 0
	for k, e := range l.handles {
		e.closeSockets()
		if k != Root {
			e.ns.Close()
		}
		delete(l.handles, k)
	}
	l.mu.Unlock()
	l.closeJudged(judged)
	return l.root.Close()
}

// Prepare opens ahead what grading the namespaces nss (and the lab's root
// namespace) asks through: a handle of each, judged as a grading run
// judges it, and a route netlink socket in each. netlab check calls it
// while it builds its lesson, on the other CPU: it is a third of what a
// grade asks of the kernel. It begins a grading run that lasts until
// Close, so that the grade that follows reads the namespaces judged here:
// a caller that changes the lab before Close must not prepare it (what the
// run read would be read again only after Close). What fails is left to
// the questions that meet it.
func (l *Linux) Prepare(ctx context.Context, nss ...string) {
	l.BeginRun()
	for _, ns := range append([]string{Root}, nss...) {
		e, err := l.entry(ctx, ns)
		if err != nil {
			continue
		}
		fd, err := l.openNetlink(e, unix.NETLINK_ROUTE)
		if err == nil && !e.socks.put(unix.NETLINK_ROUTE, fd) {
			unix.Close(fd)
		}
	}
}

// judgement is one look at /run/netns/NAME made in a grading run.
type judgement struct {
	ready chan struct{} // closed when f and err are set
	f     nsFile        // f.fd stays open until an entry takes it or the run ends
	err   error
}

// judge says what /run/netns/ns is. Within a grading run each name is
// judged once, on first question: its checks read one state of the lab,
// and a look costs seven system calls, three of them path walks (the
// namespace listing, the netns checks and the handles used to ask every
// namespace the same thing). Outside a run it looks afresh every time.
// The result carries no descriptor (see take).
func (l *Linux) judge(ns string) (nsFile, error) {
	j := l.look(ns)
	if j == nil {
		return inspectNS(ns, false)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f := j.f
	f.fd = -1
	return f, j.err
}

// take is judge with an open descriptor of the judged namespace when it
// is present, which the caller owns. Within a run it is the descriptor
// of the run's look, so that a handle reads the very namespace the run
// judged.
func (l *Linux) take(ns string) (nsFile, error) {
	j := l.look(ns)
	if j == nil {
		return inspectNS(ns, true)
	}
	l.mu.Lock()
	f := j.f
	j.f.fd = -1
	l.mu.Unlock()
	if j.err != nil || f.state != NSPresent || f.fd >= 0 {
		return f, j.err
	}
	// Taken by a handle of this run since let go: look again.
	return inspectNS(ns, true)
}

// look returns this run's judgement of ns, made by the first to ask;
// nil outside a run.
func (l *Linux) look(ns string) *judgement {
	l.mu.Lock()
	if l.runs == 0 {
		l.mu.Unlock()
		return nil
	}
	j, ok := l.judged[ns]
	if !ok {
		j = &judgement{ready: make(chan struct{})}
		l.judged[ns] = j
	}
	l.mu.Unlock()
	if !ok {
		f, err := inspectNS(ns, true)
		l.mu.Lock()
		j.f, j.err = f, err
		l.mu.Unlock()
		close(j.ready)
	}
	<-j.ready
	return j
}

// entry returns the cached handle for ns, reopening it when /run/netns/ns
// now names another namespace (deleted and re-added by the learner).
// Within a grading run a handle, once opened, serves the whole run (see
// judge); BeginRun judges those opened before it.
func (l *Linux) entry(ctx context.Context, ns string) (*nsEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if e := l.runEntry(ns); e != nil {
		return e, nil
	}
	l.opening.Lock()
	defer l.opening.Unlock()
	if e := l.runEntry(ns); e != nil {
		return e, nil // opened while this one waited
	}
	h, ino := l.root, uint64(0)
	if ns != Root {
		f, err := l.take(ns)
		if err != nil {
			return nil, err
		}
		if err := f.notPresent(ns); err != nil {
			return nil, err
		}
		h, ino = netns.NsHandle(f.fd), f.ino
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.handles[ns]; ok && e.ino == ino {
		if ns != Root {
			h.Close()
		}
		return e, nil
	} else if ok {
		e.closeSockets()
		e.ns.Close()
		delete(l.handles, ns)
	}
	e := &nsEntry{ns: h, ino: ino}
	l.handles[ns] = e
	return e, nil
}

// runEntry is the handle of ns opened in the run under way, if any.
func (l *Linux) runEntry(ns string) *nsEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.handles[ns]; ok && l.runs > 0 {
		return e
	}
	return nil
}

// lib is entry with the netlink library's handle of ns opened: most
// questions go through netlab's own requests (see request), and a grade
// that never needs the library spares each namespace a socket.
func (l *Linux) lib(ctx context.Context, ns string) (*netlink.Handle, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	e.hmu.Lock()
	defer e.hmu.Unlock()
	if e.h != nil {
		return e.h, nil
	}
	// Route netlink only: it carries links, addresses, routes, neighbours and
	// the fdb. Asking for every family (the default) fails under qemu-user,
	// which emulates only some, and costs sockets nobody reads.
	nh, err := netlink.NewHandleAt(e.ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink in %s: %w", nsLabel(ns), err)
	}
	if err := nh.SetSocketTimeout(netlinkTimeout); err != nil {
		nh.Close()
		return nil, fmt.Errorf("netlink timeout in %s: %w", nsLabel(ns), err)
	}
	e.h = nh
	return nh, nil
}

// closeSockets closes the entry's netlink sockets (not its namespace).
func (e *nsEntry) closeSockets() {
	e.hmu.Lock()
	if e.h != nil {
		e.h.Close()
		e.h = nil
	}
	e.hmu.Unlock()
	e.socks.close()
}

func nsLabel(ns string) string {
	if ns == Root {
		return "the lab's root namespace"
	}
	return "namespace " + ns
}

// retry repeats a netlink dump interrupted by a concurrent change: the
// netlink library says so with ErrDumpInterrupted, netlab's own dumps
// (see ask) with EINTR. f starts afresh each time.
func retry[T any](f func() (T, error)) (T, error) {
	var v T
	var err error
	for i := 0; i < 5; i++ {
		v, err = f()
		if !errors.Is(err, netlink.ErrDumpInterrupted) && !errors.Is(err, unix.EINTR) {
			return v, err
		}
	}
	return v, err
}

func (l *Linux) Namespaces(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return listJudged(l.judge)
}

func (l *Linux) NamespaceState(ctx context.Context, ns string) (NSState, error) {
	if err := ctx.Err(); err != nil {
		return NSMissing, err
	}
	if ns == Root {
		return NSPresent, nil
	}
	f, err := l.judge(ns)
	return f.state, err
}

func (l *Linux) Links(ctx context.Context, ns string) ([]Link, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	shared, err := l.runLinks(ctx, ns, e)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	out := slices.Clone(shared) // syncPending rewrites it
	// Every link of ns: their names serve the rest of the run (namesOf).
	e.names.learn(l.currentRun(), nameMap(out), true)
	// Bridge ports carry their STP state and options, and bridges their
	// own options, in the link's message itself (parseLinkMsg).
	l.syncPending(ctx, ns, out)
	return out, nil
}

// nameMap is the names of links by index.
func nameMap(links []Link) map[int]string {
	names := make(map[int]string, len(links))
	for _, k := range links {
		names[k.Index] = k.Name
	}
	return names
}

// currentRun is the grading run under way, -1 outside one.
func (l *Linux) currentRun() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.runs > 0 {
		return l.run
	}
	return -1
}

func convertLink(r netlink.Link) Link {
	a := r.Attrs()
	return Link{
		Name:    a.Name,
		Index:   a.Index,
		Type:    r.Type(),
		AdminUp: a.Flags&net.FlagUp != 0,
		LowerUp: a.RawFlags&unix.IFF_LOWER_UP != 0,
		NoARP:   a.RawFlags&unix.IFF_NOARP != 0,
		// ageing_time 0 turns a bridge into a hub that remembers no MAC.
		BridgeAgeingZero: isBridge(r) && r.(*netlink.Bridge).AgeingTime != nil && *r.(*netlink.Bridge).AgeingTime == 0,
		OperState:        a.OperState.String(),
		MAC:              a.HardwareAddr,
		MTU:              a.MTU,
		MasterIndex:      a.MasterIndex,
		ParentIndex:      a.ParentIndex,
		PeerNetNSID:      a.NetNsID,
	}
}

func isBridge(r netlink.Link) bool {
	_, ok := r.(*netlink.Bridge)
	return ok
}

func (l *Linux) Addrs(ctx context.Context, ns string) ([]Addr, error) {
	if _, err := l.entry(ctx, ns); err != nil {
		return nil, err
	}
	raw, err := l.addrList(ctx, ns)
	if err != nil {
		return nil, fmt.Errorf("list addresses in %s: %w", nsLabel(ns), err)
	}
	idxs := make([]int, 0, len(raw))
	for _, a := range raw {
		idxs = append(idxs, a.LinkIndex)
	}
	names, err := l.namesOf(ctx, ns, idxs)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	out := make([]Addr, 0, len(raw))
	for _, a := range raw {
		out = append(out, Addr{Link: names[a.LinkIndex], IPNet: a.IPNet})
	}
	return out, nil
}

// maxByIndex is how many links namesOf asks for one by one before a dump
// of them all is cheaper.
const maxByIndex = 16

// namesOf names the links with the given indices. A lab's addresses and
// routes sit on a few links, while a busy host's namespace may hold
// thousands (every container's veth): asking for each by index costs a
// few small messages where a dump would cost the whole host. Within a
// grading run, a name is read once: from a list of the namespace's links
// read already (Links), else by index in the lab's root namespace (a
// host's), else with one list of a lesson namespace's few links.
func (l *Linux) namesOf(ctx context.Context, ns string, idxs []int) (map[int]string, error) {
	want := map[int]bool{}
	for _, i := range idxs {
		if i > 0 {
			want[i] = true
		}
	}
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	run := l.currentRun()
	if names, ok := e.names.lookup(run, want); ok {
		return names, nil
	}
	if len(want) > maxByIndex || (ns != Root && run >= 0) {
		return l.allNames(ctx, ns)
	}
	names := make(map[int]string, len(want))
	for i := range want {
		k, ok, err := l.LinkByIndex(ctx, ns, i)
		if err != nil {
			return nil, err
		}
		if ok { // else deleted meanwhile: a dump would not name it either
			names[i] = k.Name
		}
	}
	e.names.learn(run, names, false)
	return names, nil
}

// allNames names every link of ns, from the run's one dump of them (see
// runLinks and namesOf).
func (l *Linux) allNames(ctx context.Context, ns string) (map[int]string, error) {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return nil, err
	}
	links, err := l.runLinks(ctx, ns, e)
	if err != nil {
		return nil, err
	}
	names := nameMap(links)
	e.names.learn(l.currentRun(), names, true)
	return names, nil
}

// runLinks dumps the links of ns (whose entry is e) once per grading run,
// and afresh outside one. The caller must not change what it returns. A
// dump that failed is not shared: each question then dumps for itself
// (the failure may be the first asker's deadline).
func (l *Linux) runLinks(ctx context.Context, ns string, e *nsEntry) ([]Link, error) {
	run := l.currentRun()
	if run < 0 {
		return l.dumpLinks(ctx, ns)
	}
	d := &e.dump
	d.mu.Lock()
	if d.run != run || d.ready == nil {
		ready := make(chan struct{})
		d.run, d.ready = run, ready
		d.mu.Unlock()
		links, err := l.dumpLinks(ctx, ns)
		d.mu.Lock()
		if err != nil {
			d.ready = nil
		}
		d.links = links
		d.mu.Unlock()
		close(ready)
		return links, err
	}
	ready := d.ready
	d.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	d.mu.Lock()
	links, ok := d.links, d.ready == ready
	d.mu.Unlock()
	if !ok {
		return l.dumpLinks(ctx, ns)
	}
	return links, nil
}

func routeType(t int) string {
	switch t {
	case unix.RTN_UNICAST:
		return "unicast"
	case unix.RTN_LOCAL:
		return "local"
	case unix.RTN_BROADCAST:
		return "broadcast"
	case unix.RTN_ANYCAST:
		return "anycast"
	case unix.RTN_MULTICAST:
		return "multicast"
	case unix.RTN_BLACKHOLE:
		return "blackhole"
	case unix.RTN_UNREACHABLE:
		return "unreachable"
	case unix.RTN_PROHIBIT:
		return "prohibit"
	case unix.RTN_THROW:
		return "throw"
	}
	return fmt.Sprintf("type%d", t)
}

func convertRoute(r netlink.Route, names map[int]string) Route {
	return Route{
		Dst:      r.Dst,
		Gw:       r.Gw,
		Dev:      names[r.LinkIndex],
		Src:      r.Src,
		Type:     routeType(r.Type),
		Table:    r.Table,
		Protocol: r.Protocol.String(),
	}
}

func (l *Linux) Routes(ctx context.Context, ns string) ([]Route, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	// Table 0 with the table filter means every table, local included:
	// local routes are how we know an address belongs to the namespace.
	raw, err := retry(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("list routes in %s: %w", nsLabel(ns), err)
	}
	idxs := make([]int, 0, len(raw))
	for _, r := range raw {
		idxs = append(idxs, r.LinkIndex)
	}
	names, err := l.namesOf(ctx, ns, idxs)
	if err != nil {
		return nil, fmt.Errorf("list links in %s: %w", nsLabel(ns), err)
	}
	out := make([]Route, 0, len(raw))
	for _, r := range raw {
		out = append(out, convertRoute(r, names))
	}
	return out, nil
}

func (l *Linux) RouteGet(ctx context.Context, ns string, dst net.IP) (Route, error) {
	if _, err := l.entry(ctx, ns); err != nil {
		return Route{}, err
	}
	r, err := l.routeGet(ctx, ns, dst)
	if err != nil {
		return Route{}, fmt.Errorf("route to %s in %s: %w", dst, nsLabel(ns), err)
	}
	names, err := l.namesOf(ctx, ns, []int{r.LinkIndex})
	if err != nil {
		return Route{}, err
	}
	return convertRoute(r, names), nil
}

func (l *Linux) FDB(ctx context.Context, ns, bridge string) ([]FDBEntry, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	br, err := h.LinkByName(bridge)
	if err != nil {
		return nil, fmt.Errorf("bridge %s in %s: %w", bridge, nsLabel(ns), err)
	}
	raw, err := l.bridgeFDB(ctx, ns, br.Attrs().Index)
	if err != nil {
		return nil, fmt.Errorf("fdb of %s: %w", bridge, err)
	}
	var out []FDBEntry
	for _, n := range raw {
		if n.MasterIndex != br.Attrs().Index {
			continue
		}
		out = append(out, FDBEntry{
			MAC:       n.HardwareAddr,
			PortIndex: n.LinkIndex,
			Permanent: n.State&netlink.NUD_PERMANENT != 0,
			Local:     n.Flags&netlink.NTF_SELF != 0,
			VLAN:      n.Vlan,
		})
	}
	return out, nil
}

func neighState(s int) string {
	switch {
	case s&netlink.NUD_PERMANENT != 0:
		return "permanent"
	case s&netlink.NUD_REACHABLE != 0:
		return "reachable"
	case s&netlink.NUD_STALE != 0:
		return "stale"
	case s&netlink.NUD_DELAY != 0:
		return "delay"
	case s&netlink.NUD_PROBE != 0:
		return "probe"
	case s&netlink.NUD_FAILED != 0:
		return "failed"
	case s&netlink.NUD_INCOMPLETE != 0:
		return "incomplete"
	case s&netlink.NUD_NOARP != 0:
		return "noarp"
	}
	return "none"
}

func (l *Linux) Neighbors(ctx context.Context, ns string) ([]Neigh, error) {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return nil, err
	}
	raw, err := retry(func() ([]netlink.Neigh, error) { return h.NeighList(0, netlink.FAMILY_V4) })
	if err != nil {
		return nil, fmt.Errorf("neighbours in %s: %w", nsLabel(ns), err)
	}
	idxs := make([]int, 0, len(raw))
	for _, n := range raw {
		idxs = append(idxs, n.LinkIndex)
	}
	names, err := l.namesOf(ctx, ns, idxs)
	if err != nil {
		return nil, err
	}
	out := make([]Neigh, 0, len(raw))
	for _, n := range raw {
		out = append(out, Neigh{Dev: names[n.LinkIndex], IP: n.IP, MAC: n.HardwareAddr, State: neighState(n.State)})
	}
	return out, nil
}

func (l *Linux) NSID(ctx context.Context, from, other string) (int, error) {
	if _, err := l.entry(ctx, from); err != nil {
		return -1, err
	}
	oe, err := l.entry(ctx, other)
	if err != nil {
		return -1, err
	}
	id, err := l.netNSID(ctx, from, int(oe.ns))
	if err != nil && nsidRefused(err) {
		return l.nsidByPeers(ctx, from, other)
	}
	if err != nil {
		return -1, fmt.Errorf("nsid of %s in %s: %w", nsLabel(other), nsLabel(from), err)
	}
	return id, nil
}

func (l *Linux) SameNS(ctx context.Context, a, b string) (bool, error) {
	ae, err := l.entry(ctx, a)
	if err != nil {
		return false, err
	}
	be, err := l.entry(ctx, b)
	if err != nil {
		return false, err
	}
	return ae.ns.Equal(be.ns), nil
}

// sysctlPath turns net.ipv4.ip_forward (or net/ipv4/ip_forward) into its
// /proc/sys path.
func sysctlPath(key string) (string, error) {
	k := key
	if !strings.Contains(k, "/") {
		k = strings.ReplaceAll(k, ".", "/")
	}
	p := filepath.Clean(filepath.Join("/proc/sys", k))
	if !strings.HasPrefix(p, "/proc/sys/net/") {
		return "", fmt.Errorf("sysctl %q: netlab only reads net.* keys", key)
	}
	return p, nil
}

func (l *Linux) Sysctl(ctx context.Context, ns, key string) (string, error) {
	p, err := sysctlPath(key)
	if err != nil {
		return "", err
	}
	e, err := l.entry(ctx, ns)
	if err != nil {
		return "", err
	}
	var val []byte
	// /proc/sys/net answers for the namespace of the thread that opens it.
	err = InNS(l.root, e.ns, func() error {
		var rerr error
		val, rerr = os.ReadFile(p)
		return rerr
	})
	if err != nil {
		return "", fmt.Errorf("sysctl %s in %s: %w", key, nsLabel(ns), err)
	}
	return strings.TrimSpace(string(val)), nil
}

func (l *Linux) DeleteNamespace(ctx context.Context, ns string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	if e, ok := l.handles[ns]; ok && ns != Root {
		e.closeSockets()
		e.ns.Close()
		delete(l.handles, ns)
	}
	l.mu.Unlock()
	return deleteNamespace(ns)
}

func (l *Linux) DeleteLink(ctx context.Context, ns, link string) error {
	h, err := l.lib(ctx, ns)
	if err != nil {
		return err
	}
	k, err := h.LinkByName(link)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil
		}
		return fmt.Errorf("find %s in %s: %w", link, nsLabel(ns), err)
	}
	if err := h.LinkDel(k); err != nil && !errors.Is(err, syscall.ENODEV) {
		return fmt.Errorf("delete %s in %s: %w", link, nsLabel(ns), err)
	}
	return nil
}

// bridgeFDB dumps the forwarding database of one bridge only, as
// `bridge fdb show br BR` asks (an ifinfomsg with IFLA_MASTER): an
// unfiltered AF_BRIDGE dump also lists the address lists of every other
// link of the namespace, thousands of entries on a busy host.
func (l *Linux) bridgeFDB(ctx context.Context, ns string, brIndex int) ([]netlink.Neigh, error) {
	req := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofIfInfomsg+8)
	req[unix.NLMSG_HDRLEN] = unix.AF_BRIDGE // ifi_family
	at := req[unix.NLMSG_HDRLEN+unix.SizeofIfInfomsg:]
	binary.NativeEndian.PutUint16(at[0:], 8)
	binary.NativeEndian.PutUint16(at[2:], unix.IFLA_MASTER)
	binary.NativeEndian.PutUint32(at[4:], uint32(brIndex))
	return collect(ctx, l, ns, unix.NETLINK_ROUTE, unix.RTM_GETNEIGH, req, func(m syscall.NetlinkMessage) (netlink.Neigh, bool, error) {
		if m.Header.Type != unix.RTM_NEWNEIGH {
			return netlink.Neigh{}, false, nil
		}
		n, err := netlink.NeighDeserialize(m.Data)
		if err != nil {
			return netlink.Neigh{}, false, nil // an entry netlink cannot read: as NeighList, skip it
		}
		// The entry's addresses point into the receive buffer, which the
		// next request reuses.
		n.IP, n.HardwareAddr, n.LLIPAddr = slices.Clone(n.IP), slices.Clone(n.HardwareAddr), slices.Clone(n.LLIPAddr)
		return *n, true, nil
	})
}

// BeginRun and EndRun bracket a grading run (kernel.Snapshot calls them).
// When the last run ends, the handles of named namespaces are closed: a
// handle keeps its namespace alive, and a kernel kept from one run to the
// next (the solver's, a test's) would otherwise keep a namespace the
// learner deleted in between, and the veths tied to it, in view of the
// next run. Reopening costs a few system calls per namespace.
func (l *Linux) BeginRun() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.runs++; l.runs > 1 {
		return // a run within a run: its handles were judged in it
	}
	l.run++
	l.judged = map[string]*judgement{}
	// A handle opened outside a run (reset, a tool run) may name a
	// namespace deleted since: let it go before the run reads anything.
	// The look that keeps it is the run's judgement of its name.
	for ns, e := range l.handles {
		if ns == Root {
			continue
		}
		f, err := inspectNS(ns, true)
		j := &judgement{ready: make(chan struct{}), f: f, err: err}
		close(j.ready)
		l.judged[ns] = j
		if err == nil && f.state == NSPresent && f.ino == e.ino {
			unix.Close(f.fd) // the handle is this namespace's
			j.f.fd = -1
			continue
		}
		e.closeSockets()
		e.ns.Close()
		delete(l.handles, ns)
	}
}

func (l *Linux) EndRun() {
	l.mu.Lock()
	if l.runs--; l.runs > 0 {
		l.mu.Unlock()
		return
	}
	judged := l.judged
	l.judged = nil
	for ns, e := range l.handles {
		if ns == Root {
			continue
		}
		e.closeSockets()
		e.ns.Close()
		delete(l.handles, ns)
	}
	l.mu.Unlock()
	l.closeJudged(judged)
}

// closeJudged closes the descriptors of a run's looks that no handle
// took.
func (l *Linux) closeJudged(judged map[string]*judgement) {
	for _, j := range judged {
		<-j.ready // a look still under way when the run ended
		l.mu.Lock()
		fd := j.f.fd
		j.f.fd = -1
		l.mu.Unlock()
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}
