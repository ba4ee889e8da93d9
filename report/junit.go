// Package report renders grading reports in the formats CI systems and
// classrooms already consume: JUnit XML and a GitHub Classroom style
// result. Every format keeps netlab's three outcomes apart: pass, fail
// (the learner's state is wrong) and error (netlab could not judge).
package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/runner"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

// WriteJUnit writes one <testsuite> per lesson and one <testcase> per
// check. A failing check becomes a <failure> whose message is the why
// (and whose body adds the suggested fix and the diagnosed mistake); a
// check netlab could not judge becomes an <error>.
func WriteJUnit(w io.Writer, reps []runner.Report) error {
	all := junitSuites{Name: "netlab"}
	var total int64
	for _, r := range reps {
		s := junitSuite{Name: fmt.Sprintf("lesson %d %s", r.Lesson, r.Slug), Time: seconds(r.ElapsedMS),
			Properties: []junitProperty{
				{Name: "lesson", Value: fmt.Sprint(r.Lesson)},
				{Name: "score", Value: fmt.Sprintf("%d/%d", r.Score, r.MaxScore)},
			}}
		total += r.ElapsedMS
		for _, st := range r.Steps {
			class := fmt.Sprintf("netlab.lesson%d.%s.step%d", r.Lesson, r.Slug, st.Step)
			names := map[string]int{}
			for _, c := range st.Checks {
				name := c.Name
				// Names are unique within a class: readers key on them.
				if names[name]++; names[name] > 1 {
					name = fmt.Sprintf("%s (#%d)", name, names[name])
				}
				tc := junitCase{Name: name, Classname: class, Time: "0.000", SystemOut: c.Message}
				p := &junitProblem{Message: oneLine(firstNonEmpty(c.Why, c.Message)), Body: problemBody(c)}
				switch c.Status {
				case checks.Pass:
				case checks.Fail:
					p.Type = "fail"
					tc.Failure = p
					s.Failures++
				default:
					p.Type = "error"
					tc.Error = p
					s.Errors++
				}
				s.Cases = append(s.Cases, tc)
				s.Tests++
			}
		}
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Suites = append(all.Suites, s)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("write JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func problemBody(c runner.CheckReport) string {
	var b strings.Builder
	b.WriteString(firstNonEmpty(c.Why, c.Message))
	if c.Fix != "" {
		fmt.Fprintf(&b, "\ntry: %s", c.Fix)
	}
	if c.Mistake != "" {
		fmt.Fprintf(&b, "\nmistake: %s", c.Mistake)
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
