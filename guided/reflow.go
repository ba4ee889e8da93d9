package guided

import (
	"strings"

	"github.com/netlab/netlab/i18n"
)

// defaultWidth is the width assumed when the terminal's is unknown.
const defaultWidth = 80

// Reflow folds text into lines of at most width columns (80 when width
// is not positive), the first starting with first and the others with
// rest, each ending in a newline. It is i18n.Wrap under a prefix: words
// are kept whole unless one is longer than a line; Chinese, which has no
// spaces, may break between any two characters, each two columns wide,
// but closing punctuation never starts a line and opening punctuation
// never ends one.
func Reflow(first, rest, text string, width int) string {
	if width <= 0 {
		width = defaultWidth
	}
	pad := max(i18n.Width(first), i18n.Width(rest))
	// A line never gets narrower than 20 columns of text, however narrow
	// the terminal: a why cut into 3-letter pieces is unreadable.
	width = max(width, pad+20)
	// A why is one paragraph: its own line breaks and indentation are
	// not a command block to keep.
	body := i18n.Wrap(strings.Join(strings.Fields(text), " "), width-pad)
	var b strings.Builder
	for i, ln := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if ln == "" {
			continue
		}
		p := rest
		if i == 0 {
			p = first
		}
		b.WriteString(p + ln + "\n")
	}
	return b.String()
}
