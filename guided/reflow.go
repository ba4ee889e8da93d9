package guided

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// defaultWidth is the width assumed when the terminal's is unknown.
const defaultWidth = 80

// Reflow folds text into lines of at most width columns (80 when width
// is not positive), the first starting with first and the others with
// rest, each ending in a newline. Words are kept whole unless one is
// longer than a line; CJK text, which has no spaces, may break between
// any two of its characters, each of which takes two columns.
func Reflow(first, rest, text string, width int) string {
	if width <= 0 {
		width = defaultWidth
	}
	var b strings.Builder
	line, col := first, colWidth(first)
	restW := colWidth(rest)
	// A line never gets narrower than 20 columns of text, however narrow
	// the terminal: a why cut into 3-letter pieces is unreadable.
	width = max(width, restW+20, colWidth(first)+20)
	empty := true // nothing but the prefix on this line yet
	flush := func() {
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
		line, col, empty = rest, restW, true
	}
	for _, t := range tokens(text) {
		w, ww := t.w, colWidth(t.w)
		sp := 0
		if !empty && t.space {
			sp = 1
		}
		if !empty && col+sp+ww > width {
			flush()
			sp = 0
		}
		if sp == 1 {
			line += " "
			col++
		}
		// A word longer than a whole line is cut.
		for col+ww > width && utf8.RuneCountInString(w) > 1 {
			n, c := 0, col
			for i, r := range w {
				if c+runeWidth(r) > width {
					n = i
					break
				}
				c += runeWidth(r)
			}
			if n == 0 {
				_, n = utf8.DecodeRuneInString(w)
			}
			line += w[:n]
			w = w[n:]
			ww = colWidth(w)
			flush()
		}
		line += w
		col += ww
		empty = false
	}
	if !empty {
		flush()
	}
	return b.String()
}

type token struct {
	w     string
	space bool // white space before it in the text
}

// tokens splits text into words at white space, and CJK runs into single
// characters (which may break anywhere). Punctuation stays with its word.
func tokens(text string) []token {
	var out []token
	for _, f := range strings.Fields(text) {
		start, space := 0, true
		for i, r := range f {
			if runeWidth(r) == 2 {
				if i > start {
					out = append(out, token{f[start:i], space})
					space = false
				}
				out = append(out, token{string(r), space})
				space = false
				start = i + utf8.RuneLen(r)
			}
		}
		if start < len(f) {
			out = append(out, token{f[start:], space})
		}
	}
	return out
}

// runeWidth is 2 for the East Asian wide characters netlab's Chinese
// texts use (Han, CJK punctuation, full-width forms), else 1.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r),
		r >= 0x3000 && r <= 0x303f, // CJK symbols and punctuation
		r >= 0xff00 && r <= 0xff60, // full-width forms
		r >= 0xffe0 && r <= 0xffe6:
		return 2
	}
	return 1
}

func colWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}
