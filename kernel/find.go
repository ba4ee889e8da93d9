package kernel

import "context"

// FindLink returns the link called name in ns, and whether there is one.
func FindLink(ctx context.Context, k Kernel, ns, name string) (Link, bool, error) {
	links, err := k.Links(ctx, ns)
	if err != nil {
		return Link{}, false, err
	}
	for _, l := range links {
		if l.Name == name {
			return l, true, nil
		}
	}
	return Link{}, false, nil
}
