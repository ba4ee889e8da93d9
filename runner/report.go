package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/termsafe"
)

// CheckReport is one check in `netlab check --json` (SPEC §3).
type CheckReport struct {
	Name    string        `json:"name"`
	Kind    string        `json:"kind"`
	Status  checks.Status `json:"status"`
	Message string        `json:"message"`
	Why     string        `json:"why"`
	Fix     string        `json:"fix,omitempty"`
	Mistake string        `json:"mistake,omitempty"`
	// Superseded is set on a check that failed because a later lesson
	// changed its state on purpose (`check --all`): it counts as passed.
	Superseded *SupersededBy `json:"superseded,omitempty"`
	// WhyMsg is the check's why as catalogue messages (checks.Result),
	// from which Localized says it in another language.
	WhyMsg []checks.Msg `json:"-"`
	// NameMsg is the check's title (Name) as catalogue messages
	// (checks.Titled), from which Localized says it in another language.
	NameMsg []checks.Msg `json:"-"`
}

// SupersededBy names the later lesson's step that changed a check's state.
type SupersededBy struct {
	Lesson int    `json:"lesson"`
	Slug   string `json:"slug"`
	Step   int    `json:"step"`
	// Because says why the change is deliberate.
	Because string `json:"because"`
	// Was is the check's own failing status and why, kept for the record.
	WasStatus checks.Status `json:"was_status"`
	WasWhy    string        `json:"was_why"`
}

// StepReport is one step.
type StepReport struct {
	Step   int           `json:"step"`
	Title  string        `json:"title"`
	Passed bool          `json:"passed"`
	Status checks.Status `json:"status"`
	Points int           `json:"points"`
	Checks []CheckReport `json:"checks"`
}

// Report is the result of grading one lesson (SPEC §3; extra fields are
// allowed there, the spec's fields keep their meaning).
type Report struct {
	Lesson    int          `json:"lesson"`
	Slug      string       `json:"slug"`
	Title     string       `json:"title"`
	Passed    bool         `json:"passed"`
	Score     int          `json:"score"`
	MaxScore  int          `json:"max_score"`
	ElapsedMS int64        `json:"elapsed_ms"`
	Steps     []StepReport `json:"steps"`
	// Lang is the language of the texts (titles, whys, fixes): "en" or
	// "zh". Keys, mistake ids and statuses are the same in every language.
	Lang i18n.Lang `json:"lang"`
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Mark is the one-character mark of a status: ✓ pass, ✗ fail, ! error.
func Mark(s checks.Status) string {
	switch s {
	case checks.Pass:
		return "✓"
	case checks.Fail:
		return "✗"
	}
	return "!"
}

// WriteText renders the report for a terminal: every step with its mark,
// and for the steps that did not pass, each failing check with why and a
// command to try.
//
// It speaks the report's language (r.Lang; English when unset).
func (r Report) WriteText(w io.Writer) {
	loc := i18n.For(r.lang())
	fmt.Fprintln(w, loc.T("report-lesson-line", i18n.Data{"ID": r.Lesson, "Slug": r.Slug, "Title": r.Title, "Summary": r.summary(loc)}))
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  %s %d. %s\n", Mark(s.Status), s.Step, s.Title)
		for _, c := range s.Checks {
			if c.Superseded != nil {
				fmt.Fprintf(w, "      ✓ %s: %s\n", c.Name, supersededText(loc, c.Superseded.Lesson, c.Superseded.Slug, c.Superseded.Step, c.Superseded.Because))
			}
		}
		if s.Passed {
			continue
		}
		for _, c := range s.Checks {
			if c.Status == checks.Pass {
				continue
			}
			// Whys and fixes quote names from the kernel (namespaces,
			// links, rules): escaped, so that a name cannot drive the
			// terminal, and one with a newline is shown whole.
			fmt.Fprintf(w, "      %s %s\n", Mark(c.Status), termsafe.Escape(c.Name))
			if c.Why != "" {
				fmt.Fprintf(w, "        %s %s\n", loc.T("report-why", nil), oneLine(termsafe.Escape(c.Why)))
			}
			if c.Fix != "" {
				fmt.Fprintf(w, "        %s %s\n", loc.T("report-try", nil), termsafe.Escape(c.Fix))
			}
		}
	}
	if r.Passed {
		fmt.Fprintln(w, loc.T("report-all-pass", nil))
	}
}

// lang is the report's language, English when unset (a Report built
// without a Grader).
func (r Report) lang() i18n.Lang {
	if r.Lang == "" {
		return i18n.EN
	}
	return r.Lang
}

func (r Report) summary(loc *i18n.Localizer) string {
	return loc.T("report-summary", i18n.Data{"Score": r.Score, "Max": r.MaxScore})
}

// supersededText says which later step excuses a check.
func supersededText(loc *i18n.Localizer, lesson int, slug string, step int, because string) string {
	return loc.T("report-superseded", i18n.Data{"Lesson": lesson, "Slug": slug, "Step": step, "Because": because})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
