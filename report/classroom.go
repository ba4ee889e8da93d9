package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/runner"
)

// Classroom is a GitHub Classroom style autograding result: one test per
// lesson step, worth the step's points.
type Classroom struct {
	Version  int             `json:"version"`
	Status   checks.Status   `json:"status"`
	Score    int             `json:"score"`
	MaxScore int             `json:"max_score"`
	Tests    []ClassroomTest `json:"tests"`
}

// ClassroomTest is one step.
type ClassroomTest struct {
	Name     string        `json:"name"`
	Status   checks.Status `json:"status"`
	Score    int           `json:"score"`
	MaxScore int           `json:"max_score"`
	Message  string        `json:"message"`
}

// NewClassroom builds the result. A step scores its points when it
// passes and nothing otherwise. The overall status is fail when any step
// failed, else error when netlab could not judge some step, else pass.
func NewClassroom(reps []runner.Report) Classroom {
	c := Classroom{Version: 1, Status: checks.Pass, Tests: []ClassroomTest{}}
	for _, r := range reps {
		for _, s := range r.Steps {
			t := ClassroomTest{
				Name:     fmt.Sprintf("lesson %d %s, step %d: %s", r.Lesson, r.Slug, s.Step, s.Title),
				Status:   s.Status,
				MaxScore: s.Points,
			}
			if t.Status == "" {
				t.Status = checks.Pass
			}
			var msgs []string
			for _, ch := range s.Checks {
				if ch.Status != checks.Pass {
					msgs = append(msgs, fmt.Sprintf("%s: %s", ch.Name, oneLine(firstNonEmpty(ch.Why, ch.Message))))
				}
			}
			if s.Passed {
				t.Score = s.Points
				t.Message = "passed"
			} else {
				t.Message = strings.Join(msgs, "; ")
			}
			c.Score += t.Score
			c.MaxScore += t.MaxScore
			switch {
			case t.Status == checks.Fail:
				c.Status = checks.Fail
			case t.Status == checks.Error && c.Status == checks.Pass:
				c.Status = checks.Error
			}
			c.Tests = append(c.Tests, t)
		}
	}
	return c
}

// WriteJSON writes the result as one JSON object.
func (c Classroom) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
