package report_test

// The reference: WriteJUnit as it was before issue #11, built on
// encoding/xml, copied verbatim except for names. The hand-written
// writer must produce the same bytes for every report. Tests may import
// encoding/xml: test imports never reach the netlab binary.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/report"
	"github.com/netlab/netlab/runner"
)

type refSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Time     string     `xml:"time,attr"`
	Suites   []refSuite `xml:"testsuite"`
}

type refSuite struct {
	Name       string        `xml:"name,attr"`
	Tests      int           `xml:"tests,attr"`
	Failures   int           `xml:"failures,attr"`
	Errors     int           `xml:"errors,attr"`
	Time       string        `xml:"time,attr"`
	Properties []refProperty `xml:"properties>property,omitempty"`
	Cases      []refCase     `xml:"testcase"`
}

type refProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type refCase struct {
	Name      string      `xml:"name,attr"`
	Classname string      `xml:"classname,attr"`
	Time      string      `xml:"time,attr"`
	Failure   *refProblem `xml:"failure,omitempty"`
	Error     *refProblem `xml:"error,omitempty"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type refProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func refSeconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

func refWriteJUnit(w io.Writer, reps []runner.Report) error {
	all := refSuites{Name: "netlab"}
	var total int64
	for _, r := range reps {
		s := refSuite{Name: fmt.Sprintf("lesson %d %s", r.Lesson, r.Slug), Time: refSeconds(r.ElapsedMS),
			Properties: []refProperty{
				{Name: "lesson", Value: fmt.Sprint(r.Lesson)},
				{Name: "score", Value: fmt.Sprintf("%d/%d", r.Score, r.MaxScore)},
			}}
		total += r.ElapsedMS
		for _, st := range r.Steps {
			class := fmt.Sprintf("netlab.lesson%d.%s.step%d", r.Lesson, r.Slug, st.Step)
			names := map[string]int{}
			for _, c := range st.Checks {
				name := c.Name
				if names[name]++; names[name] > 1 {
					name = fmt.Sprintf("%s (#%d)", name, names[name])
				}
				tc := refCase{Name: name, Classname: class, Time: "0.000", SystemOut: c.Message}
				p := &refProblem{Message: refOneLine(refFirstNonEmpty(c.Why, c.Message)), Body: refProblemBody(c)}
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
	all.Time = refSeconds(total)
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

func refProblemBody(c runner.CheckReport) string {
	var b strings.Builder
	b.WriteString(refFirstNonEmpty(c.Why, c.Message))
	if c.Fix != "" {
		fmt.Fprintf(&b, "\ntry: %s", c.Fix)
	}
	if c.Mistake != "" {
		fmt.Fprintf(&b, "\nmistake: %s", c.Mistake)
	}
	return b.String()
}

func refFirstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

func refOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// hostile are values a learner's state or a report file can put in any
// text field.
var hostile = []string{
	"",
	" ",
	"plain",
	`<tag attr="v">&amp; 'q'</tag>`,
	"]]>",
	"<![CDATA[x]]>",
	"a\tb\nc\r\nd",
	"\t \n\r ",
	"nul\x00here",
	"ctl\x01\x02\x07\x08\x0b\x0c\x0e\x1f\x7f",
	"bad utf8 \xff\xfe \xc3\x28 \xed\xa0\x80 end", // stray bytes, a truncated pair, a surrogate
	"truncated \xe4\xb8",
	"nonchars \uFFFE \uFFFF \uFFFD ok",
	"astral \U0001F600 \U0010FFFF",
	"网络命名空间 ns0 没有 127.0.0.1/8：请运行「ip -n ns0 link set lo up」",
	"&#34; &lt; already escaped",
	"--> <!-- comment",
	"\u2028line sep\u0085nel",
}

func hostileReports() []runner.Report {
	statuses := []checks.Status{checks.Pass, checks.Fail, checks.Error, "", "bogus"}
	var reps []runner.Report
	for i, h := range hostile {
		next := hostile[(i+1)%len(hostile)]
		other := hostile[(i+5)%len(hostile)]
		var cs []runner.CheckReport
		for j, st := range statuses {
			cs = append(cs, runner.CheckReport{
				Name: h, Kind: other, Status: st,
				Message: next, Why: other, Fix: h, Mistake: next,
			})
			// A why that is blank falls back to the message.
			cs = append(cs, runner.CheckReport{Name: h, Status: statuses[(j+1)%len(statuses)], Message: h, Why: "  \t", Mistake: other})
		}
		reps = append(reps, runner.Report{
			Lesson: i - 3, Slug: h, Title: next, Score: i, MaxScore: -i, ElapsedMS: int64(i*1234567 - 999),
			Steps: []runner.StepReport{
				{Step: i, Title: h, Checks: cs},
				{Step: i + 1}, // a step with no checks
			},
		})
	}
	// A lesson with no steps at all.
	reps = append(reps, runner.Report{Lesson: 99, Slug: "empty"})
	return reps
}

func requireSameAsEncoder(t *testing.T, reps []runner.Report) {
	t.Helper()
	var want, got bytes.Buffer
	require.NoError(t, refWriteJUnit(&want, reps))
	require.NoError(t, report.WriteJUnit(&got, reps))
	require.Equal(t, want.String(), got.String())
}

func TestJUnitBytesMatchEncodingXML(t *testing.T) {
	all := hostileReports()
	cases := map[string][]runner.Report{
		"none":          nil,
		"empty slice":   {},
		"sample":        {sample(t)},
		"sample twice":  {sample(t), sample(t)},
		"no steps":      {{Lesson: 1, Slug: "x"}},
		"hostile":       all,
		"hostile first": all[:1],
	}
	for i := range all {
		cases[fmt.Sprintf("hostile %d", i)] = all[i : i+1]
	}
	for name, reps := range cases {
		t.Run(name, func(t *testing.T) { requireSameAsEncoder(t, reps) })
	}
}

// The hostile output is still a document a strict parser reads back.
func TestJUnitHostileIsWellFormed(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WriteJUnit(&b, hostileReports()))
	d := xml.NewDecoder(&b)
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
	}
}

func FuzzJUnitMatchesEncoder(f *testing.F) {
	for i, h := range hostile {
		f.Add(h, hostile[(i+1)%len(hostile)], hostile[(i+2)%len(hostile)], hostile[(i+3)%len(hostile)], "fail")
	}
	f.Add("", "", "", "", "pass")
	f.Add("n", "m", "", "", "error")
	f.Fuzz(func(t *testing.T, name, msg, why, fix, status string) {
		c := runner.CheckReport{Name: name, Status: checks.Status(status), Message: msg, Why: why, Fix: fix, Mistake: fix}
		requireSameAsEncoder(t, []runner.Report{{
			Lesson: 2, Slug: name,
			Steps: []runner.StepReport{{Step: 1, Checks: []runner.CheckReport{c, c}}},
		}})
	})
}

var errBoom = errors.New("disk full")

// failWriter accepts ok bytes, then fails.
type failWriter struct{ ok int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) <= w.ok {
		w.ok -= len(p)
		return len(p), nil
	}
	n := w.ok
	w.ok = 0
	return n, errBoom
}

// shortWriter breaks io.Writer's contract: a short write without error.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestJUnitWriteErrorIsReturned(t *testing.T) {
	reps := []runner.Report{sample(t)}
	var full bytes.Buffer
	require.NoError(t, report.WriteJUnit(&full, reps))
	for _, ok := range []int{0, 1, 38, full.Len() / 2, full.Len() - 1} {
		err := report.WriteJUnit(&failWriter{ok: ok}, reps)
		require.ErrorIs(t, err, errBoom, "failing after %d bytes", ok)
	}
	require.NoError(t, report.WriteJUnit(&failWriter{ok: full.Len()}, reps))
	require.ErrorIs(t, report.WriteJUnit(shortWriter{}, reps), io.ErrShortWrite)
}
