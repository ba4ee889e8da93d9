package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

// Reset removes what the lessons create and nothing else: their named
// namespaces (with everything inside), their links in the lab's root
// namespace, and root-namespace firewall rules that name their interfaces
// or prefixes. Host-wide settings such as ip_forward stay as they are.
func Reset(ctx context.Context, lab Lab, ls []*lessons.Lesson, out io.Writer) error {
	var errs []error
	removed := 0
	seenNS := map[string]bool{}
	seenLink := map[string]bool{}
	var refs []string
	sysctls := false
	for _, l := range ls {
		for _, ns := range l.Owns.Namespaces {
			if seenNS[ns] {
				continue
			}
			seenNS[ns] = true
			n, err := resetNamespace(ctx, lab, ns, out)
			removed += n
			if err != nil {
				errs = append(errs, err)
			}
		}
		for _, name := range l.Owns.Links {
			if seenLink[name] {
				continue
			}
			seenLink[name] = true
			if _, ok, err := kernel.FindLink(ctx, lab, kernel.Root, name); err != nil {
				errs = append(errs, err)
			} else if ok {
				if err := lab.DeleteLink(ctx, kernel.Root, name); err != nil {
					errs = append(errs, err)
				} else {
					fmt.Fprintf(out, "removed link %s\n", name)
					removed++
				}
			}
		}
		refs = append(refs, l.Owns.RuleRefs...)
		for _, s := range l.Steps {
			for _, c := range s.Checks {
				if c.Kind == "sysctl" {
					sysctls = true
				}
			}
		}
	}
	if len(refs) > 0 {
		n, err := resetRules(ctx, lab, refs, out)
		removed += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if removed == 0 && len(errs) == 0 {
		fmt.Fprintln(out, "nothing to remove: no lesson object is left")
	}
	if sysctls {
		fmt.Fprintln(out, "left net.ipv4.ip_forward as it is: it is a setting of the whole namespace, and reset never changes it (set it back with `sysctl -w net.ipv4.ip_forward=0` if you want)")
	}
	return errors.Join(errs...)
}

func resetNamespace(ctx context.Context, lab Lab, ns string, out io.Writer) (int, error) {
	st, err := lab.NamespaceState(ctx, ns)
	if err != nil {
		return 0, err
	}
	switch st {
	case kernel.NSMissing:
		return 0, nil
	case kernel.NSPresent:
		// Delete the links first: a learner's shell may still hold the
		// namespace open, and the veth peers in the root namespace (bridge
		// ports) must go now, not when that shell exits.
		links, err := lab.Links(ctx, ns)
		if err == nil {
			for _, l := range links {
				if l.Name == "lo" || !kernel.CrossesNamespaces(l) {
					continue // deleting the namespace removes it (in one batch)
				}
				_ = lab.DeleteLink(ctx, ns, l.Name)
			}
		}
	}
	if err := lab.DeleteNamespace(ctx, ns); err != nil {
		return 0, err
	}
	if st == kernel.NSStale {
		fmt.Fprintf(out, "removed leftover file /run/netns/%s\n", ns)
	} else {
		fmt.Fprintf(out, "removed namespace %s\n", ns)
	}
	return 1, nil
}

// RuleNames reports whether a rule's text names one of refs: an interface
// name as a whole word, or an address or prefix that overlaps a ref prefix.
func RuleNames(text string, refs []string) bool {
	words := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '"' || r == ',' || r == '{' || r == '}' })
	for _, ref := range refs {
		_, refNet, err := net.ParseCIDR(ref)
		for _, w := range words {
			if err != nil {
				if w == ref {
					return true
				}
				continue
			}
			if overlaps(w, refNet) {
				return true
			}
		}
	}
	return false
}

func overlaps(word string, n *net.IPNet) bool {
	if h, _, err := net.SplitHostPort(word); err == nil {
		word = h
	}
	if ip := net.ParseIP(word); ip != nil {
		return n.Contains(ip)
	}
	if ip, other, err := net.ParseCIDR(word); err == nil {
		return n.Contains(ip) || other.Contains(n.IP)
	}
	return false
}

func resetRules(ctx context.Context, lab Lab, refs []string, out io.Writer) (int, error) {
	rs, err := lab.Ruleset(ctx, kernel.Root)
	if err != nil {
		if errors.Is(err, kernel.ErrToolMissing) {
			return 0, fmt.Errorf("could not look for the lesson's firewall rules: %w", err)
		}
		return 0, err
	}
	n := 0
	var errs []error
	for _, r := range rs.Rules {
		if !RuleNames(r.Text, refs) {
			continue
		}
		_, err := lab.Exec(ctx, kernel.Root, "nft", "delete", "rule", r.Family, r.Table, r.Chain, "handle", strconv.Itoa(r.Handle))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "removed firewall rule %s %s %s: %s\n", r.Family, r.Table, r.Chain, r.Text)
		n++
	}
	for _, r := range rs.Legacy {
		if !RuleNames(r.Text, refs) {
			continue
		}
		f := strings.Fields(r.Text)
		if len(f) < 2 || f[0] != "-A" {
			continue
		}
		args := append([]string{"-t", r.Table, "-D"}, f[1:]...)
		if _, err := lab.Exec(ctx, kernel.Root, "iptables-legacy", args...); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "removed iptables-legacy rule: %s\n", r.Text)
		n++
	}
	return n, errors.Join(errs...)
}
