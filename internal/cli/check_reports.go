package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/buildinfo"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/progress"
	"github.com/netlab/netlab/report"
	"github.com/netlab/netlab/runner"
)

// checkOpts are the flags of `netlab check`.
type checkOpts struct {
	asJSON, all      bool
	junit, classroom string
	classroom50      string
	learner          string
}

// runCheck grades one lesson, or every lesson with --all, prints the
// result and writes the requested report files. The exit code is the
// worst of the lessons': 2 (could not judge) over 1 (failed) over 0.
func (a *App) runCheck(cmd *cobra.Command, args []string, o checkOpts) error {
	for _, f := range []string{"junit", "classroom", "classroom50"} {
		if cmd.Flags().Changed(f) && cmd.Flags().Lookup(f).Value.String() == "" {
			return a.usage("err-file-needed", i18n.Data{"Flag": f})
		}
	}
	var ls []*lessons.Lesson
	switch {
	case o.all && len(args) == 0:
		ls = a.Lessons
	case !o.all && len(args) == 1:
		l, err := a.lesson(args[0])
		if err != nil {
			return err
		}
		ls = []*lessons.Lesson{l}
	case o.all:
		return a.usage("err-check-all-lesson", nil)
	default:
		return a.exactlyOneLesson(cmd, args)
	}
	lab, closeFn, err := a.lab()
	if err != nil {
		return err
	}
	defer closeFn()
	g := a.grader(lab)
	var reps []runner.Report
	if o.all {
		reps = g.GradeAll(cmd.Context(), ls)
	} else {
		reps = []runner.Report{g.GradeSuperseded(cmd.Context(), a.Lessons, ls[0])}
	}
	switch {
	case o.asJSON && !o.all:
		// The spec's fields, plus who and which netlab (for netlab class).
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			runner.Report
			Learner string `json:"learner,omitempty"`
			Version string `json:"netlab_version"`
		}{reps[0], o.learner, buildinfo.Get().Version}); err != nil {
			return err
		}
	case o.asJSON:
		// --all --json: one object holding every lesson's report.
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		passed := true
		for _, r := range reps {
			passed = passed && r.Passed
		}
		if err := enc.Encode(struct {
			Learner string          `json:"learner,omitempty"`
			Version string          `json:"netlab_version"`
			Passed  bool            `json:"passed"`
			Lang    i18n.Lang       `json:"lang"`
			Lessons []runner.Report `json:"lessons"`
		}{o.learner, buildinfo.Get().Version, passed, a.lang(), reps}); err != nil {
			return err
		}
	default:
		w := a.styled(a.Stdout)
		for i, r := range reps {
			if i > 0 {
				fmt.Fprintln(w)
			}
			r.WriteText(w)
		}
		if o.all {
			fmt.Fprintf(a.Stdout, "\n%s\n", runner.AllSummary(reps))
		}
	}
	if o.junit != "" {
		if err := a.writeFile(o.junit, func(w io.Writer) error { return report.WriteJUnit(w, reps) }); err != nil {
			return err
		}
	}
	if o.classroom != "" {
		if err := a.writeFile(o.classroom, report.NewClassroom(reps).WriteJSON); err != nil {
			return err
		}
	}
	if o.classroom50 != "" {
		c50 := report.NewClassroom50(reps, os.Getenv, time.Now())
		if err := a.writeFile(o.classroom50, c50.WriteJSON); err != nil {
			return err
		}
	}
	var worst error
	code := ExitOK
	for _, r := range reps {
		err := a.reportExit(r)
		if ee, ok := err.(*exitError); ok && ee.code > code {
			code, worst = ee.code, err
		}
	}
	if o.classroom50 != "" && code == ExitFail {
		// Classroom 50 reads the grade from the file: a failing grade is
		// not a runner failure. Only an error grading (exit 2) is one.
		return nil
	}
	return worst
}

// writeFile writes a report file; "-" is stdout. Under sudo the file is
// written as the learner who asked for it (progress.AsLearner).
func (a *App) writeFile(path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(a.Stdout)
	}
	return progress.AsLearner(func() error {
		f, err := os.Create(path)
		if err != nil {
			return a.usage("err-report-write", i18n.Data{"Err": err})
		}
		if err := write(f); err != nil {
			f.Close()
			return a.usage("err-report-write-file", i18n.Data{"File": path, "Err": err})
		}
		if err := f.Close(); err != nil {
			return a.usage("err-report-write-file", i18n.Data{"File": path, "Err": err})
		}
		return nil
	})
}
