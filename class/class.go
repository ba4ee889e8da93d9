// Package class turns many learners' `netlab check --all --json` reports
// into one picture of a class: per lesson, who finished, where the others
// are stuck, and which diagnosed mistakes are the most common, so that an
// instructor knows what to explain to everyone.
package class

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/runner"
)

// File is one learner's report as `netlab check --all --json --learner
// NAME` writes it. A single lesson's `check N --json` is read too.
type File struct {
	Learner string          `json:"learner,omitempty"`
	Version string          `json:"netlab_version,omitempty"`
	Passed  bool            `json:"passed"`
	Lessons []runner.Report `json:"lessons"`
}

// Skipped is a file that was named and left out, with the reason.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Summary is the class at a glance.
type Summary struct {
	Learners []string        `json:"learners"`
	Skipped  []Skipped       `json:"skipped"`
	Lessons  []LessonSummary `json:"lessons"`
}

// LessonSummary is one lesson across the class.
type LessonSummary struct {
	Lesson     int      `json:"lesson"`
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	Steps      int      `json:"steps"`
	Learners   int      `json:"learners"` // how many reports grade this lesson
	Finished   int      `json:"finished"`
	FinishedBy []string `json:"finished_by"`
	// Stuck counts, per step, the learners whose first unfinished step it
	// is; most learners first.
	Stuck []Stuck `json:"stuck"`
	// Mistakes are the catalogued mistakes diagnosed in this lesson, each
	// counted once per learner; most common first.
	Mistakes []Mistake `json:"mistakes"`
}

// Stuck is one step where learners stopped.
type Stuck struct {
	Step     int      `json:"step"`
	Title    string   `json:"title"`
	Count    int      `json:"count"`
	Learners []string `json:"learners"`
}

// Mistake is one diagnosed mistake and who made it.
type Mistake struct {
	ID       string   `json:"id"`
	Count    int      `json:"count"`
	Learners []string `json:"learners"`
}

// Options say how strict reading is.
type Options struct {
	// Version is this netlab's version: a report of another version is
	// skipped (its lessons may differ), unless AnyVersion.
	Version    string
	AnyVersion bool
	// Lang is the language of the reasons a file is skipped (default
	// English).
	Lang i18n.Lang
}

// Load reads the files and summarises them. A broken file, a file that is
// not a netlab report or a report of another version is named in Skipped,
// never fatal; so is a second report of a learner already read.
func Load(paths []string, o Options) Summary {
	if o.Lang == "" {
		o.Lang = i18n.EN
	}
	loc := i18n.For(o.Lang)
	var files []File
	var skipped []Skipped
	seen := map[string]string{}
	for _, p := range paths {
		f, err := read(p, o)
		if err != nil {
			skipped = append(skipped, Skipped{File: p, Reason: err.Error()})
			continue
		}
		if prev, dup := seen[f.Learner]; dup {
			skipped = append(skipped, Skipped{File: p, Reason: loc.T("class-reason-duplicate", i18n.Data{"Learner": fmt.Sprintf("%q", f.Learner), "Prev": prev})})
			continue
		}
		seen[f.Learner] = p
		files = append(files, f)
	}
	s := Summarise(files)
	s.Skipped = skipped
	if s.Skipped == nil {
		s.Skipped = []Skipped{}
	}
	return s
}

func read(path string, o Options) (File, error) {
	loc := i18n.For(o.Lang)
	b, err := os.ReadFile(path)
	if err != nil {
		return File{}, loc.Errorf("class-reason-unreadable", i18n.Data{"Err": errors.Unwrap(err)})
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return File{}, loc.Errorf("class-reason-not-json", i18n.Data{"Err": err})
	}
	var f File
	switch {
	case probe["lessons"] != nil:
		if err := json.Unmarshal(b, &f); err != nil {
			return File{}, loc.Errorf("class-reason-not-report", i18n.Data{"Err": err})
		}
	case probe["lesson"] != nil && probe["steps"] != nil:
		// One lesson: `netlab check N --json`.
		var r runner.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return File{}, loc.Errorf("class-reason-not-report", i18n.Data{"Err": err})
		}
		_ = json.Unmarshal(b, &f) // learner and version, when present
		f.Lessons = []runner.Report{r}
	default:
		return File{}, loc.Errorf("class-reason-no-lessons", nil)
	}
	for _, r := range f.Lessons {
		if r.Lesson <= 0 || r.Slug == "" || len(r.Steps) == 0 {
			return File{}, loc.Errorf("class-reason-bad-lesson", nil)
		}
	}
	if !o.AnyVersion && f.Version != o.Version {
		v := f.Version
		if v == "" {
			v = loc.T("class-unknown-version", nil)
		}
		return File{}, loc.Errorf("class-reason-version", i18n.Data{"Got": v, "Want": o.Version})
	}
	if f.Learner == "" {
		f.Learner = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return f, nil
}

// Summarise builds the summary of reports already read.
func Summarise(files []File) Summary {
	s := Summary{Learners: []string{}, Skipped: []Skipped{}, Lessons: []LessonSummary{}}
	byID := map[int]*LessonSummary{}
	stuck := map[int]map[int]*Stuck{}
	mistakes := map[int]map[string]*Mistake{}
	for _, f := range files {
		s.Learners = append(s.Learners, f.Learner)
		for _, r := range f.Lessons {
			ls := byID[r.Lesson]
			if ls == nil {
				ls = &LessonSummary{Lesson: r.Lesson, Slug: r.Slug, Title: r.Title, Steps: len(r.Steps), FinishedBy: []string{}}
				byID[r.Lesson] = ls
				stuck[r.Lesson] = map[int]*Stuck{}
				mistakes[r.Lesson] = map[string]*Mistake{}
			}
			ls.Learners++
			if i := r.FirstUnfinished(); i < 0 {
				ls.Finished++
				ls.FinishedBy = append(ls.FinishedBy, f.Learner)
			} else {
				st := stuck[r.Lesson][i+1]
				if st == nil {
					st = &Stuck{Step: i + 1, Title: r.Steps[i].Title}
					stuck[r.Lesson][i+1] = st
				}
				st.Count++
				st.Learners = append(st.Learners, f.Learner)
			}
			once := map[string]bool{}
			for _, step := range r.Steps {
				for _, c := range step.Checks {
					if c.Status != checks.Fail || c.Mistake == "" || once[c.Mistake] {
						continue
					}
					once[c.Mistake] = true
					m := mistakes[r.Lesson][c.Mistake]
					if m == nil {
						m = &Mistake{ID: c.Mistake}
						mistakes[r.Lesson][c.Mistake] = m
					}
					m.Count++
					m.Learners = append(m.Learners, f.Learner)
				}
			}
		}
	}
	ids := make([]int, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		ls := byID[id]
		ls.Stuck = []Stuck{}
		for _, st := range stuck[id] {
			ls.Stuck = append(ls.Stuck, *st)
		}
		sort.Slice(ls.Stuck, func(i, j int) bool {
			a, b := ls.Stuck[i], ls.Stuck[j]
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			return a.Step < b.Step
		})
		ls.Mistakes = []Mistake{}
		for _, m := range mistakes[id] {
			ls.Mistakes = append(ls.Mistakes, *m)
		}
		sort.Slice(ls.Mistakes, func(i, j int) bool {
			a, b := ls.Mistakes[i], ls.Mistakes[j]
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			return a.ID < b.ID
		})
		s.Lessons = append(s.Lessons, *ls)
	}
	return s
}

// WriteJSON writes the summary for tools.
func (s Summary) WriteJSON(w interface{ Write([]byte) (int, error) }) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
