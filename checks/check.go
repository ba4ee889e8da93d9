// Package checks is netlab's vocabulary of checks: each kind reads kernel
// state (or sends packets) through kernel.Kernel and says pass, fail or
// error, with a why the learner can act on.
//
// Kinds are listed explicitly in registry.go; there is no init() magic.
package checks

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel"
)

// Status is the outcome of one check.
type Status string

const (
	Pass  Status = "pass"
	Fail  Status = "fail"  // the learner's state is wrong
	Error Status = "error" // netlab could not judge (permission, missing tool)
)

// Result is what a check found.
type Result struct {
	Status  Status
	Message string // what was found, in one line
	Why     string // for fail and error: what is wrong, in kernel terms
	Fix     string // a command that would fix it, when one is known
	Mistake string // id of the catalogued mistake this is, when diagnosed
	// WhyMsg is Why as messages of netlab's catalogue (i18n/locales),
	// said one after the other, so that the report can say it in the
	// learner's language. Why stays the English source: a WhyMsg whose
	// English rendering is not exactly Why is stale and is not used.
	// nil: the why has no translation yet.
	WhyMsg []Msg
}

// Msg is one catalogue message: its id and its template data.
type Msg struct {
	ID   string
	Data map[string]any
}

// Say adds a catalogue message to the why (see WhyMsg).
func (r Result) Say(id string, data map[string]any) Result {
	r.WhyMsg = append(slices.Clip(r.WhyMsg), Msg{ID: id, Data: data})
	return r
}

// Passf builds a passing result.
func Passf(format string, a ...any) Result {
	return Result{Status: Pass, Message: fmt.Sprintf(format, a...)}
}

// Failf builds a failing result whose why is the formatted text.
func Failf(format string, a ...any) Result {
	s := fmt.Sprintf(format, a...)
	return Result{Status: Fail, Message: s, Why: s}
}

// WithFix adds a suggested command.
func (r Result) WithFix(cmd string) Result { r.Fix = cmd; return r }

// WithMistake tags the result with a catalogued mistake id.
func (r Result) WithMistake(id string) Result { r.Mistake = id; return r }

// Errorf builds an "could not judge" result.
func Errorf(format string, a ...any) Result {
	s := fmt.Sprintf(format, a...)
	return Result{Status: Error, Message: s, Why: s}
}

// FromErr turns a kernel error into a result: a missing namespace is the
// learner's state (fail); anything else means netlab could not look.
func FromErr(err error, ns string) Result {
	switch {
	case errors.Is(err, kernel.ErrNoNamespace):
		return Failf("namespace %s does not exist: %v", ns, err).
			WithFix("ip netns add "+ns).WithMistake("ns-missing").Say("why-ns-missing-err", D{"NS": ns, "Err": err})
	case errors.Is(err, kernel.ErrToolMissing):
		return toolMissing(err)
	case errors.Is(err, context.DeadlineExceeded):
		return Errorf("timed out reading kernel state in %s", nsName(ns)).Say("why-read-timeout", D{"NS": nsV(ns)})
	}
	return Errorf("could not read kernel state in %s: %v", nsName(ns), err).Say("why-read-failed", D{"NS": nsV(ns), "Err": err})
}

// toolMissingRE is kernel.MissingTool's text: "nft: tool not installed",
// then the install command when one is known.
// Compiled on first use: a regexp compiled at package init is paid by
// every start of netlab.
func toolMissingRE() *regexp.Regexp { return toolMissingREValue.Get(newToolMissingRE) }

var toolMissingREValue lazy.Value[*regexp.Regexp]

func newToolMissingRE() *regexp.Regexp {
	return regexp.MustCompile("^([^ :]+): " + regexp.QuoteMeta(kernel.ErrToolMissing.Error()) + "(?:: install it with `([^`]+)`)?$")
}

// toolMissing says a missing tool; a text other than kernel.MissingTool's
// (a wrapped error) stays as it is, in English.
func toolMissing(err error) Result {
	r := Errorf("%v", err)
	m := toolMissingRE().FindStringSubmatch(err.Error())
	switch {
	case m == nil:
		return r
	case m[2] == "":
		return r.Say("why-tool-missing", D{"Tool": m[1]})
	}
	return r.Say("why-tool-missing-install", D{"Tool": m[1], "Cmd": m[2]})
}

func nsName(ns string) string {
	if ns == kernel.Root {
		return "the lab's root namespace"
	}
	return ns
}

// Env is what a check runs against.
type Env struct {
	K kernel.Kernel
	// ProbeTimeout bounds one ping or TCP probe.
	ProbeTimeout time.Duration
}

// Check is one typed, validated check from a lesson.
type Check interface {
	// Describe says what the check asks, for the learner ("veth0 in ns0 has
	// 10.0.0.1/24").
	Describe() string
	Run(ctx context.Context, env Env) Result
}

// Phase orders checks within one grading run.
type Phase int

const (
	// PhaseState checks read kernel state; they are fast.
	PhaseState Phase = iota
	// PhaseProbe checks send packets; they run concurrently with each
	// other and with state checks.
	PhaseProbe
	// PhaseAfter checks read state that the probes create (a bridge
	// learns MACs from traffic), so they run once the probes are done.
	PhaseAfter
)
