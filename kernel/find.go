package kernel

import "context"

// FindLink returns the link called name in ns, and whether there is one:
// read alone where k can (LinkByName), not by listing every link of ns.
func FindLink(ctx context.Context, k Kernel, ns, name string) (Link, bool, error) {
	return LinkByName(ctx, k, ns, name)
}

// CrossesNamespaces reports whether l is tied to another namespace (a veth
// whose peer, or a macvlan/vxlan whose lower device, lives elsewhere).
// Deleting a namespace removes all its links in one batch, fast; only such
// links must be deleted one by one beforehand, because their other end
// (say a bridge port in the root namespace) must go now, not when the last
// process holding the namespace exits. Deleting 2000 same-namespace links
// one by one costs the kernel an RCU grace period each: 25 s.
func CrossesNamespaces(l Link) bool { return l.PeerNetNSID >= 0 }
