package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// findLink is kernel.FindLink, short for the many checks that use it.
var findLink = kernel.FindLink

// allNamespaces is the lab's root plus every named namespace.
func allNamespaces(ctx context.Context, k kernel.Kernel) ([]string, error) {
	named, err := k.Namespaces(ctx)
	if err != nil {
		return nil, err
	}
	return append([]string{kernel.Root}, named...), nil
}

// whereIs lists the namespaces that hold a link called name.
func whereIs(ctx context.Context, k kernel.Kernel, name string) []string {
	nss, err := allNamespaces(ctx, k)
	if err != nil {
		return nil
	}
	var out []string
	for _, ns := range nss {
		if _, ok, err := findLink(ctx, k, ns, name); err == nil && ok {
			out = append(out, nsName(ns))
		}
	}
	return out
}

// missingLink explains a link that is not where the lesson wants it.
func missingLink(ctx context.Context, k kernel.Kernel, ns, name string) Result {
	where := whereIs(ctx, k, name)
	if len(where) == 0 {
		return Failf("there is no link called %s in %s (nor in any other namespace of the lab)", name, nsName(ns)).
			WithMistake("link-missing").Say("why-link-missing", D{"Link": name, "NS": nsV(ns)})
	}
	r := Failf("%s is not in %s: it is in %s", name, nsName(ns), strings.Join(where, ", ")).WithMistake("link-wrong-ns").
		Say("why-link-wrong-ns", D{"Link": name, "NS": nsV(ns), "Where": nsNamesV(where)})
	if ns != kernel.Root && len(where) == 1 && where[0] == nsName(kernel.Root) {
		r = r.WithFix(fmt.Sprintf("ip link set %s netns %s", name, ns)).WithMistake("veth-not-moved")
	}
	return r
}

// inNS formats "veth0 in ns0" or "br0 in the lab's root namespace".
func inNS(link, ns string) string {
	if ns == kernel.Root {
		return link + " (root namespace)"
	}
	return link + " in " + ns
}

// ipCmd prefixes an ip command for ns ("ip -n ns0 ..." or "ip ...").
func ipCmd(ns, rest string) string {
	if ns == kernel.Root {
		return "ip " + rest
	}
	return "ip -n " + ns + " " + rest
}

// --- netns ---

// NetnsKind: a named namespace exists as a real namespace mount.
func NetnsKind() *Kind { return netnsKind.Get(newNetnsKind) }

var netnsKind lazy.Value[*Kind]

func newNetnsKind() *Kind {
	return Define(Spec[netnsParams]{
		Name:  "netns",
		Doc:   "a named network namespace exists (a real nsfs mount under /run/netns, not just a file)",
		Phase: PhaseState,
		Build: func(p netnsParams) (Check, error) {
			if p.NS == "" || p.NS == "*" {
				return nil, fieldErr("ns", "a namespace name is required")
			}
			return netnsCheck{ns: p.NS}, nil
		},
		Mistakes: []string{"ns-missing", "ns-stale"},
		Cases: func() []Case[netnsParams] {
			return []Case[netnsParams]{
				{Name: "missing", Fixture: "veth-pair", Params: netnsParams{NS: "ns1"},
					Break: func(f *kerneltest.Fake) { delete(f.NSs, "ns1") }, Mistake: "ns-missing"},
				{Name: "stale", Fixture: "veth-pair", Params: netnsParams{NS: "ns1"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Stale = true }, Mistake: "ns-stale"},
			}
		},
	})
}

type netnsParams struct {
	NS string `yaml:"ns" required:"true" doc:"the namespace's name"`
}

type netnsCheck struct{ ns string }

func (c netnsCheck) Describe() string { return "namespace " + c.ns + " exists" }

func (c netnsCheck) DescribeMsgs() []Msg { return []Msg{{ID: "title-netns", Data: D{"NS": c.ns}}} }

func (c netnsCheck) Run(ctx context.Context, env Env) Result {
	st, err := env.K.NamespaceState(ctx, c.ns)
	if err != nil {
		return FromErr(err, c.ns)
	}
	switch st {
	case kernel.NSPresent:
		return Passf("namespace %s exists", c.ns)
	case kernel.NSStale:
		return Failf("/run/netns/%s is a plain file, not a namespace mount: a leftover (the namespace it named is gone)", c.ns).
			WithFix(fmt.Sprintf("rm /run/netns/%s && ip netns add %s", c.ns, c.ns)).WithMistake("ns-stale").Say("why-ns-stale", D{"NS": c.ns})
	case kernel.NSForeign:
		return Failf("/run/netns/%s is not a namespace of its own (a symlink, or the lab's own namespace mounted there): netlab neither grades nor removes it", c.ns).
			Say("why-ns-foreign", D{"NS": c.ns})
	}
	r := Failf("namespace %s does not exist (ip netns list does not show it)", c.ns).
		WithFix("ip netns add "+c.ns).WithMistake("ns-missing").Say("why-ns-missing", D{"NS": c.ns})
	// The seed notes' surprise: `ip netns add ns0 ns1` creates only ns0.
	if others, _ := env.K.Namespaces(ctx); len(others) > 0 {
		r.Why += fmt.Sprintf("; existing namespaces: %s (note: `ip netns add` takes one name at a time)", strings.Join(others, ", "))
		r = r.Say("why-ns-existing", D{"Names": strings.Join(others, ", ")})
	}
	return r
}

// --- link_exists ---

// missingLinkMistakes are the ids missingLink reports.
var missingLinkMistakes = []string{"link-missing", "link-wrong-ns", "veth-not-moved"}

// LinkExistsKind: a link exists in a namespace (optionally of a type).
func LinkExistsKind() *Kind { return linkExistsKind.Get(newLinkExistsKind) }

var linkExistsKind lazy.Value[*Kind]

func newLinkExistsKind() *Kind {
	return Define(Spec[linkExistsParams]{
		Name:  "link_exists",
		Doc:   "a link exists in a namespace, optionally of a given type",
		Phase: PhaseState,
		Build: func(p linkExistsParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "link_exists needs one namespace")
			}
			return linkExists{ns: p.NS, link: p.Link, typ: p.Type}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "link-wrong-type"}, missingLinkMistakes),
		Cases: func() []Case[linkExistsParams] {
			return []Case[linkExistsParams]{
				{Name: "missing", Fixture: "veth-pair", Params: linkExistsParams{NS: "ns0", Link: "veth0", Type: "veth"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Links = f.NSs["ns0"].Links[:1] }, Mistake: "link-missing"},
				{Name: "wrong type", Fixture: "veth-pair", Params: linkExistsParams{NS: "ns0", Link: "veth0", Type: "veth"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Links[1].Type = "ifb" }, Mistake: "link-wrong-type"},
			}
		},
	})
}

type linkExistsParams struct {
	NS   string `yaml:"ns" doc:"namespace (default: the lab's root)"`
	Link string `yaml:"link" required:"true" doc:"the link's name"`
	Type string `yaml:"type" doc:"link type the link must have: veth, bridge, ... (default: any)"`
}

type linkExists struct{ ns, link, typ string }

func (c linkExists) Describe() string {
	if c.typ != "" {
		return fmt.Sprintf("%s %s exists", c.typ, inNS(c.link, c.ns))
	}
	return inNS(c.link, c.ns) + " exists"
}

func (c linkExists) DescribeMsgs() []Msg {
	if c.typ != "" {
		return []Msg{{ID: "title-link-exists-type", Data: D{"Type": c.typ, "Link": inNSV(c.link, c.ns)}}}
	}
	return []Msg{{ID: "title-link-exists", Data: D{"Link": inNSV(c.link, c.ns)}}}
}

func (c linkExists) Run(ctx context.Context, env Env) Result {
	l, ok, err := findLink(ctx, env.K, c.ns, c.link)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if !ok {
		r := missingLink(ctx, env.K, c.ns, c.link)
		if c.typ == "bridge" && r.Fix == "" {
			r = r.WithFix(ipCmd(c.ns, "link add "+c.link+" type bridge"))
		}
		return r
	}
	if c.typ != "" && l.Type != c.typ {
		return Failf("%s is a %s link, not a %s", inNS(c.link, c.ns), l.Type, c.typ).WithMistake("link-wrong-type").
			Say("why-link-wrong-type", D{"Link": inNSV(c.link, c.ns), "Type": l.Type, "Want": c.typ})
	}
	return Passf("%s exists (%s)", inNS(c.link, c.ns), l.Type)
}

// --- link_up ---

// LinkUpKind: a link is admin up, and with oper: true operationally up.
func LinkUpKind() *Kind { return linkUpKind.Get(newLinkUpKind) }

var linkUpKind lazy.Value[*Kind]

func newLinkUpKind() *Kind {
	return Define(Spec[linkUpParams]{
		Name:  "link_up",
		Doc:   "a link is administratively up; with oper: true also operationally up (carrier: for a veth, both ends up)",
		Phase: PhaseState,
		Build: func(p linkUpParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "link_up needs one namespace")
			}
			return linkUp{ns: p.NS, link: p.Link, oper: p.Oper}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "lo-down", "link-down", "no-carrier", "peer-down"}, missingLinkMistakes),
		Cases: func() []Case[linkUpParams] {
			return []Case[linkUpParams]{
				{Name: "lo", Fixture: "veth-pair", Params: linkUpParams{NS: "ns0", Link: "lo"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Links[0].AdminUp = false }, Mistake: "lo-down"},
				{Name: "oper, peer down", Fixture: "veth-pair", Params: linkUpParams{NS: "ns0", Link: "veth0", Oper: true},
					Break: func(f *kerneltest.Fake) {
						f.NSs["ns1"].Links[1].AdminUp = false
						f.NSs["ns0"].Links[1].OperState = "lowerlayerdown"
						f.NSs["ns0"].Links[1].LowerUp = false // no carrier without the peer
					}, Mistake: "peer-down"},
				{Name: "oper, peer just set down", Fixture: "veth-pair", Params: linkUpParams{NS: "ns0", Link: "veth0", Oper: true},
					// The kernel has not published the lost carrier yet.
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Links[1].AdminUp = false }, Mistake: "peer-down"},
			}
		},
	})
}

type linkUpParams struct {
	NS   string `yaml:"ns" doc:"namespace (default: the lab's root)"`
	Link string `yaml:"link" required:"true" doc:"the link's name"`
	Oper bool   `yaml:"oper" doc:"also require operationally up (carrier), not only admin up"`
}

type linkUp struct {
	ns, link string
	oper     bool
}

func (c linkUp) Describe() string {
	if c.oper {
		return inNS(c.link, c.ns) + " is up (operationally)"
	}
	return inNS(c.link, c.ns) + " is up"
}

func (c linkUp) DescribeMsgs() []Msg {
	if c.oper {
		return []Msg{{ID: "title-link-up-oper", Data: D{"Link": inNSV(c.link, c.ns)}}}
	}
	return []Msg{{ID: "title-link-up", Data: D{"Link": inNSV(c.link, c.ns)}}}
}

func (c linkUp) Run(ctx context.Context, env Env) Result {
	l, ok, err := findLink(ctx, env.K, c.ns, c.link)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if !ok {
		return missingLink(ctx, env.K, c.ns, c.link)
	}
	if !l.AdminUp {
		r := Failf("%s is down (admin state DOWN)", inNS(c.link, c.ns)).WithFix(ipCmd(c.ns, "link set "+c.link+" up")).
			Say("why-link-down", D{"Link": inNSV(c.link, c.ns)})
		if c.link == "lo" {
			r = r.WithMistake("lo-down").Say("why-lo-down-more", nil)
			r.Why += ": a new namespace starts with lo down, and even 127.0.0.1 is unreachable until it is up (ping says `ping: connect: Network is unreachable`)"
		} else if l.Type == "bridge" {
			r = r.WithMistake("link-down").Say("why-bridge-down-more", nil)
			r.Why += ": a bridge that is down forwards nothing between its ports"
		} else {
			r = r.WithMistake("link-down")
		}
		return r
	}
	// A veth has carrier only while its peer is up; the kernel publishes
	// the lost carrier later (linkwatch), so a peer just set down is read
	// from the peer itself.
	var peerDown bool
	if c.oper && l.Type == "veth" {
		_, peer, found, _ := resolvePeer(ctx, env.K, c.ns, l)
		peerDown = found && !peer.AdminUp
	}
	if c.oper && (!l.OperUp() || peerDown) {
		r := Failf("%s is admin up but has no carrier (state %s)", inNS(c.link, c.ns), strings.ToUpper(l.OperState)).WithMistake("no-carrier").
			Say("why-no-carrier", D{"Link": inNSV(c.link, c.ns), "State": strings.ToUpper(l.OperState)})
		if l.Type == "veth" {
			if pns, peer, found, _ := resolvePeer(ctx, env.K, c.ns, l); found && !peer.AdminUp {
				r.Why = fmt.Sprintf("%s is up, but its peer %s is down: a veth carries packets only when both ends are up", inNS(c.link, c.ns), inNS(peer.Name, pns))
				r.WhyMsg = []Msg{{ID: "why-peer-down", Data: D{"Link": inNSV(c.link, c.ns), "Peer": inNSV(peer.Name, pns)}}}
				r = r.WithFix(ipCmd(pns, "link set "+peer.Name+" up")).WithMistake("peer-down")
				if peer.MasterIndex != 0 {
					r.Why = fmt.Sprintf("%s is up, but its peer %s is down: it is a bridge port, and a veth carries packets only when both ends are up", inNS(c.link, c.ns), inNS(peer.Name, pns))
					r.WhyMsg = []Msg{{ID: "why-peer-port-down", Data: D{"Link": inNSV(c.link, c.ns), "Peer": inNSV(peer.Name, pns)}}}
				}
			}
		}
		return r
	}
	return Passf("%s is up", inNS(c.link, c.ns))
}
