package class_test

import (
	"bytes"
	"errors"
	"html"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	xhtml "golang.org/x/net/html"

	"github.com/netlab/netlab/class"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/runner"
)

// nasty is a value from a report a learner handed in, built to break out
// of HTML text and of a double- or single-quoted attribute.
func nasty(tag string) string {
	return tag + ` <script>alert(1)</script> " ' & "><img src=x onerror=alert(1)> '><b>`
}

// Every value that comes from a learner's report is escaped, in English
// and in Chinese: the page has only the elements and attributes it is
// written with, and a browser reads each value back as the learner wrote it.
func TestHTMLEscapesEveryValueFromReports(t *testing.T) {
	stuck, done := nasty("stuck-learner"), nasty("done-learner")
	slug, title, stepTitle, mistake := nasty("slug"), nasty("lesson-title"), nasty("step-title"), nasty("mistake-id")
	file, reason := nasty("file.json"), nasty("reason")
	r := func(steps ...runner.StepReport) runner.Report {
		l := lesson(1, slug, steps...)
		l.Title = title
		return l
	}
	s := class.Summarise([]class.File{
		{Learner: stuck, Lessons: []runner.Report{r(step(1, stepTitle, mistake))}},
		{Learner: done, Lessons: []runner.Report{r(step(1, stepTitle))}},
	})
	s.Skipped = []class.Skipped{{File: file, Reason: reason}}
	// Every value is on the page, where the page says it.
	require.Equal(t, []string{done}, s.Lessons[0].FinishedBy)
	require.Equal(t, stepTitle, s.Lessons[0].Stuck[0].Title)
	require.Equal(t, mistake, s.Lessons[0].Mistakes[0].ID)

	values := []string{stuck, done, slug, title, stepTitle, mistake, file, reason}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.ZH} {
		t.Run(string(lang), func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, s.WriteHTMLIn(&b, lang))
			page := b.String()
			for _, raw := range []string{"<script>alert", `"><img`, "<img", "'><b>", "<b>"} {
				require.NotContains(t, page, raw)
			}
			require.Equal(t, 1, strings.Count(page, "<script"), "only the page's own script")
			for _, v := range values {
				require.Contains(t, page, html.EscapeString(v))
			}

			// Read the page as a browser would.
			elements := map[string]bool{}
			for _, e := range strings.Fields("html head meta title style body h1 p ul li section h2 svg g text rect table tr th td code script") {
				elements[e] = true
			}
			attrs := map[string]bool{}
			for _, a := range strings.Fields("lang charset class id role aria-label width height viewbox x y data-count") {
				attrs[a] = true
			}
			var text strings.Builder
			z := xhtml.NewTokenizer(strings.NewReader(page))
			for {
				tt := z.Next()
				if tt == xhtml.ErrorToken {
					require.ErrorIs(t, z.Err(), io.EOF)
					break
				}
				tok := z.Token()
				switch tt {
				case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
					require.True(t, elements[tok.Data], "element <%s> is not the page's own", tok.Data)
					for _, a := range tok.Attr {
						require.True(t, attrs[a.Key], "attribute %s=%q on <%s> is not the page's own", a.Key, a.Val, tok.Data)
					}
				case xhtml.TextToken:
					text.WriteString(tok.Data)
				}
			}
			for _, v := range values {
				require.Contains(t, text.String(), v, "a browser shows the value as the report has it")
			}
		})
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// A NUL in a learner's value is not written to the page (a browser
// would read it as U+FFFD; html/template wrote that, and so does the page).
func TestHTMLReplacesNUL(t *testing.T) {
	s := class.Summarise([]class.File{{Learner: "a\x00b", Lessons: []runner.Report{lesson(1, "netns", step(1, "s\x00t"))}}})
	var b bytes.Buffer
	require.NoError(t, s.WriteHTML(&b))
	require.NotContains(t, b.String(), "\x00")
	require.Contains(t, b.String(), "a\uFFFDb")
}

func TestHTMLWriteErrorIsReturned(t *testing.T) {
	_, paths := writeClass(t, "v")
	s := class.Load(paths, class.Options{Version: "v"})
	require.ErrorContains(t, s.WriteHTML(failWriter{}), "disk full")
	require.ErrorContains(t, s.WriteHTMLIn(failWriter{}, i18n.ZH), "disk full")
}
