package checks

import (
	"fmt"
	"sort"
)

// Params are the typed fields a check may carry in a lesson file. Every
// kind says which of them it takes (Kind.Fields) and which it needs
// (Kind.Required); the lesson loader rejects anything else with file and
// line.
type Params struct {
	NS        string `yaml:"ns"`         // namespace; empty = the lab's root namespace; "*" = any (where a kind allows it)
	Link      string `yaml:"link"`       // interface name in NS
	Type      string `yaml:"type"`       // link type: veth, bridge, ...
	Oper      bool   `yaml:"oper"`       // link_up: require operationally up, not only admin up
	Addr      string `yaml:"addr"`       // address with prefix: 10.0.0.1/24
	Peer      string `yaml:"peer"`       // veth peer name
	PeerNS    string `yaml:"peer_ns"`    // namespace of the peer ("" root, "*" any)
	Bridge    string `yaml:"bridge"`     // bridge name
	BridgeNS  string `yaml:"bridge_ns"`  // namespace of the bridge ("" root)
	Dst       string `yaml:"dst"`        // route destination: CIDR or "default"
	Via       string `yaml:"via"`        // gateway
	Dev       string `yaml:"dev"`        // output device
	Absent    bool   `yaml:"absent"`     // route: no route may cover Dst
	Key       string `yaml:"key"`        // sysctl key: net.ipv4.ip_forward
	Value     string `yaml:"value"`      // sysctl value
	From      string `yaml:"from"`       // probe: namespace the probe starts in ("" root)
	To        string `yaml:"to"`         // probe: destination IP (ping) or IP:port (tcp)
	Expect    string `yaml:"expect"`     // ping: "reply" (default) or "no_reply"
	Local     bool   `yaml:"local"`      // ping: the destination is expected to be local (lesson 1)
	ServerNS  string `yaml:"server_ns"`  // tcp: namespace of netlab's probe server
	Listen    string `yaml:"listen"`     // tcp: IP:port the probe server listens on (default: To)
	ExpectSrc string `yaml:"expect_src"` // tcp: source address the server must see
	Verdict   string `yaml:"verdict"`    // nf_rule: drop, accept, masquerade, dnat, snat
	Proto     string `yaml:"proto"`      // nf_rule: icmp, tcp, udp
	Src       string `yaml:"src"`        // nf_rule: source address or prefix matched
	OutIf     string `yaml:"out_if"`     // nf_rule: output interface matched
	InIf      string `yaml:"in_if"`      // nf_rule: input interface matched
	DPort     int    `yaml:"dport"`      // nf_rule: destination port matched
	Hook      string `yaml:"hook"`       // nf_rule: input, forward, output, prerouting, postrouting
	Hops      int    `yaml:"hops"`       // hops: routers between from and to
	VNI       int    `yaml:"vni"`        // vxlan: VXLAN network identifier
	Remote    string `yaml:"remote"`     // vxlan: the other endpoint's underlay address (by remote or fdb)
	MaxMTU    int    `yaml:"max_mtu"`    // mtu: the largest MTU allowed
}

// Kind is one kind of check.
type Kind struct {
	Name     string
	Doc      string
	Phase    Phase
	Fields   []string // YAML names of the Params fields it takes
	Required []string // subset of Fields that must be given
	Build    func(p Params) (Check, error)
}

// FieldError is a bad value in one field; the lesson loader points at the
// field's line.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.Field, e.Err) }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, a...)}
}

// Registry maps kind names to kinds.
type Registry struct {
	kinds map[string]*Kind
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]*Kind{}} }

// Add registers k; a duplicate name is a programming error.
func (r *Registry) Add(k *Kind) {
	if _, dup := r.kinds[k.Name]; dup {
		panic("checks: duplicate kind " + k.Name)
	}
	r.kinds[k.Name] = k
}

// Replace swaps the kind of that name (tests use it to plant a broken
// checker and show that selftest catches it).
func (r *Registry) Replace(k *Kind) { r.kinds[k.Name] = k }

// Get returns the kind called name.
func (r *Registry) Get(name string) (*Kind, bool) {
	k, ok := r.kinds[name]
	return k, ok
}

// Names lists the registered kinds, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Default is the one place where netlab's check kinds are registered.
func Default() *Registry {
	r := NewRegistry()
	for _, k := range []*Kind{
		NetnsKind,
		LinkExistsKind,
		LinkUpKind,
		AddrKind,
		VethPairKind,
		BridgePortKind,
		FDBKind,
		RouteKind,
		SysctlKind,
		PingKind,
		TCPKind,
		NFRuleKind,
		ForwardingKind,
		HopsKind,
		Addr6Kind,
		Route6Kind,
		Ping6Kind,
		Neigh6Kind,
		VXLANKind,
		TunnelKind,
		MTUKind,
		PingMTUKind,
	} {
		r.Add(k)
	}
	return r
}
