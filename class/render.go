package class

import (
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/termsafe"
)

// safe keeps a learner's name (a file name, or a field of their report)
// from steering the instructor's terminal.
func safe(s string) string { return termsafe.Escape(s) }

func names(ns []string) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = safe(n)
	}
	return strings.Join(out, ", ")
}

// WriteText renders the summary for a terminal, in English (WriteTextIn).
func (s Summary) WriteText(w io.Writer) error { return s.WriteTextIn(w, "") }

// bar is one bar of a lesson's chart.
type bar struct {
	Label string
	Count int
	Y     int
	W     int
	Class string
}

type chart struct {
	LessonSummary
	Bars   []bar
	Height int
}

const (
	barH      = 22
	barGap    = 8
	barMaxW   = 360
	barLabelW = 260
)

func charts(s Summary, loc *i18n.Localizer) []chart {
	var out []chart
	for _, l := range s.Lessons {
		c := chart{LessonSummary: l}
		add := func(label string, n int, class string) {
			w := 0
			if l.Learners > 0 {
				w = n * barMaxW / l.Learners
			}
			if n > 0 && w < 2 {
				w = 2
			}
			c.Bars = append(c.Bars, bar{Label: label, Count: n, Y: len(c.Bars) * (barH + barGap), W: w, Class: class})
		}
		add(loc.T("class-html-finished", nil), l.Finished, "done")
		for _, st := range l.Stuck {
			add(loc.T("class-html-stuck-at", i18n.Data{"Step": st.Step}), st.Count, "stuck")
		}
		c.Height = len(c.Bars)*(barH+barGap) + barGap
		out = append(out, c)
	}
	return out
}

// The page is written by hand rather than with html/template: linking
// html/template costs every netlab start its package init (issue #11),
// and only `class --html` needs a page. Every value that is not a
// constant of this file goes through esc, in text, in attributes and in
// the <title> alike (all attributes are double-quoted); numbers are
// written with strconv. Learner names, file names, reasons, step titles
// and mistake ids come from files learners hand in: they are hostile.

// esc escapes s for HTML text and double-quoted attribute values. NUL,
// which html.EscapeString leaves, becomes U+FFFD as a parser would make
// it (and as html/template did).
func esc(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\x00", "\uFFFD")
}

// escJoin escapes each name and joins them with ", ".
func escJoin(ns []string) string { return esc(strings.Join(ns, ", ")) }

const pageHead = `<!DOCTYPE html>
<html lang="`

const pageStyle = `<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
svg .done{fill:#2e8b57} svg .stuck{fill:#d2691e} svg text{font-size:13px;fill:#222}
.skipped{color:#a00}
</style></head>
<body>
`

// pageScript marks the page with the number of bars the browser really
// drew with a non-zero size, so that a test in a headless browser can
// tell a drawn chart from markup that does not render.
const pageScript = `<script>
(function(){var n=0;document.querySelectorAll('svg.chart rect').forEach(function(r){var b=r.getBBox();if(b.width>0&&b.height>0){n++;}});document.body.setAttribute('data-bars-drawn',String(n));})();
</script>
</body></html>
`

// WriteHTML writes one self-contained page (no network: inline CSS, SVG
// and script) with the same tables and a bar chart per lesson.
func (s Summary) WriteHTML(w io.Writer) error { return s.WriteHTMLIn(w, i18n.EN) }

// WriteHTMLIn is WriteHTML in lang; names, ids and titles stay as the
// reports have them.
func (s Summary) WriteHTMLIn(w io.Writer, lang i18n.Lang) error {
	if lang == "" {
		lang = i18n.EN
	}
	loc := i18n.For(lang)
	htmlLang := map[i18n.Lang]string{i18n.ZH: "zh-CN"}[lang]
	if htmlLang == "" {
		htmlLang = string(lang)
	}
	itoa := strconv.Itoa
	svgWidth := itoa(barLabelW + barMaxW + 60)
	textY := func(y int) string { return itoa(y + barH/2 + 5) }

	var b strings.Builder
	title := esc(loc.T("class-html-title", nil))
	b.WriteString(pageHead)
	b.WriteString(esc(htmlLang))
	b.WriteString(`"><head><meta charset="utf-8">` + "\n<title>")
	b.WriteString(title)
	b.WriteString("</title>\n")
	b.WriteString(pageStyle)
	b.WriteString("<h1>" + title + "</h1>\n")
	b.WriteString("<p>" + esc(loc.TN("class-heading", len(s.Learners), i18n.Data{"Names": strings.Join(s.Learners, ", ")})) + "</p>\n")
	if len(s.Skipped) > 0 {
		b.WriteString(`<ul class="skipped">`)
		for _, sk := range s.Skipped {
			b.WriteString("<li>" + esc(loc.T("class-skipped", i18n.Data{"File": sk.File, "Reason": sk.Reason})) + "</li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString("\n")
	for _, c := range charts(s, loc) {
		height := itoa(c.Height)
		b.WriteString("\n" + `<section class="lesson" id="lesson-` + itoa(c.Lesson) + `">` + "\n")
		b.WriteString("<h2>" + esc(loc.T("class-lesson", i18n.Data{"ID": c.Lesson, "Slug": c.Slug, "Title": c.Title})) + "</h2>\n")
		b.WriteString(`<svg class="chart" role="img" aria-label="` + esc(loc.T("class-html-aria", i18n.Data{"ID": c.Lesson})) +
			`" width="` + svgWidth + `" height="` + height + `" viewBox="0 0 ` + svgWidth + " " + height + `">` + "\n")
		for _, br := range c.Bars {
			b.WriteString(`<g class="bar"><text x="0" y="` + textY(br.Y) + `">` + esc(br.Label) +
				`</text><rect class="` + esc(br.Class) + `" x="` + itoa(barLabelW+10) + `" y="` + itoa(br.Y) +
				`" width="` + itoa(br.W) + `" height="` + itoa(barH) + `" data-count="` + itoa(br.Count) +
				`"></rect><text x="` + itoa(barLabelW+16+br.W) + `" y="` + textY(br.Y) + `">` + itoa(br.Count) + "</text></g>\n")
		}
		b.WriteString("</svg>\n")
		b.WriteString("<table><tr><th>" + esc(loc.T("class-html-finished", nil)) + "</th><td>" + itoa(c.Finished) + "/" + itoa(c.Learners) +
			"</td><td>" + escJoin(c.FinishedBy) + "</td></tr>\n")
		for _, st := range c.Stuck {
			b.WriteString("<tr><th>" + esc(loc.T("class-html-stuck-at", i18n.Data{"Step": st.Step})) + "</th><td>" + itoa(st.Count) +
				"</td><td>" + esc(st.Title) + ": " + escJoin(st.Learners) + "</td></tr>\n")
		}
		b.WriteString("</table>\n")
		if len(c.Mistakes) > 0 {
			b.WriteString("<table><tr><th>" + esc(loc.T("class-html-mistake", nil)) + "</th><th>" + esc(loc.T("class-html-learners", nil)) +
				"</th><th>" + esc(loc.T("class-html-who", nil)) + "</th></tr>\n")
			for _, m := range c.Mistakes {
				b.WriteString("<tr><td><code>" + esc(m.ID) + "</code></td><td>" + itoa(m.Count) + "</td><td>" + escJoin(m.Learners) + "</td></tr>\n")
			}
			b.WriteString("</table>")
		}
		b.WriteString("\n</section>\n")
	}
	b.WriteString("\n")
	b.WriteString(pageScript)
	_, err := io.WriteString(w, b.String())
	return err
}

// Bars is how many non-empty bars the HTML page draws (for tests).
func (s Summary) Bars() int {
	n := 0
	for _, c := range charts(s, i18n.For(i18n.EN)) {
		for _, b := range c.Bars {
			if b.W > 0 {
				n++
			}
		}
	}
	return n
}
