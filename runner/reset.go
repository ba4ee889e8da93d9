package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

// ResetOptions says what to reset and how.
type ResetOptions struct {
	// Lessons are the lessons whose objects and rules go.
	Lessons []*lessons.Lesson
	// All is every lesson: an object is foreign only if it carries state
	// that none of them creates. Empty means the embedded lessons and
	// Lessons.
	All []*lessons.Lesson
	// Force removes lesson-named objects even when they carry foreign
	// state or were recorded before netlab changed the lab. Rules are
	// never forced: only a rule that means a lesson's goes.
	Force bool
	// Lang is the language of the lines reset writes (default English).
	Lang i18n.Lang
}

// Reset removes what the lessons create and nothing else (SPEC section 4).
func Reset(ctx context.Context, lab Lab, ls []*lessons.Lesson, out io.Writer) error {
	return ResetWith(ctx, lab, ResetOptions{Lessons: ls}, out)
}

// ResetWith removes what can be attributed to the lessons: lesson-named
// namespaces and root links that carry nothing no lesson creates and were
// not there before netlab changed the lab (the record), and root-namespace
// rules whose meaning is a lesson rule's; then nftables tables it emptied
// that were not there before. What it leaves, it names, with the reason.
// The caller holds LockLab.
func ResetWith(ctx context.Context, lab Lab, o ResetOptions, out io.Writer) error {
	lang := o.Lang
	if lang == "" {
		lang = i18n.EN
	}
	loc := i18n.For(lang)
	all := o.All
	if len(all) == 0 {
		// Foreign means "made by no lesson": judge against every
		// embedded lesson, not only those being reset.
		if emb, err := lessons.LoadEmbedded(); err == nil {
			all = emb
		}
		all = append(all[:len(all):len(all)], o.Lessons...)
	}
	if err := resetRounds(ctx, lab, o.Lessons, out, lang); err != nil {
		return err
	}
	rec, err := loadRecord(lab)
	if err != nil {
		return err
	}
	v, err := look(ctx, lab, all)
	if err != nil {
		return err
	}
	mine := ownedBy(o.Lessons)
	var errs []error
	removed, left := 0, 0
	say := func(id string, d i18n.Data) { fmt.Fprintln(out, loc.T(id, d)) }
	leave := func(id string, d i18n.Data) {
		say(id, d)
		left++
	}

	// Judge every link before removing any: removing a port changes its
	// bridge.
	var del []string
	for _, name := range sortedKeys(mine.links) {
		k, ok := v.links[name]
		if !ok {
			continue
		}
		if idx, ok := rec.recordedLink(name); ok && idx == k.Index && !o.Force {
			leave("reset-left-recorded-link", i18n.Data{"Link": name, "When": rec.Taken.Format("2006-01-02 15:04")})
			continue
		}
		if why := v.foreignLink(k, loc); why != "" && !o.Force {
			leave("reset-left-foreign-link", i18n.Data{"Link": name, "Why": why})
			// The lesson's own addresses on it still go.
			for _, a := range v.addrs[name] {
				if !mine.addrs[name][a] {
					continue
				}
				if _, err := lab.Exec(ctx, kernel.Root, "ip", "addr", "del", a, "dev", name); err != nil {
					errs = append(errs, err)
					continue
				}
				say("reset-removed-addr", i18n.Data{"Addr": a, "Link": name})
				removed++
			}
			continue
		}
		del = append(del, name)
	}
	for _, name := range sortedKeys(mine.namespaces) {
		n, err := resetNamespace(ctx, lab, v, rec, name, o.Force, loc, say, leave)
		removed += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range del {
		if err := lab.DeleteLink(ctx, kernel.Root, name); err != nil {
			errs = append(errs, err)
			continue
		}
		say("reset-removed-link", i18n.Data{"Link": name})
		removed++
	}

	n, err := resetRules(ctx, lab, v, mine, rec, say, leave)
	removed += n
	if err != nil {
		errs = append(errs, err)
	}

	if removed == 0 && left == 0 && len(errs) == 0 {
		say("reset-nothing", nil)
	}
	seen := map[string]bool{}
	for _, l := range o.Lessons {
		for _, key := range l.Owns.Sysctls {
			if seen[key] {
				continue
			}
			seen[key] = true
			now := ""
			if val, err := lab.Sysctl(ctx, kernel.Root, key); err == nil {
				now = loc.T("reset-sysctl-now", i18n.Data{"Value": val})
			}
			say("reset-left-sysctl", i18n.Data{"Key": key, "Now": now})
		}
	}
	if len(errs) == 0 && left == 0 && hasState(lab) && len(o.All) > 0 && len(o.Lessons) == len(o.All) {
		// The lab is back to what it was: the next lesson records anew.
		if err := kernel.RemoveStateFile(recordFile); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *record) recordedLink(name string) (int, bool) {
	if r == nil {
		return 0, false
	}
	i, ok := r.Links[name]
	return i, ok
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func resetNamespace(ctx context.Context, lab Lab, v *labView, rec *record, ns string, force bool, loc *i18n.Localizer, say, leave func(string, i18n.Data)) (int, error) {
	st, err := lab.NamespaceState(ctx, ns)
	if err != nil {
		return 0, err
	}
	switch st {
	case kernel.NSMissing:
		return 0, nil
	case kernel.NSForeign:
		// The kernel's reason is English; a translation says what it
		// means first and quotes it.
		if why, _ := kernel.ForeignReason(ns); why != "" {
			leave("reset-left-netns-file", i18n.Data{"NS": ns, "Why": why})
		} else {
			leave("reset-left-netns-file-plain", i18n.Data{"NS": ns})
		}
		return 0, nil
	case kernel.NSPresent:
		if rec != nil && !force {
			if ino, err := kernel.NamespaceInode(ns); err == nil && ino != 0 && rec.Namespaces[ns] == ino {
				leave("reset-left-recorded-ns", i18n.Data{"NS": ns, "When": rec.Taken.Format("2006-01-02 15:04")})
				return 0, nil
			}
		}
		if !force {
			why, err := v.foreignNamespace(ctx, lab, ns, loc)
			if err != nil {
				return 0, err
			}
			if why != "" {
				leave("reset-left-foreign-ns", i18n.Data{"NS": ns, "Why": why})
				return 0, nil
			}
		}
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
		say("reset-removed-stale", i18n.Data{"NS": ns})
	} else {
		say("reset-removed-ns", i18n.Data{"NS": ns})
	}
	return 1, nil
}

func resetRules(ctx context.Context, lab Lab, v *labView, mine *owned, rec *record, say, leave func(string, i18n.Data)) (int, error) {
	if v.rulesErr != nil {
		if len(mine.rules) == 0 {
			return 0, nil // these lessons make no rule: nothing to look for
		}
		return 0, v.rulesErr
	}
	n := 0
	var errs []error
	touched := map[string]bool{}
	for _, r := range v.rules {
		if !mine.ruleOf(r) {
			continue
		}
		if rec.hasRule(r.Key()) {
			leave("reset-left-recorded-rule", i18n.Data{"Family": r.Family, "Table": r.Table, "Chain": r.Chain, "Rule": r.Text})
			continue
		}
		if r.Legacy {
			args := append([]string{"-t", r.Table, "-D", r.Chain}, r.Args...)
			if _, err := lab.Exec(ctx, kernel.Root, "iptables-legacy", args...); err != nil {
				errs = append(errs, err)
				continue
			}
			say("reset-removed-legacy-rule", i18n.Data{"Rule": r.Text})
			n++
			continue
		}
		if _, err := lab.Exec(ctx, kernel.Root, "nft", "delete", "rule", r.Family, r.Table, r.Chain, "handle", strconv.Itoa(r.Handle)); err != nil {
			errs = append(errs, err)
			continue
		}
		say("reset-removed-rule", i18n.Data{"Family": r.Family, "Table": r.Table, "Chain": r.Chain, "Rule": r.Text})
		touched[r.Family+"/"+r.Table] = true
		n++
	}
	if len(touched) == 0 {
		return n, errors.Join(errs...)
	}
	// Tables that held only lesson rules (iptables-nft makes `ip nat` for
	// the first nat rule) go too, unless they were there before.
	js, err := lab.Exec(ctx, kernel.Root, "nft", "-j", "list", "ruleset")
	if err != nil {
		return n, errors.Join(append(errs, err)...)
	}
	tables, _, err := kernel.ParseNFTShapes(js, nil)
	if err != nil {
		return n, errors.Join(append(errs, err)...)
	}
	for _, t := range tables {
		if !touched[t.Family+"/"+t.Name] || t.Rules > 0 || t.Other > 0 {
			continue
		}
		if rec.hasTable(t.Key()) {
			leave("reset-left-recorded-table", i18n.Data{"Family": t.Family, "Table": t.Name})
			continue
		}
		if _, err := lab.Exec(ctx, kernel.Root, "nft", "delete", "table", t.Family, t.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		say("reset-removed-table", i18n.Data{"Family": t.Family, "Table": t.Name})
	}
	return n, errors.Join(errs...)
}
