// Package kernel is netlab's only door to the running kernel: netlink reads,
// named network namespaces, sysctls, packets (ICMP and TCP probes) and the
// few external tools (iptables, nft) that have no netlink equivalent.
//
// Everything above this package talks to the Kernel interface, so checks,
// the runner and the CLI can be tested with fakes.
package kernel

import (
	"context"
	"errors"
	"net"
	"time"
)

// Root names the lab's root namespace: the one netlab itself runs in (the
// host's, or a sandbox's). Every other name is a named namespace under
// /run/netns.
const Root = ""

// ErrNoNamespace is returned (wrapped) when a named namespace does not exist
// or its /run/netns entry is not a real namespace mount.
var ErrNoNamespace = errors.New("no such network namespace")

// ErrToolMissing is returned (wrapped) when an external tool is not installed.
var ErrToolMissing = errors.New("tool not installed")

// NSState says what /run/netns/NAME really is.
type NSState int

const (
	NSMissing NSState = iota // no file at all
	NSStale                  // a file, but not an nsfs mount (a leftover)
	NSPresent                // a real network-namespace mount
	// NSForeign is an entry that is not a lesson namespace: a symlink, a
	// mount of the lab's own root namespace, another kind of file. netlab
	// neither reads nor removes it.
	NSForeign
)

// Link is what netlab needs to know about one interface.
type Link struct {
	Name        string
	Index       int
	Type        string // "veth", "bridge", "device", "vlan", "vxlan", ...
	AdminUp     bool   // IFF_UP
	LowerUp     bool   // IFF_LOWER_UP: carrier
	NoARP       bool   // IFF_NOARP (`ip link set DEV arp off`): neither asks nor answers ARP
	OperState   string // "up", "down", "lowerlayerdown", "unknown", ...
	MAC         net.HardwareAddr
	MTU         int
	MasterIndex int // bridge (or other master) this link is a port of; 0 if none
	// ParentIndex is IFLA_LINK: for a veth, the peer's ifindex in the peer's
	// namespace.
	ParentIndex int
	// PeerNetNSID is IFLA_LINK_NETNSID: the id, as seen from this link's
	// namespace, of the namespace the peer lives in; -1 when the peer is in
	// the same namespace.
	PeerNetNSID int
	// BridgePortState is the STP state of a bridge port ("forwarding",
	// "blocking", "listening", "learning", "disabled"); "" if not a port.
	BridgePortState string
	// BridgePortNoLearning is set on a bridge port whose learning is off
	// (`bridge link set dev PORT learning off`): frames from it are
	// forwarded, but its MACs never enter the forwarding database.
	BridgePortNoLearning bool
	// BridgeAgeingZero is set on a bridge whose ageing_time is 0: it
	// forgets every MAC at once and floods like a hub.
	BridgeAgeingZero bool
	// BridgeNFCallIPTables is a bridge's own nf_call_iptables option
	// (`ip link set br0 type bridge nf_call_iptables 1`): its bridged IPv4
	// frames pass iptables whatever the sysctl says.
	BridgeNFCallIPTables bool
	// BridgeSTP is a bridge's stp_state: its ports pass listening and
	// learning before they forward.
	BridgeSTP bool
	// BridgePort is what `bridge -d link show` says of a bridge port
	// beyond its state and learning; zero if not a port.
	BridgePort BridgePortFlags
}

// BridgePortFlags are the per-port options of a bridge port that can keep
// frames from it or confine them (iproute2's names in the comments).
type BridgePortFlags struct {
	NoFlood       bool // flood off: unknown unicast is not flooded to it
	NoBcastFlood  bool // bcast_flood off: broadcasts (ARP requests) are not flooded to it
	NoMcastFlood  bool // mcast_flood off: multicast is not flooded to it (IPv4 unicast unaffected)
	NeighSuppress bool // neigh_suppress on: ARP/ND requests are not flooded to it
	Isolated      bool // isolated on: no frames to or from other isolated ports
	Locked        bool // locked on: frames from a MAC with no fdb entry on it are dropped
	MAB           bool // mab on: MAC authentication bypass (locked entries)
	ProxyARP      bool // proxy_arp on: harmless for the lessons
	Hairpin       bool // hairpin on: harmless for the lessons
}

// OperUp reports whether the link can carry packets. Loopback reports
// "unknown" as its operational state even when it works.
func (l Link) OperUp() bool {
	// IFF_LOWER_UP follows the carrier at once, both ways, while the
	// kernel updates operstate later (linkwatch, up to a second): right
	// after `ip link set veth1 up` its peer still reads LOWERLAYERDOWN
	// though it has carrier, and right after `ip link set veth1 down` it
	// still reads UP though its carrier is gone. Admin up with carrier is
	// up; operstate alone decides nothing.
	return l.AdminUp && l.LowerUp
}

// Addr is one IPv4 or IPv6 address on a link.
type Addr struct {
	Link  string
	IPNet *net.IPNet
}

// Route is one route, or the answer of a route lookup.
type Route struct {
	Dst      *net.IPNet // nil for the default route
	Gw       net.IP
	Dev      string
	Src      net.IP
	Type     string // "unicast", "local", "broadcast", "unreachable", "blackhole", "prohibit", ...
	Table    int
	Protocol string
}

// IsDefault reports whether r is a default route.
func (r Route) IsDefault() bool {
	if r.Dst == nil {
		return true
	}
	ones, _ := r.Dst.Mask.Size()
	return ones == 0
}

// FDBEntry is one entry of a bridge's forwarding database.
type FDBEntry struct {
	MAC       net.HardwareAddr
	PortIndex int // the bridge port the MAC was seen behind
	Permanent bool
	Local     bool // NTF_SELF / local: the bridge's own address
	VLAN      int
}

// Neigh is one neighbour (ARP) entry.
type Neigh struct {
	Dev   string
	IP    net.IP
	MAC   net.HardwareAddr
	State string // "reachable", "stale", "failed", "incomplete", "permanent", ...
}

// PingOpts bounds one ICMP echo exchange.
type PingOpts struct {
	Count    int           // echo requests to send (default 1)
	Interval time.Duration // between requests (default 100ms)
	Timeout  time.Duration // whole exchange (required)
	// Size is the ICMP payload in bytes (0: the default and minimum, 24); the
	// IP packet is Size+28 bytes for IPv4.
	Size int
	// DontFragment sets DF (IPv4): a packet too big for a link on the way
	// is dropped instead of being cut up.
	DontFragment bool
	// Zone is the interface a link-local destination is reached through
	// (the %eth0 of fe80::1%eth0).
	Zone string
}

// PingResult is what came back.
type PingResult struct {
	Sent, Received int
	RTT            time.Duration
	// TTL is the IP TTL (IPv6: hop limit) of the last reply received; 0
	// when none came back.
	TTL int
	// Err is the kernel's refusal to send (for example "sendto: network is
	// unreachable" when lo is down): a fact about the learner's state.
	Err error
}

// TCPProbe asks for a netlab probe server in ServerNS listening on Listen
// and a client in ClientNS that dials Dial. A zero port in Listen picks a
// free one, and Dial then uses it too when its own port is zero.
type TCPProbe struct {
	ServerNS string
	Listen   net.TCPAddr
	ClientNS string
	Dial     net.TCPAddr
	Timeout  time.Duration
}

// TCPResult tells whether the probe arrived and whom the server saw.
type TCPResult struct {
	Connected bool   // the client's connection completed and the nonce came back
	SeenFrom  net.IP // source address the server saw (proves or disproves NAT)
	Err       error  // why the client failed (refused, timeout, unreachable), nil when connected
	// ServerErr is set when the probe server could not listen (for example
	// the listen address is not on any interface of ServerNS).
	ServerErr error
}

// NFRule is one firewall rule as the kernel holds it, in a neutral form.
type NFRule struct {
	Family  string // "ip", "ip6", "inet", "bridge", "arp"
	Table   string
	Chain   string
	Handle  int
	Text    string // the rule as nft prints it
	Verdict string // "accept", "drop", "reject", "masquerade", "snat", "dnat", "jump", "" ...
	Packets uint64 // counter, when the rule has one
}

// NFChain is one base chain with its policy.
type NFChain struct {
	Family, Table, Name string
	Hook                string // "input", "forward", "output", "prerouting", "postrouting", "" for regular chains
	Policy              string // "accept" or "drop" for base chains
}

// Ruleset is a namespace's netfilter state.
type Ruleset struct {
	Chains []NFChain
	Rules  []NFRule
	// Legacy holds rules found through iptables-legacy (invisible to nft).
	Legacy []NFRule
}

// Kernel is everything netlab reads from, or sends through, the kernel.
// ns is a named namespace, or Root.
type Kernel interface {
	// Namespaces lists the real named namespaces (stale files excluded).
	Namespaces(ctx context.Context) ([]string, error)
	NamespaceState(ctx context.Context, ns string) (NSState, error)
	Links(ctx context.Context, ns string) ([]Link, error)
	Addrs(ctx context.Context, ns string) ([]Addr, error)
	Routes(ctx context.Context, ns string) ([]Route, error)
	// RouteGet asks the kernel which route a packet to dst would take.
	RouteGet(ctx context.Context, ns string, dst net.IP) (Route, error)
	FDB(ctx context.Context, ns, bridge string) ([]FDBEntry, error)
	Neighbors(ctx context.Context, ns string) ([]Neigh, error)
	// NSID returns the id that namespace `from` uses for namespace `other`
	// (-1 if none is assigned). Used to follow a veth to its peer.
	NSID(ctx context.Context, from, other string) (int, error)
	// SameNS reports whether two names refer to one namespace (a namespace
	// may be mounted under two names, or be the root itself).
	SameNS(ctx context.Context, a, b string) (bool, error)
	Sysctl(ctx context.Context, ns, key string) (string, error)
	Ping(ctx context.Context, ns string, dst net.IP, o PingOpts) (PingResult, error)
	ProbeTCP(ctx context.Context, p TCPProbe) (TCPResult, error)
	Ruleset(ctx context.Context, ns string) (Ruleset, error)
	// NFCounters is the packet counter of every nftables rule of ns, keyed
	// by RuleKey: a cheap read, taken right before a probe is sent.
	NFCounters(ctx context.Context, ns string) (map[string]uint64, error)

	// IPv6 (lesson 7): addresses with their DAD flags, main-table routes,
	// neighbour discovery entries, and a route lookup with an outgoing
	// interface for link-local destinations.
	Addrs6(ctx context.Context, ns string) ([]Addr6, error)
	Routes6(ctx context.Context, ns string) ([]Route, error)
	Neighbors6(ctx context.Context, ns string) ([]Neigh, error)
	RouteGet6(ctx context.Context, ns string, dst net.IP, oif string) (Route, error)

	// Overlays (lesson 6): vxlan devices with their attributes, the
	// remote endpoints in a vxlan device's forwarding table, and an
	// interface's packet counters (proof that a probe crossed a tunnel).
	VXLANs(ctx context.Context, ns string) ([]VXLAN, error)
	VXLANFDB(ctx context.Context, ns, dev string) ([]TunnelFDB, error)
	LinkStats(ctx context.Context, ns, link string) (LinkStats, error)
}

// Changer is what reset and the test fixtures need to undo a lesson.
type Changer interface {
	DeleteNamespace(ctx context.Context, ns string) error
	DeleteLink(ctx context.Context, ns, link string) error
	// Exec runs a tool inside ns and returns its combined output.
	Exec(ctx context.Context, ns string, name string, args ...string) ([]byte, error)
}
