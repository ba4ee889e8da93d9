package kernel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// A grade needs two things of a namespace's rules: the counters, as the
// "before" of a probe, and the rules that mean what a check asks for
// (nf_rule). On a host with thousands of rules, dumping them is the
// kernel's cost and rendering each as nft would is netlab's. RuleDump
// makes the one dump of a grade serve both, and reads it only as far as
// someone needs: the kernel fills each 32 KiB part of a dump when the
// reader asks for it, so a check that finds its rule among the first
// tables (the lab's) stops the dump there, and the host's rules after
// them are neither sent nor rendered. Counters, which must cover every
// rule, read it to the end.

// RuleDump is one read of a namespace's nftables rules (and, once they
// are rendered, its chains), read on demand.
type RuleDump struct {
	l  *Linux
	ns string

	mu       sync.Mutex
	src      *answer // the dump under way; nil when not started or ended
	done     bool
	err      error
	gen      int // counts restarts: a dump interrupted by a change starts afresh
	arena    []byte
	counters map[string]uint64
	chains   []NFChain
	hooks    map[string]string // family/table/chain: hook ("" none), every chain once loaded
	loaded   bool              // chains and hooks hold every chain
	fams     []byte
	msgs     [][]byte

	rr       *ruleRenderer
	rendered []NFRule
	saved    bool                // save holds iptables' own listing (explained)
	save     map[string][]NFRule // by table/chain (xtByChain)
}

// ruleReader is a Kernel that can read a namespace's rules as a RuleDump:
// Linux, and a Snapshot of it (once per grading run). ok is false when it
// cannot (a Snapshot of a fake).
type ruleReader interface {
	readRules(ctx context.Context, ns string) (d *RuleDump, ok bool, err error)
}

func (l *Linux) readRules(ctx context.Context, ns string) (*RuleDump, bool, error) {
	d, err := l.ReadRules(ctx, ns)
	return d, true, err
}

// RuleCounters returns the packet counter of every nftables rule of ns,
// keyed by RuleKey: from the grading run's one read of ns's rules when k
// is a Snapshot (the read that also serves its Ruleset), else from k's
// Ruleset. The read finished before RuleCounters returns: it is a valid
// "before" for a probe sent afterwards.
func RuleCounters(ctx context.Context, k Kernel, ns string) (map[string]uint64, error) {
	if r, ok := k.(ruleReader); ok {
		if d, ok, err := r.readRules(ctx, ns); ok {
			if err != nil {
				return nil, err
			}
			return d.Counters(ctx)
		}
	}
	rs, err := k.Ruleset(ctx, ns)
	if err != nil {
		return nil, err
	}
	out := make(map[string]uint64, len(rs.Rules))
	for _, r := range rs.Rules {
		out[RuleKey(r.Family, r.Table, r.Chain, r.Handle)] = r.Packets
	}
	return out, nil
}

// FirstRule returns the first nftables rule of ns's Ruleset for which
// match is true, with its chain's hook, reading (and rendering) only as
// much of the ruleset as it must. known is false when the answer needs k's
// whole Ruleset (see RuleDump.First, or k reads no RuleDump): the caller
// reads that instead.
func FirstRule(ctx context.Context, k Kernel, ns string, match func(r NFRule, hook string) bool) (r NFRule, hook string, found, known bool, err error) {
	rd, ok := k.(ruleReader)
	if !ok {
		return NFRule{}, "", false, false, nil
	}
	if _, err := exec.LookPath("nft"); err != nil {
		return NFRule{}, "", false, false, nil // Ruleset says it
	}
	d, ok, err := rd.readRules(ctx, ns)
	if !ok || err != nil {
		return NFRule{}, "", false, false, nil // Ruleset reads (or says why not)
	}
	r, hook, found, known = d.First(ctx, match)
	return r, hook, found, known, nil
}

// ReadRules returns ns's rules as a RuleDump that reads them when, and as
// far as, they are asked for. The chains are dumped when the rules are
// first rendered: the probes' counters do not need them. Close lets go of
// a dump nobody read to the end.
func (l *Linux) ReadRules(ctx context.Context, ns string) (*RuleDump, error) {
	if _, err := l.entry(ctx, ns); err != nil {
		return nil, err
	}
	return &RuleDump{l: l, ns: ns, rr: newRuleRenderer()}, nil
}

// Close ends a dump still under way.
func (d *RuleDump) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.src != nil {
		d.src.Close()
		d.src = nil
	}
	if !d.done {
		d.done, d.err = true, fmt.Errorf("nftables rules in %s: %w", nsLabel(d.ns), net.ErrClosed)
	}
}

// Counters returns the packet counter of every rule, keyed by RuleKey, as
// NFCounters reads them: the whole dump is read first.
func (d *RuleDump) Counters(ctx context.Context) (map[string]uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.all(ctx); err != nil {
		return nil, err
	}
	return d.counters, nil
}

// all reads the dump to its end (d.mu held).
func (d *RuleDump) all(ctx context.Context) error {
	for !d.done {
		d.more(ctx)
	}
	return d.err
}

// has makes sure message i is read, unless the dump ends first (d.mu
// held); false when it does. A restart (d.gen moves) may shrink d.msgs.
func (d *RuleDump) has(ctx context.Context, i int) bool {
	for i >= len(d.msgs) && !d.done {
		d.more(ctx)
	}
	return i < len(d.msgs)
}

// more reads the next part of the dump (d.mu held), parsing each rule's
// counter as it comes; the messages are kept for rendering. A dump the
// kernel interrupted starts again, as retry would.
func (d *RuleDump) more(ctx context.Context) {
	if d.src == nil {
		d.counters = map[string]uint64{}
		src, err := d.l.request(ctx, d.ns, unix.NETLINK_NETFILTER, unix.NFNL_SUBSYS_NFTABLES<<8|unix.NFT_MSG_GETRULE, unix.NLM_F_DUMP, nfgenRequest(unix.AF_UNSPEC))
		if err != nil {
			d.end(err)
			return
		}
		d.src = src
	}
	done, err := d.src.next(func(m syscall.NetlinkMessage) error {
		if len(m.Data) < 4 {
			return nil
		}
		fam, b := m.Data[0], m.Data[4:]
		r, err := parseRuleCounter(b)
		if err != nil {
			return err
		}
		d.counters[r.key(fam)] = r.packets
		// The receive buffer is reused: keep a copy, in few allocations.
		if cap(d.arena)-len(d.arena) < len(b) {
			d.arena = make([]byte, 0, max(256<<10, len(b)))
		}
		start := len(d.arena)
		d.arena = append(d.arena, b...)
		d.fams = append(d.fams, fam)
		d.msgs = append(d.msgs, d.arena[start:len(d.arena):len(d.arena)])
		return nil
	})
	switch {
	case errors.Is(err, unix.EINTR) && d.gen < 4:
		// The ruleset changed under the dump: read it afresh.
		d.gen++
		d.src.Close()
		d.src = nil
		d.fams, d.msgs, d.arena, d.rendered = d.fams[:0], d.msgs[:0], nil, d.rendered[:0]
		d.rr = newRuleRenderer()
		d.chains, d.hooks, d.loaded = nil, nil, false
		d.saved, d.save = false, nil // iptables' listing is of the ruleset that changed
	case err != nil:
		d.end(err)
	case done:
		d.end(nil)
	}
}

// end closes the dump with err (d.mu held).
func (d *RuleDump) end(err error) {
	if d.src != nil {
		d.src.Close()
		d.src = nil
	}
	d.done = true
	if err != nil {
		d.err = fmt.Errorf("nftables rules in %s: %w", nsLabel(d.ns), err)
	}
}

// loadChains dumps the chains once (d.mu held).
func (d *RuleDump) loadChains(ctx context.Context) error {
	if d.loaded {
		return nil
	}
	chains, err := d.l.dumpChains(ctx, d.ns)
	if err != nil {
		return err
	}
	d.chains, d.loaded = chains, true
	d.hooks = make(map[string]string, len(chains))
	for _, c := range chains {
		d.hooks[c.Family+"/"+c.Table+"/"+c.Name] = c.Hook
	}
	return nil
}

// hookOf is the hook of rule i's chain (d.mu held): asked for that chain
// alone, unless every chain is loaded already. A host may hold thousands
// of chains; the rules a check reads sit in a few.
func (d *RuleDump) hookOf(ctx context.Context, i int, r NFRule) (string, error) {
	key := r.Family + "/" + r.Table + "/" + r.Chain
	if h, ok := d.hooks[key]; ok || d.loaded {
		return h, nil
	}
	c, _, err := d.l.getChain(ctx, d.ns, d.fams[i], r.Table, r.Chain)
	if err != nil {
		return "", err
	}
	if d.hooks == nil {
		d.hooks = map[string]string{}
	}
	d.hooks[key] = c.Hook
	return c.Hook, nil
}

// Ruleset is the namespace's whole ruleset, as Linux.Ruleset reads it:
// every rule rendered (by nft itself when netlab cannot render one
// exactly), iptables' text added to iptables-nft's compat rules, and
// iptables-legacy's rules.
func (d *RuleDump) Ruleset(ctx context.Context) (Ruleset, error) {
	if _, err := exec.LookPath("nft"); err != nil {
		return Ruleset{}, MissingTool("nft")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	rs, ok, err := d.native(ctx)
	if err != nil || !ok {
		// A rule netlab cannot render as nft would (or netlink trouble):
		// let nft itself print the ruleset.
		if rs, err = d.l.nftRuleset(ctx, d.ns); err != nil {
			return rs, err
		}
	}
	d.l.finish(ctx, d.ns, &rs)
	return rs, nil
}

// native reads the dump to its end and the chains, and renders every
// rule (d.mu held); ok is false when one cannot be rendered exactly.
func (d *RuleDump) native(ctx context.Context) (rs Ruleset, ok bool, err error) {
	if err := d.all(ctx); err != nil {
		return Ruleset{}, false, err
	}
	if err := d.loadChains(ctx); err != nil {
		return Ruleset{}, false, err
	}
	if !d.renderUpTo(len(d.msgs)) {
		return Ruleset{}, false, nil
	}
	return Ruleset{Chains: d.chains, Rules: append([]NFRule(nil), d.rendered...)}, true, nil
}

// renderUpTo renders the first n rules, read already (d.mu held).
func (d *RuleDump) renderUpTo(n int) bool {
	for len(d.rendered) < n {
		i := len(d.rendered)
		r, err := d.rr.render(d.fams[i], d.msgs[i])
		if err != nil {
			return false // errUnrendered, or a message netlab cannot read
		}
		d.rendered = append(d.rendered, r)
	}
	return true
}

// First returns the first rule of the ruleset (in Ruleset's order: the
// kernel's order of tables, chains and rules) for which match is true,
// with the hook of its chain, rendering rules only as far as that one
// (and the rest of its chain). known is false when the answer needs the
// whole ruleset: a rule before it that netlab does not render exactly.
// A rule that iptables-nft wrote with a compat target gets iptables'
// text as Ruleset gives it (explainXT). Rules of iptables-legacy are not
// looked at.
func (d *RuleDump) First(ctx context.Context, match func(r NFRule, hook string) bool) (r NFRule, hook string, found, known bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	gen := d.gen
	for i := 0; d.has(ctx, i); i++ {
		if d.gen != gen {
			// The dump started afresh: so does the search.
			gen, i = d.gen, -1
			continue
		}
		if !d.renderUpTo(i + 1) {
			return NFRule{}, "", false, false
		}
		r := d.rendered[i]
		if r.Family == "ip" && strings.Contains(r.Text, "xt target") {
			var ok bool
			if r, ok = d.explained(ctx, i); !ok {
				return NFRule{}, "", false, false
			}
		}
		h, err := d.hookOf(ctx, i, r)
		if err != nil {
			return NFRule{}, "", false, false
		}
		if match(r, h) {
			return r, h, true, true
		}
	}
	if d.err != nil {
		return NFRule{}, "", false, false
	}
	return NFRule{}, "", false, true
}

// explained is rule i (an ip rule with a compat target) with iptables'
// text added as explainXT adds it: by its position in its chain, when
// iptables-save lists as many rules there as nft does. The rules of a
// chain come one after the other in the dump. d.mu is held.
func (d *RuleDump) explained(ctx context.Context, i int) (NFRule, bool) {
	r := d.rendered[i]
	same := func(x NFRule) bool { return x.Family == "ip" && x.Table == r.Table && x.Chain == r.Chain }
	start := i
	for start > 0 && same(d.rendered[start-1]) {
		start--
	}
	end := i + 1
	gen := d.gen
	for d.has(ctx, end) {
		if d.gen != gen || !d.renderUpTo(end+1) {
			return NFRule{}, false // the dump started afresh, or a rule netlab cannot render
		}
		if !same(d.rendered[end]) {
			break
		}
		end++
	}
	if d.gen != gen {
		return NFRule{}, false
	}
	if !d.saved {
		d.saved = true
		save, _ := d.l.xtSave(ctx, d.ns)
		d.save = xtByChain(save)
	}
	if chain := d.save[r.Table+"/"+r.Chain]; len(chain) == end-start {
		annotateXT(&r, chain[i-start])
	}
	return r, true
}

// finish completes a ruleset read from the kernel: iptables' text for
// iptables-nft's compat rules, and iptables-legacy's rules.
func (l *Linux) finish(ctx context.Context, ns string, rs *Ruleset) {
	explainXT(ctx, l, ns, rs)
	if _, lerr := exec.LookPath("iptables-legacy-save"); lerr == nil && l.hasLegacyTables(ctx, ns) {
		if lout, err := l.Exec(ctx, ns, "iptables-legacy-save", "-c"); err == nil {
			rs.Legacy = ParseIptablesSave(lout)
		}
	}
}
