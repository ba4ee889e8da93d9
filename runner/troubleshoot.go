package runner

// Troubleshooting lessons (lessons.Lesson.Rounds): each round builds the
// finished network of a base lesson and breaks it with one catalogued
// fault, chosen from a seed. Round K passes when its base lesson passes
// all of its checks again; then round K+1's fault is injected. The round
// state lives in the lab's state directory, so `check`, `hint`, `solve`,
// the guided shell's tick and `reset` all see the same rounds.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

// RoundKind is the kind of the checks a troubleshooting lesson's report
// adds of its own (no round set up, a round done, a round not begun): no
// check kind of the registry, since no lesson can write them.
const RoundKind = "round"

// roundsFile holds the troubleshooting rounds of the lab.
const roundsFile = "troubleshoot.json"

// Rounds is the state of a troubleshooting lesson in one lab.
type Rounds struct {
	Lesson int     `json:"lesson"`
	Seed   int64   `json:"seed"`
	Rounds []Round `json:"rounds"`
	// Done counts the rounds repaired; round Done+1 is the current one.
	Done int `json:"done"`
	// Injected says whether the current round's fault is in the lab (a
	// build that failed half-way is redone by the next grading).
	Injected bool `json:"injected"`
	// Hints counts the hints `netlab hint` has shown for the current round.
	Hints int `json:"hints"`
}

// Round is one round: a base lesson's network and the catalogued fault
// (a mistake id) that breaks it.
type Round struct {
	Base  string `json:"base"`
	Fault string `json:"fault"`
}

// Faults are the catalogue entries a troubleshooting lesson may inject:
// those of its base lessons that have repair commands, in catalogue order.
func Faults(l *lessons.Lesson, catalog []mistakes.Mistake) []mistakes.Mistake {
	var out []mistakes.Mistake
	for _, m := range catalog {
		if m.IsFault() && slices.Contains(l.Rounds, m.Lesson) {
			out = append(out, m)
		}
	}
	return out
}

// PlanRounds chooses l's rounds from seed: a PCG seeded from it picks a
// base lesson per round (all different while there are enough), then one
// of that lesson's faults. The same seed and catalogue give the same plan.
func PlanRounds(l *lessons.Lesson, catalog []mistakes.Mistake, seed int64) ([]Round, error) {
	byBase := map[string][]mistakes.Mistake{}
	var bases []string
	for _, m := range Faults(l, catalog) {
		if len(byBase[m.Lesson]) == 0 {
			bases = append(bases, m.Lesson)
		}
		byBase[m.Lesson] = append(byBase[m.Lesson], m)
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("lesson %d (%s): no entry of %s for lessons %s has repair commands: nothing to break", l.ID, l.Slug, mistakes.File, strings.Join(l.Rounds, ", "))
	}
	// Bases in the order the lesson names them, so that the plan does not
	// depend on the catalogue's order of lessons.
	slices.SortStableFunc(bases, func(a, b string) int {
		return slices.Index(l.Rounds, a) - slices.Index(l.Rounds, b)
	})
	r := rand.New(rand.NewPCG(uint64(seed), 0x6e65746c61622038)) // "netlab 8"
	var plan []Round
	var order []int
	for len(plan) < len(l.Steps) {
		if len(order) == 0 {
			order = r.Perm(len(bases))
		}
		b := bases[order[0]]
		order = order[1:]
		fs := byBase[b]
		plan = append(plan, Round{Base: b, Fault: fs[r.IntN(len(fs))].ID})
	}
	return plan, nil
}

// RandomSeed is a seed for a setup without --seed (printed, so that an
// instructor can give a class the same faults).
func RandomSeed() int64 { return int64(rand.Uint32()) }

// LoadRounds reads the lab's troubleshooting state (nil when none is set
// up, or for a lab without a state directory).
func LoadRounds(lab kernel.Kernel) (*Rounds, error) {
	if _, ok := lab.(stateful); !ok {
		return nil, nil
	}
	b, err := kernel.ReadStateFile(roundsFile)
	if err != nil || b == nil {
		return nil, err
	}
	var st Rounds
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("netlab's troubleshooting state is damaged (%v): start again with `netlab reset 8` and `netlab setup 8`", err)
	}
	return &st, nil
}

func saveRounds(st *Rounds) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return kernel.WriteStateFile(roundsFile, b)
}

// labLocksHeld counts the lab locks this process holds (LockLab): a
// grading that advances a round takes the lock unless its own process
// (a `solve`, a `setup`) already holds it.
var labLocksHeld atomic.Int32

func lockUnlessHeld(ctx context.Context, lab Lab) (func(), error) {
	if labLocksHeld.Load() > 0 {
		return func() {}, nil
	}
	return LockLab(ctx, lab)
}

// faultByID finds a catalogue entry; loc says why it cannot.
func faultByID(loc *i18n.Localizer, id string) (mistakes.Mistake, error) {
	all, err := mistakes.All()
	if err != nil {
		return mistakes.Mistake{}, err
	}
	for _, m := range all {
		if m.ID == id {
			return m, nil
		}
	}
	return mistakes.Mistake{}, loc.Errorf("ts-err-fault-gone", i18n.Data{"Fault": fmt.Sprintf("%q", id), "File": mistakes.File})
}

func allLessons(ls []*lessons.Lesson) []*lessons.Lesson {
	if len(ls) > 0 {
		return ls
	}
	emb, _ := lessons.LoadEmbedded()
	return emb
}

// basesOf is every lesson whose network a round of l may build (the base
// lessons and the lessons they start from).
func basesOf(l *lessons.Lesson, all []*lessons.Lesson) []*lessons.Lesson {
	var out []*lessons.Lesson
	add := func(x *lessons.Lesson) {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	bs, _ := l.Bases(all)
	for _, b := range bs {
		add(b)
		if b.Requires != "" {
			if r, err := lessons.Find(all, b.Requires); err == nil {
				add(r)
			}
		}
	}
	return out
}

// SetupRounds plans l's rounds from seed and builds round 1: whatever
// networks of the base lessons the lab has go first (a round starts from
// the reference network), then the state is written and the fault
// injected. It says the seed and the round on s.Out, never the fault.
// The caller holds LockLab.
func (s *Solver) SetupRounds(ctx context.Context, l *lessons.Lesson, seed int64) error {
	lab, ok := s.Grader.K.(Lab)
	if !ok {
		return s.loc().Errorf("ts-err-no-lab", nil)
	}
	if _, ok := lab.(stateful); !ok {
		return s.loc().Errorf("ts-err-no-state", nil)
	}
	cat, err := mistakes.All()
	if err != nil {
		return err
	}
	plan, err := PlanRounds(l, cat, seed)
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Out, s.loc().T("ts-setup-seed", i18n.Data{"ID": l.ID, "Slug": l.Slug, "Seed": seed}))
	if err := kernel.RemoveStateFile(roundsFile); err != nil {
		return err
	}
	st := &Rounds{Lesson: l.ID, Seed: seed, Rounds: plan}
	if err := saveRounds(st); err != nil {
		return err
	}
	return s.injectRound(ctx, lab, l, st)
}

// injectRound builds the current round's base network from a clean lab
// and breaks it. Its output is the building; the fault's commands run
// silently (their output would name the fault).
func (s *Solver) injectRound(ctx context.Context, lab Lab, l *lessons.Lesson, st *Rounds) error {
	all := allLessons(s.Lessons)
	rd := st.Rounds[st.Done]
	base, err := lessons.Find(all, rd.Base)
	if err != nil {
		return err
	}
	m, err := faultByID(s.loc(), rd.Fault)
	if err != nil {
		return err
	}
	loc := s.loc()
	fmt.Fprintln(s.Out, loc.T("ts-round-built", i18n.Data{"N": st.Done + 1, "Total": len(st.Rounds), "Base": base.ID, "Slug": base.Slug}))
	if err := ResetWith(ctx, lab, ResetOptions{Lessons: basesOf(l, all), All: all, Lang: loc.Lang()}, s.Out); err != nil {
		return fmt.Errorf("%s: %w", loc.T("ts-err-clearing", i18n.Data{"N": st.Done + 1}), err)
	}
	sub := &Solver{Grader: s.Grader, Shell: s.Shell, Out: s.Out, Lessons: all}
	if err := sub.Solve(ctx, base, 0); err != nil {
		return fmt.Errorf("%s: %w", loc.T("ts-err-building", i18n.Data{"N": st.Done + 1, "Base": base.ID}), err)
	}
	for _, cmd := range m.Commands() {
		if err := s.Shell.Run(ctx, cmd, io.Discard); err != nil {
			return loc.Errorf("ts-err-breaking", i18n.Data{"N": st.Done + 1, "Err": err, "ID": l.ID})
		}
	}
	st.Injected = true
	if err := saveRounds(st); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, loc.T("ts-round-broken", i18n.Data{"N": st.Done + 1, "ID": l.ID}))
	return nil
}

// gradeRounds grades a troubleshooting lesson: the rounds done pass; the
// current one is graded by grading its base lesson; when that passes, the
// round is done and the next round's fault is injected, and the grading
// goes on with it. What a check reports about why it fails is left out:
// the learner is to find the fault.
func (g *Grader) gradeRounds(ctx context.Context, l *lessons.Lesson) Report {
	rep := Report{Lesson: l.ID, Slug: l.Slug, Title: l.Title, MaxScore: len(l.Steps), Lang: g.lang()}
	st, err := LoadRounds(g.K)
	var roundErr error
	// l may be a part of the lesson (the guided shell grades the steps up
	// to the current one): only a round among its steps is graded.
	last := 0
	for _, s := range l.Steps {
		last = max(last, s.Round)
	}
	if err == nil && st != nil && (st.Lesson != l.ID || last > len(st.Rounds)) {
		err = i18n.For(g.lang()).Errorf("ts-err-other-lesson", i18n.Data{"ID": l.ID})
	}
	for err == nil && st != nil && st.Done < len(st.Rounds) && st.Done < last {
		if !st.Injected {
			if st, roundErr = g.advance(ctx, l, st, st.Done); roundErr != nil || st == nil {
				break
			}
			continue
		}
		all := allLessons(g.Lessons)
		base, ferr := lessons.Find(all, st.Rounds[st.Done].Base)
		if ferr != nil {
			err = ferr
			break
		}
		br := g.Grade(ctx, base)
		if !br.Passed {
			return g.roundsReport(rep, l, st, &br, base, nil)
		}
		if st, roundErr = g.advance(ctx, l, st, st.Done+1); roundErr != nil || st == nil {
			break
		}
	}
	return g.roundsReport(rep, l, st, nil, nil, errors.Join(err, roundErr))
}

// advance makes round `done` (0-based: `done` rounds repaired) the current
// one and injects its fault, under the lab lock. It rereads the state
// first: another netlab may have advanced already.
func (g *Grader) advance(ctx context.Context, l *lessons.Lesson, st *Rounds, done int) (*Rounds, error) {
	lab, ok := g.K.(Lab)
	if !ok {
		return st, i18n.For(g.lang()).Errorf("ts-err-no-lab-next", nil)
	}
	unlock, err := lockUnlessHeld(ctx, lab)
	if err != nil {
		return st, err
	}
	defer unlock()
	now, err := LoadRounds(g.K)
	if err != nil || now == nil {
		return now, err
	}
	if now.Done > done || (now.Done == done && now.Injected) {
		return now, nil // another netlab did it
	}
	now.Done, now.Injected, now.Hints = done, false, 0
	if err := saveRounds(now); err != nil {
		return now, err
	}
	if done >= len(now.Rounds) {
		return now, nil
	}
	s := &Solver{Grader: g, Shell: g.shell(), Out: io.Discard, Lessons: allLessons(g.Lessons)}
	if err := s.injectRound(ctx, lab, l, now); err != nil {
		return now, err
	}
	return now, nil
}

func (g *Grader) shell() Shell {
	if g.Shell != nil {
		return g.Shell
	}
	return SysShell{}
}

// roundsReport renders the rounds as steps. cur is the current round's
// base report (when it failed); err says why the rounds could not be
// graded.
func (g *Grader) roundsReport(rep Report, l *lessons.Lesson, st *Rounds, cur *Report, base *lessons.Lesson, err error) Report {
	loc := i18n.For(g.lang())
	setUp := loc.T("ts-check-set-up", nil)
	for idx, s := range l.Steps {
		i := s.Round - 1 // the round's index
		sr := StepReport{Step: idx + 1, Title: s.Title, Points: s.PointsOrDefault()}
		switch {
		case s.Round <= 0:
			sr.Status = checks.Error
			sr.Checks = []CheckReport{{Name: "the round is set up", Kind: RoundKind, Status: checks.Error, Message: "this step is no round of the lesson (not loaded by lessons.Load)", Why: "this step is no round of the lesson"}}
		case err != nil && (st == nil || i >= st.Done):
			sr.Status = checks.Error
			sr.Checks = []CheckReport{{Name: setUp, Kind: RoundKind, Status: checks.Error, Message: err.Error(), Why: err.Error()}}
		case st == nil:
			why := loc.T("ts-no-round", i18n.Data{"ID": l.ID})
			sr.Status = checks.Fail
			sr.Checks = []CheckReport{{Name: setUp, Kind: RoundKind, Status: checks.Fail, Message: why, Why: why}}
		case i < st.Done:
			sr.Passed, sr.Status = true, checks.Pass
			sr.Title = roundTitle(loc, s.Title, st.Rounds[i].Base, g.Lessons)
			sr.Checks = []CheckReport{{Name: loc.T("ts-check-repaired", nil), Kind: RoundKind, Status: checks.Pass, Message: loc.T("ts-repaired", nil)}}
		case i == st.Done && cur != nil:
			sr.Status = checks.Fail
			sr.Title = roundTitle(loc, s.Title, base.Slug, g.Lessons)
			sr.Checks = hideDiagnosis(loc, *cur)
			for _, c := range sr.Checks {
				if c.Status == checks.Error {
					sr.Status = checks.Error
				}
			}
			if slices.ContainsFunc(sr.Checks, func(c CheckReport) bool { return c.Status == checks.Fail }) {
				sr.Status = checks.Fail
			}
		default:
			why := loc.T("ts-round-waits", i18n.Data{"N": i + 1, "Prev": i})
			sr.Status = checks.Fail
			sr.Checks = []CheckReport{{Name: loc.T("ts-check-begun", nil), Kind: RoundKind, Status: checks.Fail, Message: why, Why: why}}
		}
		if sr.Passed {
			rep.Score++
		}
		rep.Steps = append(rep.Steps, sr)
	}
	rep.Passed = rep.Score == rep.MaxScore
	return rep
}

func roundTitle(loc *i18n.Localizer, title, slug string, ls []*lessons.Lesson) string {
	if b, err := lessons.Find(allLessons(ls), slug); err == nil {
		return loc.T("ts-round-title", i18n.Data{"Title": title, "ID": b.ID, "Slug": b.Slug})
	}
	return title
}

// hideDiagnosis turns the base lesson's report into the round's checks:
// each check named by its lesson step, with its status, but a failure
// without its why, fix or mistake id (they would name the fault).
func hideDiagnosis(loc *i18n.Localizer, base Report) []CheckReport {
	var out []CheckReport
	for _, s := range base.Steps {
		for _, c := range s.Checks {
			c.Name = loc.T("ts-check-name", i18n.Data{"ID": base.Lesson, "Step": s.Step, "Name": c.Name})
			c.Mistake, c.Fix = "", ""
			if c.Status == checks.Fail {
				c.Message = loc.T("ts-fails-hidden", nil)
				c.Why = ""
			}
			out = append(out, c)
		}
	}
	return out
}

// solveRounds repairs the rounds up to upTo (0: all): for each, it says
// what the fault was, runs the catalogue's repair commands, and grades, so
// that the next round's fault is injected. A lab without rounds gets them
// set up first (a random seed).
func (s *Solver) solveRounds(ctx context.Context, l *lessons.Lesson, upTo int) error {
	if upTo <= 0 || upTo > len(l.Steps) {
		upTo = len(l.Steps)
	}
	st, err := LoadRounds(s.Grader.K)
	if err != nil {
		return err
	}
	if st == nil {
		if err := s.SetupRounds(ctx, l, RandomSeed()); err != nil {
			return err
		}
	}
	g := *s.Grader
	g.Lessons, g.Shell = allLessons(s.Lessons), s.Shell
	for {
		// Grading advances past rounds already repaired (and injects a
		// round that a failed build left half-done).
		g.Grade(ctx, l)
		if st, err = LoadRounds(s.Grader.K); err != nil || st == nil {
			return errors.Join(err, s.loc().Errorf("ts-err-gone", nil))
		}
		if st.Done >= upTo {
			fmt.Fprintln(s.Out, s.loc().T("ts-rounds-repaired", i18n.Data{"ID": l.ID, "N": st.Done}))
			return nil
		}
		if err := s.repairRound(ctx, l, st); err != nil {
			return err
		}
		now, err := s.awaitRound(ctx, &g, l, st.Done)
		if err != nil || now == nil {
			return err
		}
		if now.Done == st.Done {
			return s.loc().Errorf("ts-err-still-fails", i18n.Data{"N": st.Done + 1, "ID": l.ID})
		}
	}
}

// repairSettle bounds the wait for a repaired network to pass: a link
// brought up gets its carrier (and a bridge port its forwarding state) a
// moment later, more on a loaded machine.
const repairSettle = 15 * time.Second

// awaitRound grades l until round `done` is repaired (the grading then
// advances the rounds) or repairSettle has passed, and returns the state.
func (s *Solver) awaitRound(ctx context.Context, g *Grader, l *lessons.Lesson, done int) (*Rounds, error) {
	deadline := time.Now().Add(repairSettle)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		g.Grade(ctx, l)
		now, err := LoadRounds(s.Grader.K)
		if err != nil || now == nil || now.Done > done || time.Now().After(deadline) {
			return now, err
		}
		select {
		case <-ctx.Done():
			return now, ctx.Err()
		case <-tick.C:
		}
	}
}

// repairRound says what the current round's fault was and runs its repair.
func (s *Solver) repairRound(ctx context.Context, l *lessons.Lesson, st *Rounds) error {
	m, err := faultByID(s.loc(), st.Rounds[st.Done].Fault)
	if err != nil {
		return err
	}
	loc := s.loc()
	if ms, err := mistakes.Localize([]mistakes.Mistake{m}, loc.Lang()); err == nil && len(ms) == 1 {
		m = ms[0] // its title and story in the learner's language
	}
	fmt.Fprintln(s.Out, loc.T("ts-fault-was", i18n.Data{"N": st.Done + 1, "Title": strings.TrimSpace(m.Title), "ID": m.ID, "Lesson": m.Lesson, "Step": m.Step}))
	for _, line := range strings.Split(strings.TrimSpace(m.Story), "\n") {
		fmt.Fprintf(s.Out, "#   %s\n", line)
	}
	for _, cmd := range m.RepairCommands() {
		fmt.Fprintf(s.Out, "$ %s\n", cmd)
		if err := s.Shell.Run(ctx, cmd, s.Out); err != nil {
			return loc.Errorf("ts-err-repair", i18n.Data{"N": st.Done + 1, "Cmd": cmd, "Err": err, "ID": l.ID})
		}
	}
	return nil
}

// SolveCurrentRound repairs the current round of a troubleshooting lesson
// only (what `netlab solve 8` does without --step).
func (s *Solver) SolveCurrentRound(ctx context.Context, l *lessons.Lesson) error {
	st, err := LoadRounds(s.Grader.K)
	if err != nil {
		return err
	}
	upTo := 1
	if st != nil {
		upTo = min(st.Done+1, len(l.Steps))
	}
	return s.solveRounds(ctx, l, upTo)
}

// resetRounds runs, for a troubleshooting lesson being reset, the repair
// of a fault still in the lab's root namespace (a setting there would
// outlive the lesson's namespaces and links), then removes the round
// state. The caller holds LockLab.
func resetRounds(ctx context.Context, lab Lab, ls []*lessons.Lesson, out io.Writer, lang i18n.Lang) error {
	if !hasState(lab) || !slices.ContainsFunc(ls, (*lessons.Lesson).Troubleshoot) {
		return nil
	}
	st, err := LoadRounds(lab)
	if err != nil || st == nil {
		return errors.Join(err, kernel.RemoveStateFile(roundsFile))
	}
	if st.Injected && st.Done < len(st.Rounds) {
		if m, err := faultByID(i18n.For(lang), st.Rounds[st.Done].Fault); err == nil && m.Where == "root" {
			fmt.Fprintln(out, i18n.T(lang, "ts-undo-root", i18n.Data{"N": st.Done + 1}))
			for _, cmd := range m.RepairCommands() {
				if err := (SysShell{}).Run(ctx, cmd, io.Discard); err != nil {
					fmt.Fprintln(out, i18n.T(lang, "ts-left-fault", i18n.Data{"N": st.Done + 1, "Cmd": cmd, "Err": err}))
				}
			}
		}
	}
	if err := kernel.RemoveStateFile(roundsFile); err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.T(lang, "ts-removed-rounds", nil))
	return nil
}

// RoundHints are the hints of the current round: first the lesson's own
// (the method: links, addresses, routes, neighbours, rules), then where
// the fault is (its namespace), then its layer; never the fault itself.
// Without all it is the next hint not yet shown (the state counts them;
// the last one repeats), with all every hint up to that one.
func RoundHints(ctx context.Context, lab Lab, l *lessons.Lesson, all bool, lang i18n.Lang) ([]lessons.Hint, error) {
	loc := i18n.For(lang)
	st, err := LoadRounds(lab)
	if err != nil {
		return nil, err
	}
	if st == nil || st.Done >= len(st.Rounds) || st.Done >= len(l.Steps) {
		return []lessons.Hint{{Text: loc.T("ts-hint-no-round", i18n.Data{"ID": l.ID})}}, nil
	}
	m, err := faultByID(loc, st.Rounds[st.Done].Fault)
	if err != nil {
		return nil, err
	}
	hints := append(slices.Clone(l.Steps[st.Done].Hints), narrowHints(loc, m)...)
	if all {
		return hints, nil
	}
	unlock, err := lockUnlessHeld(ctx, lab)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if now, err := LoadRounds(lab); err == nil && now != nil && now.Done == st.Done {
		st = now
	}
	n := min(st.Hints, len(hints)-1)
	st.Hints = n + 1
	if err := saveRounds(st); err != nil {
		return nil, err
	}
	return hints[n : n+1], nil
}

// narrowHints say, in loc's language, where a fault is: its namespace,
// then its layer.
func narrowHints(loc *i18n.Localizer, m mistakes.Mistake) []lessons.Hint {
	where := loc.T("ts-where-ns", i18n.Data{"NS": m.Where})
	look := loc.T("ts-look-ns", i18n.Data{"NS": m.Where})
	if m.Where == "root" {
		where = loc.T("ts-where-root", nil)
		look = loc.T("ts-look-root", nil)
	}
	var layer string
	if id, ok := layerHint(m.Layer); ok {
		layer = loc.T(id, nil)
	}
	return []lessons.Hint{
		{Text: loc.T("ts-hint-narrow", i18n.Data{"Where": where, "Look": look})},
		{Text: layer},
	}
}

// layerHint is the message that says, by a fault's layer, what to look
// at. (A switch: a package-level map is built at every start.)
func layerHint(layer string) (string, bool) {
	switch layer {
	case "links":
		return "ts-layer-links", true
	case "addresses":
		return "ts-layer-addresses", true
	case "routes":
		return "ts-layer-routes", true
	case "neighbours":
		return "ts-layer-neighbours", true
	case "rules":
		return "ts-layer-rules", true
	}
	return "", false
}

// loc says the solver's lines in its grader's language.
func (s *Solver) loc() *i18n.Localizer {
	if s.Grader == nil {
		return i18n.For(i18n.EN)
	}
	return i18n.For(s.Grader.lang())
}
