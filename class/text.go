package class

import (
	"fmt"
	"io"
	"strings"

	"github.com/netlab/netlab/i18n"
)

// WriteTextIn renders the summary for a terminal in lang (default
// English); names, ids and titles stay as the reports have them.
func (s Summary) WriteTextIn(w io.Writer, lang i18n.Lang) error {
	if lang == "" {
		lang = i18n.EN
	}
	loc := i18n.For(lang)
	var b strings.Builder
	fmt.Fprintln(&b, loc.TN("class-heading", len(s.Learners), i18n.Data{"Names": names(s.Learners)}))
	for _, sk := range s.Skipped {
		fmt.Fprintln(&b, "  "+loc.T("class-skipped", i18n.Data{"File": safe(sk.File), "Reason": safe(sk.Reason)}))
	}
	for _, l := range s.Lessons {
		fmt.Fprintln(&b, "\n"+loc.T("class-lesson", i18n.Data{"ID": l.Lesson, "Slug": l.Slug, "Title": l.Title}))
		b.WriteString("  " + loc.T("class-finished", i18n.Data{"Done": l.Finished, "N": l.Learners}))
		if l.Finished > 0 {
			b.WriteString(loc.T("class-who", i18n.Data{"Names": names(l.FinishedBy)}))
		}
		b.WriteString("\n")
		for _, st := range l.Stuck {
			fmt.Fprintln(&b, "  "+loc.T("class-stuck", i18n.Data{"Step": st.Step, "Steps": l.Steps, "Title": st.Title, "Count": st.Count, "Names": names(st.Learners)}))
		}
		if len(l.Mistakes) > 0 {
			fmt.Fprintln(&b, "  "+loc.T("class-mistakes", nil))
			for _, m := range l.Mistakes {
				fmt.Fprintf(&b, "    %-28s %d%s\n", m.ID, m.Count, loc.T("class-who", i18n.Data{"Names": names(m.Learners)}))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
