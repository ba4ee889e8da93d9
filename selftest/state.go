package selftest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/netlab/netlab/kernel"
)

// State is a comparable view of a network namespace (the lab's root: the
// host's, or a sandbox's) and of the named namespaces: one string per
// object, sorted. Counters and other values that change on their own
// (packets, operational state of the host's NICs) are left out.
type State struct {
	Namespaces []string `json:"namespaces"`
	Links      []string `json:"links"`
	Addrs      []string `json:"addrs,omitempty"`
	Routes     []string `json:"routes,omitempty"`
	Rules      []string `json:"rules"`
	Sysctls    []string `json:"sysctls,omitempty"`
}

// snapshot reads the state. full adds addresses, routes and sysctls (the
// host check); the reset check needs only objects a lesson can own.
func snapshot(ctx context.Context, k kernel.Kernel, full bool) (State, error) {
	var s State
	nss, err := k.Namespaces(ctx)
	if err != nil {
		return s, fmt.Errorf("namespaces: %w", err)
	}
	s.Namespaces = append(s.Namespaces, nss...)
	links, err := k.Links(ctx, kernel.Root)
	if err != nil {
		return s, fmt.Errorf("links: %w", err)
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Index] = l.Name
	}
	for _, l := range links {
		d := fmt.Sprintf("%s type %s", l.Name, l.Type)
		if l.AdminUp {
			d += " up"
		}
		if l.MasterIndex != 0 {
			d += " master " + names[l.MasterIndex]
		}
		s.Links = append(s.Links, d)
	}
	rs, err := k.Ruleset(ctx, kernel.Root)
	switch {
	case errors.Is(err, kernel.ErrToolMissing):
		s.Rules = append(s.Rules, "(nft is not installed: rules not compared)")
	case err != nil:
		return s, fmt.Errorf("ruleset: %w", err)
	}
	for _, c := range rs.Chains {
		if c.Hook != "" {
			s.Rules = append(s.Rules, fmt.Sprintf("chain %s %s %s hook %s policy %s", c.Family, c.Table, c.Name, c.Hook, c.Policy))
		}
	}
	for _, r := range rs.Rules {
		s.Rules = append(s.Rules, fmt.Sprintf("%s %s %s: %s", r.Family, r.Table, r.Chain, r.Text))
	}
	for _, r := range rs.Legacy {
		s.Rules = append(s.Rules, fmt.Sprintf("legacy %s: %s", r.Table, r.Text))
	}
	if full {
		addrs, err := k.Addrs(ctx, kernel.Root)
		if err != nil {
			return s, fmt.Errorf("addresses: %w", err)
		}
		for _, a := range addrs {
			s.Addrs = append(s.Addrs, fmt.Sprintf("%s %s", a.Link, a.IPNet))
		}
		routes, err := k.Routes(ctx, kernel.Root)
		if err != nil {
			return s, fmt.Errorf("routes: %w", err)
		}
		for _, r := range routes {
			dst := "default"
			if r.Dst != nil {
				dst = r.Dst.String()
			}
			d := fmt.Sprintf("%s table %d type %s dev %s", dst, r.Table, r.Type, r.Dev)
			if r.Gw != nil {
				d += " via " + r.Gw.String()
			}
			s.Routes = append(s.Routes, d)
		}
		for _, key := range []string{"net.ipv4.ip_forward"} {
			v, err := k.Sysctl(ctx, kernel.Root, key)
			if err != nil {
				return s, fmt.Errorf("sysctl %s: %w", key, err)
			}
			s.Sysctls = append(s.Sysctls, key+"="+strings.TrimSpace(v))
		}
	}
	for _, l := range []*[]string{&s.Namespaces, &s.Links, &s.Addrs, &s.Routes, &s.Rules, &s.Sysctls} {
		slices.Sort(*l)
	}
	return s, nil
}

// leftovers lists what after has and before had not (namespaces, root
// links, root rules): what a reset failed to remove.
func leftovers(before, after State) []string {
	var out []string
	out = append(out, prefixed("namespace ", added(before.Namespaces, after.Namespaces))...)
	// A link counts by name: a lesson may change a link it started with.
	out = append(out, prefixed("link ", added(firstWords(before.Links), firstWords(after.Links)))...)
	// A base chain that accepts by default and holds no rule changes
	// nothing: iptables-nft makes them on first use, and reset keeps them.
	var rules []string
	for _, r := range added(before.Rules, after.Rules) {
		if !(strings.HasPrefix(r, "chain ") && strings.HasSuffix(r, " policy accept")) {
			rules = append(rules, r)
		}
	}
	out = append(out, prefixed("rule ", rules)...)
	return out
}

// Diff lists every difference between two states, "+ added" and "- gone".
func Diff(before, after State) []string {
	var out []string
	pairs := []struct {
		what string
		a, b []string
	}{
		{"namespace", before.Namespaces, after.Namespaces},
		{"link", before.Links, after.Links},
		{"address", before.Addrs, after.Addrs},
		{"route", before.Routes, after.Routes},
		{"rule", before.Rules, after.Rules},
		{"sysctl", before.Sysctls, after.Sysctls},
	}
	for _, p := range pairs {
		out = append(out, prefixed("+ "+p.what+" ", added(p.a, p.b))...)
		out = append(out, prefixed("- "+p.what+" ", added(p.b, p.a))...)
	}
	return out
}

func added(before, after []string) []string {
	var out []string
	for _, x := range after {
		if !slices.Contains(before, x) {
			out = append(out, x)
		}
	}
	return out
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func firstWords(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i], _, _ = strings.Cut(x, " ")
	}
	return out
}
