package checks

import (
	"context"
	"fmt"
	"slices"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// resolvePeer follows a veth in ns to its other end: the namespace it is
// in (a name from the lab, or Root) and the link itself. found is false
// when the peer's namespace is not one netlab can name (for example an
// unnamed namespace held by a process).
func resolvePeer(ctx context.Context, k kernel.Kernel, ns string, l kernel.Link) (string, kernel.Link, bool, error) {
	if l.Type != "veth" || l.ParentIndex == 0 {
		return "", kernel.Link{}, false, nil
	}
	if l.PeerNetNSID < 0 {
		// No namespace id: the peer is in ns itself.
		p, ok, err := kernel.LinkByIndex(ctx, k, ns, l.ParentIndex)
		if err == nil && ok && p.Type == "veth" {
			return ns, p, true, nil
		}
		return "", kernel.Link{}, false, nil
	}
	all, err := allNamespaces(ctx, k)
	if err != nil {
		return "", kernel.Link{}, false, err
	}
	// A peer with a namespace id lives in another namespace: the first
	// whose id (as ns sees it) is the peer's and that has a veth of the
	// peer's index. An id names one namespace, and each question is a
	// round trip to the kernel: the asking stops there.
	for _, other := range all {
		if other == ns {
			continue
		}
		if id, err := k.NSID(ctx, ns, other); err != nil || id != l.PeerNetNSID {
			continue
		}
		// The peer alone, by its index: not every link of other.
		p, ok, err := kernel.LinkByIndex(ctx, k, other, l.ParentIndex)
		if err == nil && ok && p.Type == "veth" {
			return other, p, true, nil
		}
	}
	return "", kernel.Link{}, false, nil
}

// VethPairKind: link and peer are the two ends of one veth pair.
func VethPairKind() *Kind { return vethPairKind.Get(newVethPairKind) }

var vethPairKind lazy.Value[*Kind]

func newVethPairKind() *Kind {
	return Define(Spec[vethPairParams]{
		Name:  "veth_pair",
		Doc:   "link (in ns) and peer (in peer_ns) are the two ends of one veth pair; ns or peer_ns \"*\" means any namespace",
		Phase: PhaseState,
		Build: func(p vethPairParams) (Check, error) {
			return vethPair{ns: p.NS, link: p.Link, peerNS: p.PeerNS, peer: p.Peer}, nil
		},
		Mistakes: slices.Concat([]string{"ns-missing", "link-wrong-type", "peer-unnamed-ns", "wrong-peer", "veth-not-moved", "peer-wrong-ns"}, missingLinkMistakes),
		Cases: func() []Case[vethPairParams] {
			return []Case[vethPairParams]{
				{Name: "wrong peer", Fixture: "veth-pair", Params: vethPairParams{NS: "ns0", Link: "veth0", PeerNS: "ns1", Peer: "veth1"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns1"].Links[1].Name = "vethX" }, Mistake: "wrong-peer"},
				{Name: "anywhere, missing", Fixture: "veth-pair", Params: vethPairParams{NS: "*", Link: "veth0", PeerNS: "*", Peer: "veth1"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Links = f.NSs["ns0"].Links[:1] }, Mistake: "link-missing"},
			}
		},
	})
}

type vethPairParams struct {
	NS     string `yaml:"ns" doc:"namespace of link (default: the lab's root; \"*\": any)"`
	Link   string `yaml:"link" required:"true" doc:"one end's name"`
	Peer   string `yaml:"peer" required:"true" doc:"the other end's name"`
	PeerNS string `yaml:"peer_ns" doc:"namespace of peer (default: the lab's root; \"*\": any)"`
}

type vethPair struct{ ns, link, peerNS, peer string }

func where(link, ns string) string {
	if ns == "*" {
		return link
	}
	return inNS(link, ns)
}

func (c vethPair) Describe() string {
	return fmt.Sprintf("%s and %s are the two ends of one veth pair", where(c.link, c.ns), where(c.peer, c.peerNS))
}

func (c vethPair) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-veth-pair", Data: D{"Link": whereV(c.link, c.ns), "Peer": whereV(c.peer, c.peerNS)}}}
}

func (c vethPair) Run(ctx context.Context, env Env) Result {
	nss := []string{c.ns}
	if c.ns == "*" {
		var err error
		if nss, err = allNamespaces(ctx, env.K); err != nil {
			return FromErr(err, kernel.Root)
		}
	}
	var first *Result
	for _, ns := range nss {
		l, ok, err := findLink(ctx, env.K, ns, c.link)
		if err != nil {
			if c.ns == "*" {
				continue
			}
			return FromErr(err, ns)
		}
		if !ok {
			continue
		}
		r := c.judge(ctx, env, ns, l)
		if r.Status == Pass {
			return r
		}
		if first == nil {
			first = &r
		}
	}
	if first != nil {
		return *first
	}
	if c.ns == "*" {
		return Failf("there is no link called %s in any namespace of the lab", c.link).
			WithFix(fmt.Sprintf("ip link add %s type veth peer name %s", c.link, c.peer)).WithMistake("link-missing").
			Say("why-link-missing-anywhere", D{"Link": c.link})
	}
	return missingLink(ctx, env.K, c.ns, c.link)
}

func (c vethPair) judge(ctx context.Context, env Env, ns string, l kernel.Link) Result {
	if l.Type != "veth" {
		return Failf("%s is a %s link, not a veth", inNS(l.Name, ns), l.Type).WithMistake("link-wrong-type").
			Say("why-not-veth", D{"Link": inNSV(l.Name, ns), "Type": l.Type})
	}
	pns, peer, found, err := resolvePeer(ctx, env.K, ns, l)
	if err != nil {
		return FromErr(err, ns)
	}
	if !found {
		return Failf("the peer of %s is in a namespace that has no name under /run/netns", inNS(l.Name, ns)).WithMistake("peer-unnamed-ns").
			Say("why-peer-unnamed-ns", D{"Link": inNSV(l.Name, ns)})
	}
	if peer.Name != c.peer {
		return Failf("%s is paired with %s, not with %s", inNS(l.Name, ns), inNS(peer.Name, pns), c.peer).WithMistake("wrong-peer").
			Say("why-wrong-peer", D{"Link": inNSV(l.Name, ns), "Peer": inNSV(peer.Name, pns), "Want": c.peer})
	}
	if c.peerNS != "*" {
		same := pns == c.peerNS
		if !same {
			same, _ = env.K.SameNS(ctx, pns, c.peerNS)
		}
		if !same && pns == kernel.Root {
			return Failf("%s's peer %s is still in the lab's root namespace, not in %s: a veth is created where the command runs, and each end stays there until it is moved", inNS(l.Name, ns), peer.Name, nsName(c.peerNS)).
				WithFix(fmt.Sprintf("ip link set %s netns %s", peer.Name, c.peerNS)).WithMistake("veth-not-moved").
				Say("why-peer-not-moved", D{"Link": inNSV(l.Name, ns), "Peer": peer.Name, "Want": nsV(c.peerNS)})
		}
		if !same {
			return Failf("%s's peer %s is in %s, not in %s", inNS(l.Name, ns), peer.Name, nsName(pns), nsName(c.peerNS)).
				WithFix(fmt.Sprintf("%s", ipCmd(pns, fmt.Sprintf("link set %s netns %s", peer.Name, c.peerNS)))).WithMistake("peer-wrong-ns").
				Say("why-peer-wrong-ns", D{"Link": inNSV(l.Name, ns), "Peer": peer.Name, "NS": nsV(pns), "Want": nsV(c.peerNS)})
		}
	}
	return Passf("%s <-> %s", inNS(l.Name, ns), inNS(peer.Name, pns))
}
