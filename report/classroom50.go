package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/netlab/netlab/runner"
)

// Classroom50Schema names the result format of Classroom 50 (SPEC §6),
// the successor of the sunset GitHub Classroom's autograding.
const Classroom50Schema = "classroom50/result/v1"

// Classroom50 is one Classroom 50 result: one test per lesson step.
// The keys are exactly those of SPEC §6.
type Classroom50 struct {
	Schema     string            `json:"schema"`
	Classroom  string            `json:"classroom"`
	Assignment string            `json:"assignment"`
	Submission string            `json:"submission"`
	Commit     string            `json:"commit"`
	Release    string            `json:"release"`
	Review     string            `json:"review"`
	Datetime   string            `json:"datetime"`
	Score      int               `json:"score"`
	MaxScore   int               `json:"max-score"`
	Tests      []Classroom50Test `json:"tests"`
}

// Classroom50Test is one step.
type Classroom50Test struct {
	Name     string `json:"test-name"`
	Passed   bool   `json:"passed"`
	Score    int    `json:"score"`
	MaxScore int    `json:"max-score"`
}

// NewClassroom50 builds the result. getenv supplies the submission's
// identity (CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL,
// RELEASE_URL, REVIEW_URL, which defaults to COMMIT_URL); now is the
// grading time, written in UTC.
func NewClassroom50(reps []runner.Report, getenv func(string) string, now time.Time) Classroom50 {
	c := Classroom50{
		Schema:     Classroom50Schema,
		Classroom:  getenv("CLASSROOM"),
		Assignment: getenv("ASSIGNMENT"),
		Submission: getenv("SUBMISSION_TAG"),
		Commit:     getenv("COMMIT_URL"),
		Release:    getenv("RELEASE_URL"),
		Review:     getenv("REVIEW_URL"),
		Datetime:   now.UTC().Format("2006-01-02T15:04:05Z"),
		Tests:      []Classroom50Test{},
	}
	if c.Review == "" {
		c.Review = c.Commit
	}
	for _, r := range reps {
		for _, s := range r.Steps {
			t := Classroom50Test{
				Name:     fmt.Sprintf("lesson %d %s, step %d: %s", r.Lesson, r.Slug, s.Step, s.Title),
				Passed:   s.Passed,
				MaxScore: s.Points,
			}
			if s.Passed {
				t.Score = s.Points
			}
			c.Score += t.Score
			c.MaxScore += t.MaxScore
			c.Tests = append(c.Tests, t)
		}
	}
	return c
}

// WriteJSON writes the result as one JSON object.
func (c Classroom50) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
