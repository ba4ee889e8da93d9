package lessonyaml

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/netlab/netlab/lessons"
)

// resolveRounds checks the rounds: of troubleshooting lessons (each names
// a lesson that is not itself a troubleshooting lesson, once) and gives
// each such lesson the union of its base lessons' Owns, so that reset
// removes whatever network a round built.
func resolveRounds(ls []*lessons.Lesson, roots map[*lessons.Lesson]*yaml.Node) error {
	bySlug := map[string]*lessons.Lesson{}
	for _, l := range ls {
		bySlug[l.Slug] = l
	}
	for _, l := range ls {
		if !l.Troubleshoot() {
			continue
		}
		line := lineOf(roots[l], "rounds")
		if l.Requires != "" {
			return fmt.Errorf("%s:%d: a troubleshooting lesson builds its own networks: it takes no requires:", l.File, line)
		}
		var own lessons.Owns
		for i, slug := range l.Rounds {
			b, ok := bySlug[slug]
			switch {
			case !ok:
				return fmt.Errorf("%s:%d: rounds: %q is no lesson's slug", l.File, line, slug)
			case b.Troubleshoot():
				return fmt.Errorf("%s:%d: rounds: %q is a troubleshooting lesson itself", l.File, line, slug)
			case slices.Contains(l.Rounds[:i], slug):
				return fmt.Errorf("%s:%d: rounds: %q is named twice", l.File, line, slug)
			}
			own = unionOwns(own, b.Owns)
			if b.Requires != "" {
				if r, ok := bySlug[b.Requires]; ok {
					own = unionOwns(own, r.Owns)
				}
			}
		}
		l.Owns = unionOwns(own, l.Owns)
		for i := range l.Steps {
			l.Steps[i].Round = i + 1
		}
	}
	return nil
}

func unionOwns(a, b lessons.Owns) lessons.Owns {
	out := lessons.Owns{
		Namespaces: unionStrings(a.Namespaces, b.Namespaces),
		Links:      unionStrings(a.Links, b.Links),
		NSLinks:    unionStrings(a.NSLinks, b.NSLinks),
		NSAddrs:    unionStrings(a.NSAddrs, b.NSAddrs),
		Sysctls:    unionStrings(a.Sysctls, b.Sysctls),
		Addrs:      unionMap(a.Addrs, b.Addrs),
		Ports:      unionMap(a.Ports, b.Ports),
	}
	out.Rules = append(out.Rules, a.Rules...)
	for _, r := range b.Rules {
		if !slices.Contains(out.Rules, r) {
			out.Rules = append(out.Rules, r)
		}
	}
	return out
}

func unionStrings(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func unionMap(a, b map[string][]string) map[string][]string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := map[string][]string{}
	for k, v := range a {
		out[k] = slices.Clone(v)
	}
	for k, v := range b {
		out[k] = unionStrings(out[k], v)
	}
	return out
}
