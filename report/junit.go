// Package report renders grading reports in the formats CI systems and
// classrooms already consume: JUnit XML and a GitHub Classroom style
// result. Every format keeps netlab's three outcomes apart: pass, fail
// (the learner's state is wrong) and error (netlab could not judge).
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/runner"
)

// The JUnit document is written by hand, not with encoding/xml: linking
// encoding/xml costs every netlab start its package init (issue #11) for
// the one command that writes JUnit. The output is byte for byte what
// xml.Encoder with Indent("", "  ") wrote for the same model (see
// junit_ref_test.go), escaping included.

type junitSuites struct {
	Name     string
	Tests    int
	Failures int
	Errors   int
	Time     string
	Suites   []junitSuite
}

type junitSuite struct {
	Name       string
	Tests      int
	Failures   int
	Errors     int
	Time       string
	Properties []junitProperty
	Cases      []junitCase
}

type junitProperty struct {
	Name  string
	Value string
}

type junitCase struct {
	Name      string
	Classname string
	Time      string
	Failure   *junitProblem // <failure>, omitted when nil
	Error     *junitProblem // <error>, omitted when nil
	SystemOut string        // <system-out>, omitted when empty
}

type junitProblem struct {
	Message string
	Type    string
	Body    string
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

	var x xmlWriter
	x.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.render(all)
	x.b.WriteString("\n")
	// One write: a short or failed write is the caller's error, never a
	// silently truncated report.
	out := x.b.String()
	n, err := io.WriteString(w, out)
	if err == nil && n < len(out) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("write JUnit XML: %w", err)
	}
	return nil
}

// render writes the document element the way xml.Encoder did: every
// start tag on its own line indented two spaces per level, an element
// with no child elements closed on the same line, never self-closed.
func (x *xmlWriter) render(all junitSuites) {
	x.open(0, "testsuites", "name", all.Name, "tests", itoa(all.Tests), "failures", itoa(all.Failures),
		"errors", itoa(all.Errors), "time", all.Time)
	for _, s := range all.Suites {
		x.open(1, "testsuite", "name", s.Name, "tests", itoa(s.Tests), "failures", itoa(s.Failures),
			"errors", itoa(s.Errors), "time", s.Time)
		if len(s.Properties) > 0 {
			x.open(2, "properties")
			for _, p := range s.Properties {
				x.open(3, "property", "name", p.Name, "value", p.Value)
				x.closeInline("property")
			}
			x.close(2, "properties")
		}
		for _, c := range s.Cases {
			x.open(2, "testcase", "name", c.Name, "classname", c.Classname, "time", c.Time)
			children := false
			for _, pr := range []struct {
				tag string
				p   *junitProblem
			}{{"failure", c.Failure}, {"error", c.Error}} {
				if pr.p == nil {
					continue
				}
				x.open(3, pr.tag, "message", pr.p.Message, "type", pr.p.Type)
				x.escape(pr.p.Body)
				x.closeInline(pr.tag)
				children = true
			}
			if c.SystemOut != "" {
				x.open(3, "system-out")
				x.escape(c.SystemOut)
				x.closeInline("system-out")
				children = true
			}
			x.closeAfter(children, 2, "testcase")
		}
		x.closeAfter(len(s.Properties) > 0 || len(s.Cases) > 0, 1, "testsuite")
	}
	x.closeAfter(len(all.Suites) > 0, 0, "testsuites")
}

func itoa(n int) string { return strconv.Itoa(n) }

type xmlWriter struct{ b strings.Builder }

// open writes a start tag at depth (a newline first unless it is the
// document element) with attrs as name, value pairs, in order.
func (x *xmlWriter) open(depth int, tag string, attrs ...string) {
	if depth > 0 {
		x.b.WriteByte('\n')
	}
	for range depth {
		x.b.WriteString("  ")
	}
	x.b.WriteByte('<')
	x.b.WriteString(tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b.WriteByte(' ')
		x.b.WriteString(attrs[i])
		x.b.WriteString(`="`)
		x.escape(attrs[i+1])
		x.b.WriteByte('"')
	}
	x.b.WriteByte('>')
}

// closeInline ends an element that has no child elements.
func (x *xmlWriter) closeInline(tag string) {
	x.b.WriteString("</")
	x.b.WriteString(tag)
	x.b.WriteByte('>')
}

// close ends an element whose children were written, on its own line.
func (x *xmlWriter) close(depth int, tag string) {
	x.b.WriteByte('\n')
	for range depth {
		x.b.WriteString("  ")
	}
	x.closeInline(tag)
}

func (x *xmlWriter) closeAfter(children bool, depth int, tag string) {
	if children {
		x.close(depth, tag)
	} else {
		x.closeInline(tag)
	}
}

// escape writes s as XML text or attribute value exactly as encoding/xml
// escapes it: the five markup characters as character references, tab,
// newline and carriage return as numeric references (so they survive
// attribute normalisation), and every rune XML 1.0 forbids (control
// characters, U+FFFE, U+FFFF, bytes that are not UTF-8) as U+FFFD.
func (x *xmlWriter) escape(s string) {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !xmlChar(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		x.b.WriteString(s[last : i-width])
		x.b.WriteString(esc)
		last = i
	}
	x.b.WriteString(s[last:])
}

// xmlChar reports whether r is a Char of the XML 1.0 grammar.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
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
