package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

// recordFile holds, per lab, what existed before netlab first changed it.
const recordFile = "record.json"

// record is what lesson-named objects, lesson-shaped rules and nftables
// tables existed before `lesson --host`, `setup` or `solve` changed
// anything. Objects are kept by identity (ifindex, namespace inode, nft
// handles), so one that the learner deleted and made again is no longer
// the recorded one.
type record struct {
	Taken      time.Time         `json:"taken"`
	Links      map[string]int    `json:"links"`
	Namespaces map[string]uint64 `json:"namespaces"`
	Rules      []string          `json:"rules"`
	Tables     []string          `json:"tables"`
}

func (r *record) hasRule(k string) bool  { return r != nil && contains(r.Rules, k) }
func (r *record) hasTable(k string) bool { return r != nil && contains(r.Tables, k) }

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// stateful is a lab with a state directory (the real kernel).
type stateful interface{ LabStateDir() (string, error) }

func hasState(lab Lab) bool {
	_, ok := lab.(stateful)
	return ok
}

func loadRecord(lab Lab) (*record, error) {
	if !hasState(lab) {
		return nil, nil
	}
	b, err := kernel.ReadStateFile(recordFile)
	if err != nil || b == nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("netlab's record of the lab is damaged (%v): remove it with `netlab reset --all`", err)
	}
	return &r, nil
}

// RecordBefore records, once per lab, what lesson-named objects and
// lesson-shaped rules already exist, so that reset never removes them.
// Call it before changing the lab, holding LockLab, with every lesson
// (foreign state is judged against all of them). An existing record is
// kept: what exists now may be a lesson's work since then. Reset --all
// drops the record once the lab is clean.
func RecordBefore(ctx context.Context, lab Lab, ls []*lessons.Lesson) error {
	if !hasState(lab) {
		return nil
	}
	old, err := loadRecord(lab)
	if err != nil || old != nil {
		return err
	}
	v, err := look(ctx, lab, ls)
	if err != nil {
		return fmt.Errorf("record the lab before changing it: %w", err)
	}
	r := record{Taken: time.Now().UTC(), Links: map[string]int{}, Namespaces: map[string]uint64{}}
	for name := range v.owned.links {
		if k, ok := v.links[name]; ok {
			r.Links[name] = k.Index
		}
	}
	for name := range v.owned.namespaces {
		if ino, err := kernel.NamespaceInode(name); err == nil && ino != 0 {
			r.Namespaces[name] = ino
		}
	}
	for _, s := range v.rules {
		if v.owned.ruleOf(s) {
			r.Rules = append(r.Rules, s.Key())
		}
	}
	for _, t := range v.tables {
		r.Tables = append(r.Tables, t.Key())
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return kernel.WriteStateFile(recordFile, b)
}

// labLockWait bounds the wait for another netlab's reset, solve or setup.
const labLockWait = 2 * time.Minute

// LockLab takes the lab's lock for a command that changes it (reset,
// solve, setup). Waiting can be interrupted through ctx; after a bound the
// error is one sentence naming the other netlab's pid.
func LockLab(ctx context.Context, lab Lab) (unlock func(), err error) {
	return lockLab(ctx, lab, labLockWait)
}

func lockLab(ctx context.Context, lab Lab, bound time.Duration) (func(), error) {
	if !hasState(lab) {
		return func() {}, nil
	}
	lk, err := kernel.LockLab(ctx, kernel.LabLockName, bound)
	if err != nil {
		if errors.Is(err, kernel.ErrLabBusy) {
			return nil, errors.New(strings.TrimSuffix(err.Error(), ": "+kernel.ErrLabBusy.Error()))
		}
		return nil, err
	}
	labLocksHeld.Add(1)
	return func() { labLocksHeld.Add(-1); _ = lk.Unlock() }, nil
}

// owned is the union of every lesson's owns: what lesson steps create.
type owned struct {
	namespaces map[string]bool
	links      map[string]bool
	addrs      map[string]map[string]bool // link -> prefix
	ports      map[string]map[string]bool // bridge -> port
	nsLinks    map[string]bool
	nsAddrs    map[string]bool
	rules      []lessons.RuleSpec
}

func canonAddr(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.String()
	}
	return s
}

func canonPrefix(s string) string {
	if s == "" {
		return ""
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return "invalid:" + s
}

func ownedBy(ls []*lessons.Lesson) *owned {
	o := &owned{namespaces: map[string]bool{}, links: map[string]bool{}, addrs: map[string]map[string]bool{},
		ports: map[string]map[string]bool{}, nsLinks: map[string]bool{}, nsAddrs: map[string]bool{}}
	for _, l := range ls {
		for _, n := range l.Owns.Namespaces {
			o.namespaces[n] = true
		}
		for _, n := range l.Owns.Links {
			o.links[n] = true
		}
		for link, as := range l.Owns.Addrs {
			if o.addrs[link] == nil {
				o.addrs[link] = map[string]bool{}
			}
			for _, a := range as {
				o.addrs[link][canonAddr(a)] = true
			}
		}
		for br, ps := range l.Owns.Ports {
			if o.ports[br] == nil {
				o.ports[br] = map[string]bool{}
			}
			for _, p := range ps {
				o.ports[br][p] = true
			}
		}
		for _, n := range l.Owns.NSLinks {
			o.nsLinks[n] = true
		}
		for _, a := range l.Owns.NSAddrs {
			o.nsAddrs[canonAddr(a)] = true
		}
		o.rules = append(o.rules, l.Owns.Rules...)
	}
	return o
}

// ruleOf reports whether r means exactly what one of the lessons' rules
// means: same hook and verdict, and every match equal (an absent match
// equal only to an absent one). Overlapping prefixes do not count.
func (o *owned) ruleOf(r kernel.RuleShape) bool {
	if len(r.Unknown) > 0 || (r.Family != "ip" && r.Family != "inet") {
		return false
	}
	for _, sp := range o.rules {
		if r.Hook == sp.Hook && r.Verdict == sp.Verdict &&
			r.Saddr == canonPrefix(sp.Saddr) && r.Daddr == canonPrefix(sp.Daddr) &&
			r.Iif == sp.Iif && r.Oif == sp.Oif && r.Proto == sp.Proto && r.Dport == sp.Dport &&
			r.CtState == sp.CtState && r.To == sp.To {
			return true
		}
	}
	return false
}

// labView is one reading of the lab's root namespace.
type labView struct {
	owned  *owned
	links  map[string]kernel.Link
	byIdx  map[int]string
	addrs  map[string][]string // link -> addresses (no IPv6 link-local)
	tables []kernel.NFTable
	rules  []kernel.RuleShape
	// rulesErr says why the rules could not be read (a missing tool).
	rulesErr error
}

func look(ctx context.Context, lab Lab, all []*lessons.Lesson) (*labView, error) {
	v := &labView{owned: ownedBy(all), links: map[string]kernel.Link{}, byIdx: map[int]string{}, addrs: map[string][]string{}}
	links, err := lab.Links(ctx, kernel.Root)
	if err != nil {
		return nil, err
	}
	for _, k := range links {
		v.links[k.Name] = k
		v.byIdx[k.Index] = k.Name
	}
	addrs, err := lab.Addrs(ctx, kernel.Root)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if s, ok := addrText(a); ok {
			v.addrs[a.Link] = append(v.addrs[a.Link], s)
		}
	}
	if err := v.readRules(ctx, lab); errors.Is(err, kernel.ErrToolMissing) {
		// Namespaces and links can still be judged; no rule is touched.
		v.rulesErr = err
	} else if err != nil {
		return nil, err
	}
	return v, nil
}

// addrText is an address as `ip addr` writes it, or false for an IPv6
// link-local address, which the kernel adds by itself.
func addrText(a kernel.Addr) (string, bool) {
	if a.IPNet == nil || a.IPNet.IP.IsLinkLocalUnicast() {
		return "", false
	}
	ones, _ := a.IPNet.Mask.Size()
	ip, ok := netip.AddrFromSlice(a.IPNet.IP)
	if !ok {
		return "", false
	}
	return netip.PrefixFrom(ip.Unmap(), ones).String(), true
}

func (v *labView) readRules(ctx context.Context, lab Lab) error {
	js, err := lab.Exec(ctx, kernel.Root, "nft", "-j", "list", "ruleset")
	if err != nil {
		return fmt.Errorf("could not read the firewall rules: %w", err)
	}
	var save []byte
	if strings.Contains(string(js), `"xt"`) {
		// The xt parts' arguments (DNAT's address) are only in
		// iptables-nft-save's text; without it those rules stay unknown.
		if save, err = lab.Exec(ctx, kernel.Root, "iptables-nft-save"); errors.Is(err, kernel.ErrToolMissing) {
			save, _ = lab.Exec(ctx, kernel.Root, "iptables-save")
		}
	}
	v.tables, v.rules, err = kernel.ParseNFTShapes(js, save)
	if err != nil {
		return err
	}
	rs, err := lab.Ruleset(ctx, kernel.Root)
	if err != nil {
		return err
	}
	for _, r := range rs.Legacy {
		s, err := kernel.ParseIptablesRule(r.Table, r.Text)
		if err != nil {
			continue // not a rule netlab can judge: never a lesson's
		}
		s.Legacy = true
		v.rules = append(v.rules, s)
	}
	return nil
}

// foreignLink says, in loc's language, what a lesson-named root link
// carries that no lesson puts there, or "".
func (v *labView) foreignLink(k kernel.Link, loc *i18n.Localizer) string {
	var extra []string
	for _, a := range v.addrs[k.Name] {
		if !v.owned.addrs[k.Name][a] {
			extra = append(extra, loc.T("reset-why-holds", i18n.Data{"Addr": a}))
		}
	}
	for _, p := range v.links {
		if p.MasterIndex == k.Index && !v.owned.ports[k.Name][p.Name] {
			extra = append(extra, loc.T("reset-why-has-port", i18n.Data{"Port": p.Name}))
		}
	}
	if k.MasterIndex != 0 {
		if m := v.byIdx[k.MasterIndex]; !v.owned.ports[m][k.Name] {
			extra = append(extra, loc.T("reset-why-port-of", i18n.Data{"Master": m}))
		}
	}
	return strings.Join(extra, loc.T("reset-why-sep", nil))
}

// foreignNamespace says, in loc's language, what a lesson-named namespace
// holds that no lesson creates, or "".
func (v *labView) foreignNamespace(ctx context.Context, lab Lab, ns string, loc *i18n.Localizer) (string, error) {
	links, err := lab.Links(ctx, ns)
	if err != nil {
		return "", err
	}
	var extra []string
	for _, k := range links {
		if !v.owned.nsLinks[k.Name] {
			extra = append(extra, loc.T("reset-why-holds-link", i18n.Data{"Link": k.Name}))
		}
	}
	addrs, err := lab.Addrs(ctx, ns)
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if s, ok := addrText(a); ok && !v.owned.nsAddrs[s] {
			extra = append(extra, loc.T("reset-why-holds-address", i18n.Data{"Addr": s}))
		}
	}
	return strings.Join(extra, loc.T("reset-why-sep", nil)), nil
}

// OwnedRules lists the rules of the lab's root namespace whose meaning is
// one of ls's rules.
func OwnedRules(ctx context.Context, lab Lab, ls []*lessons.Lesson) ([]kernel.RuleShape, error) {
	v, err := look(ctx, lab, ls)
	if err != nil {
		return nil, err
	}
	var out []kernel.RuleShape
	for _, r := range v.rules {
		if v.owned.ruleOf(r) {
			out = append(out, r)
		}
	}
	return out, nil
}
