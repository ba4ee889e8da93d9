// Package lessons holds netlab's lessons as data: one YAML file each,
// compiled into Go (compiled_gen.go, see LoadEmbedded) so that netlab
// never decodes YAML. Their strict loader, whose errors name file and
// line, is lessons/lessonyaml, which only the generator and tests import.
//
// An instructor adds a lesson by adding a file here and its mistakes to
// mistakes/catalog.yaml; no Go is needed as long as the checks it uses
// exist in checks.Default() (see docs/authoring.md).
package lessons

import "github.com/netlab/netlab/checks"

// Lesson is one lesson of the course.
type Lesson struct {
	ID    int    `yaml:"id"`
	Slug  string `yaml:"slug"`
	Title string `yaml:"title"`
	// Intro is Markdown shown before the first step.
	Intro string `yaml:"intro"`
	// Requires names (by slug) a lesson whose finished state this one
	// starts from; `netlab solve` builds it first when it is missing.
	Requires string `yaml:"requires"`
	Owns     Owns   `yaml:"owns"`
	Steps    []Step `yaml:"steps"`
	// Rounds makes a troubleshooting lesson: the slugs of the lessons
	// whose finished networks it breaks, one fault per step (round), drawn
	// from the catalogue entries of these lessons that have repair:.
	// Its steps have no checks and no solution: runner grades round K by
	// grading the base lesson of that round. Its Owns is the union of the
	// base lessons' (filled by the loader).
	Rounds []string `yaml:"rounds"`
	// Supersedes declares the checks of earlier lessons that this lesson
	// deliberately makes fail (lesson 4's DROP in ns2 breaks lesson 3's
	// ping from ns0 to ns2): `check --all` grades them as superseded.
	Supersedes []Supersedes `yaml:"supersedes"`

	// File is the embedded file the lesson came from.
	File string `yaml:"-"`
}

// Owns lists what the lesson creates, so that reset removes exactly that.
// An object with a lesson's name is the lesson's only while it carries
// nothing but what some lesson's steps put on it (Addrs, Ports, NSLinks,
// NSAddrs, unioned over every lesson); a rule only when its meaning is one
// of some lesson's Rules.
type Owns struct {
	// Namespaces are named namespaces; removing one removes everything
	// inside it (links, addresses, routes, firewall rules).
	Namespaces []string `yaml:"namespaces"`
	// Links are links in the lab's root namespace.
	Links []string `yaml:"links"`
	// Addrs are the addresses the steps put on those links (by link).
	Addrs map[string][]string `yaml:"addrs"`
	// Ports are the links the steps make ports of a bridge (by bridge).
	Ports map[string][]string `yaml:"ports"`
	// NSLinks and NSAddrs are the links and addresses the steps create
	// inside the lesson's namespaces.
	NSLinks []string `yaml:"ns_links"`
	NSAddrs []string `yaml:"ns_addrs"`
	// Rules are the firewall rules of the lab's root namespace that the
	// steps (or their hints) create, by meaning.
	Rules []RuleSpec `yaml:"rules"`
	// Sysctls are settings of a whole namespace the steps change; reset
	// names them and leaves them as they are.
	Sysctls []string `yaml:"sysctls"`
}

// RuleSpec is the meaning of a lesson's firewall rule. Empty fields match
// only a rule without that match: a spec is compared field by field, never
// by overlapping prefixes.
type RuleSpec struct {
	Hook    string `yaml:"hook"`
	Verdict string `yaml:"verdict"`
	Saddr   string `yaml:"saddr"`
	Daddr   string `yaml:"daddr"`
	Iif     string `yaml:"iif"`
	Oif     string `yaml:"oif"`
	Proto   string `yaml:"proto"`
	Dport   string `yaml:"dport"`
	CtState string `yaml:"ctstate"`
	To      string `yaml:"to"`
}

// Troubleshoot says whether l is a troubleshooting lesson (see Rounds).
func (l *Lesson) Troubleshoot() bool { return len(l.Rounds) > 0 }

// Step is one graded step.
type Step struct {
	Title string `yaml:"title"`
	// Text is the Markdown explanation: what to do, why, what to expect.
	Text  string `yaml:"text"`
	Hints []Hint `yaml:"hints"`
	// Solution is the reference solution: shell commands, one a line,
	// run in the lab's root namespace.
	Solution string `yaml:"solution"`
	// Points weighs the step in classroom reports (default 1).
	Points int `yaml:"points"`
	// PassesEarly marks a step that the solution of an earlier step may
	// already satisfy (selftest then does not demand that it fail first).
	PassesEarly bool        `yaml:"passes_early"`
	Checks      []CheckSpec `yaml:"checks"`
	// Round is, in a troubleshooting lesson, the round (1-based) the step
	// grades; it stays with the step when a part of the lesson is graded.
	Round int `yaml:"-"`
}

// Hint is one hint. When names a mistake id (see checks' WithMistake): the
// hint is shown first when that mistake is diagnosed. A hint may be
// written as a plain string.
type Hint struct {
	Text string `yaml:"text"`
	When string `yaml:"when"`
	// Line is where the hint is written (its when:, when it has one).
	Line int `yaml:"-" json:"-"`
}

// CheckSpec is one check as written in a lesson file, and once loaded, the
// built check. Besides kind: and name:, its fields are those of its kind's
// parameter struct (see checks.Define), decoded once the kind is known.
type CheckSpec struct {
	Kind string `yaml:"kind"`
	Name string `yaml:"name"`

	// Filled by the loader.
	Params any          `yaml:"-"` // pointer to the kind's parameter struct
	Check  checks.Check `yaml:"-"`
	Phase  checks.Phase `yaml:"-"`
	Line   int          `yaml:"-"`
	args   []checkArg   // compiled lessons: the parameters, until built
}

// Title is the check's name for reports: the lesson's own, or the check's
// description.
func (c CheckSpec) Title() string {
	if c.Name != "" {
		return c.Name
	}
	if c.Check != nil {
		return c.Check.Describe()
	}
	return c.Kind
}

// PointsOrDefault is the step's weight.
func (s Step) PointsOrDefault() int {
	if s.Points <= 0 {
		return 1
	}
	return s.Points
}

// Commands splits the solution into commands: one per non-empty line,
// comments dropped, lines ending in a backslash joined.
func (s Step) Commands() []string {
	return splitCommands(s.Solution)
}
