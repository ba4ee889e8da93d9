package class

import (
	"fmt"
	"github.com/netlab/netlab/i18n"
	"html/template"
	"io"
	"strings"
	"sync"

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

// page is parsed on first use: html/template parsing at start-up cost
// every netlab command, and only `class --html` needs it.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("class").Funcs(template.FuncMap{
		"join":     func(ns []string) string { return strings.Join(ns, ", ") },
		"labelW":   func() int { return barLabelW },
		"barX":     func() int { return barLabelW + 10 },
		"barH":     func() int { return barH },
		"textY":    func(y int) int { return y + barH/2 + 5 },
		"countX":   func(w int) int { return barLabelW + 16 + w },
		"svgWidth": func() int { return barLabelW + barMaxW + 60 },
		// t and tn say a message in the page's language: bound per page
		// (see WriteHTMLIn).
		"t":  func(id string, kv ...any) string { return id },
		"tn": func(id string, n int, kv ...any) string { return id },
	}).Parse(`<!DOCTYPE html>
<html lang="{{.HTMLLang}}"><head><meta charset="utf-8">
<title>{{t "class-html-title"}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
svg .done{fill:#2e8b57} svg .stuck{fill:#d2691e} svg text{font-size:13px;fill:#222}
.skipped{color:#a00}
</style></head>
<body>
<h1>{{t "class-html-title"}}</h1>
<p>{{tn "class-heading" (len .Learners) "Names" (join .Learners)}}</p>
{{if .Skipped}}<ul class="skipped">{{range .Skipped}}<li>{{t "class-skipped" "File" .File "Reason" .Reason}}</li>{{end}}</ul>{{end}}
{{range .Charts}}
<section class="lesson" id="lesson-{{.Lesson}}">
<h2>{{t "class-lesson" "ID" .Lesson "Slug" .Slug "Title" .Title}}</h2>
<svg class="chart" role="img" aria-label="{{t "class-html-aria" "ID" .Lesson}}" width="{{svgWidth}}" height="{{.Height}}" viewBox="0 0 {{svgWidth}} {{.Height}}">
{{range .Bars}}<g class="bar"><text x="0" y="{{textY .Y}}">{{.Label}}</text><rect class="{{.Class}}" x="{{barX}}" y="{{.Y}}" width="{{.W}}" height="{{barH}}" data-count="{{.Count}}"></rect><text x="{{countX .W}}" y="{{textY .Y}}">{{.Count}}</text></g>
{{end}}</svg>
<table><tr><th>{{t "class-html-finished"}}</th><td>{{.Finished}}/{{.Learners}}</td><td>{{join .FinishedBy}}</td></tr>
{{range .Stuck}}<tr><th>{{t "class-html-stuck-at" "Step" .Step}}</th><td>{{.Count}}</td><td>{{.Title}}: {{join .Learners}}</td></tr>
{{end}}</table>
{{if .Mistakes}}<table><tr><th>{{t "class-html-mistake"}}</th><th>{{t "class-html-learners"}}</th><th>{{t "class-html-who"}}</th></tr>
{{range .Mistakes}}<tr><td><code>{{.ID}}</code></td><td>{{.Count}}</td><td>{{join .Learners}}</td></tr>
{{end}}</table>{{end}}
</section>
{{end}}
<script>
// Marks the page with the number of bars the browser really drew with a
// non-zero size, so that a test in a headless browser can tell a drawn
// chart from markup that does not render.
(function(){var n=0;document.querySelectorAll('svg.chart rect').forEach(function(r){var b=r.getBBox();if(b.width>0&&b.height>0){n++;}});document.body.setAttribute('data-bars-drawn',String(n));})();
</script>
</body></html>
`))
})

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
	data := func(kv []any) i18n.Data {
		d := i18n.Data{}
		for i := 0; i+1 < len(kv); i += 2 {
			d[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return d
	}
	p, err := page().Clone()
	if err != nil {
		return err
	}
	p.Funcs(template.FuncMap{
		"t":  func(id string, kv ...any) string { return loc.T(id, data(kv)) },
		"tn": func(id string, n int, kv ...any) string { return loc.TN(id, n, data(kv)) },
	})
	htmlLang := map[i18n.Lang]string{i18n.ZH: "zh-CN"}[lang]
	if htmlLang == "" {
		htmlLang = string(lang)
	}
	return p.Execute(w, struct {
		Summary
		Charts   []chart
		HTMLLang string
	}{s, charts(s, loc), htmlLang})
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
