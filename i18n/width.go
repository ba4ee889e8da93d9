package i18n

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// The width of a rune is the number of terminal columns it takes, as
// github.com/mattn/go-runewidth measures it with East Asian "ambiguous"
// characters narrow: wide and full-width characters (汉字, full-width
// punctuation) take two columns; box drawing (─│┌), "·" and "“”" one,
// whatever the locale (runewidth widens them under a zh_* locale, which
// would break every box netlab draws for a Chinese learner); combining
// marks and control characters none. width_table.go holds runewidth's
// answer for every rune, so that netlab does not link the library: its
// init (it fills part of a 2 MB lookup table) was a twentieth of a
// millisecond of every start. TestWidthTable fails when the table is not
// runewidth's; `go generate ./i18n` rewrites it.
//
//go:generate go test -run TestWidthTable -update .

// widthRange is a run of runes, lo to hi, that take w columns.
type widthRange struct {
	lo, hi rune
	w      uint8
}

// RuneWidth is the number of terminal columns r takes.
func RuneWidth(r rune) int {
	if r >= 0x20 && r < 0x7f {
		return 1
	}
	i := sort.Search(len(widthRanges), func(i int) bool { return widthRanges[i].hi >= r })
	if i < len(widthRanges) && widthRanges[i].lo <= r {
		return int(widthRanges[i].w)
	}
	return 1
}

// Width is the number of terminal columns s takes: the sum of its runes'
// (a byte that is not UTF-8 counts as U+FFFD). That is runewidth's
// measure of every text without runes that join into one glyph, which is
// all of netlab's own. A sequence that a terminal draws as one glyph (an
// emoji joined by U+200D, a skin tone, a flag) counts here as its runes,
// where runewidth, segmenting the text, counts two columns: a learner
// name written so pads a column a few cells short.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += RuneWidth(r)
	}
	return n
}

// PadRight pads s with spaces to width columns (s is returned unchanged
// when it is already as wide), so that columns of mixed Chinese and
// English text line up.
func PadRight(s string, width int) string {
	if w := Width(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// PadLeft is PadRight with the spaces in front.
func PadLeft(s string, width int) string {
	if w := Width(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}

// Truncate cuts s to at most width columns, ending in tail ("…") when it
// cut; a wide character is never split.
func Truncate(s string, width int, tail string) string {
	if Width(s) <= width {
		return s
	}
	width -= Width(tail)
	n := 0
	for i, r := range s {
		if n += RuneWidth(r); n > width {
			return s[:i] + tail
		}
	}
	return s + tail
}

// noStart are characters a line must not start with (Chinese line-break
// rules, 避头): closing punctuation stays with the character before it.
const noStart = "，。、；：！？）》」』】〕…—,.;:!?)]}%"

// noEnd are characters a line must not end with (避尾): opening
// punctuation stays with the character after it.
const noEnd = "（《「『【〔([{"

// Wrap reflows text to lines of at most width columns and returns them
// joined by newlines (with a final newline). Paragraphs are separated by
// blank lines and kept apart. Inside a paragraph, English words are kept
// whole and separated by one space; Chinese may break between any two
// characters, but closing punctuation never starts a line and opening
// punctuation never ends one; a line break between two Chinese
// characters joins them without a space, as a Chinese reader expects.
// Lines indented by four or more spaces (Markdown code: the commands a
// learner types) are kept exactly as they are. A word wider than a line
// is cut. width below 10 counts as 10.
func Wrap(text string, width int) string {
	width = max(width, 10)
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			for _, l := range wrapPara(para, width) {
				b.WriteString(l)
				b.WriteByte('\n')
			}
			para = nil
		}
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			b.WriteByte('\n')
		case strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t"):
			flush()
			b.WriteString(strings.TrimRight(line, " \t"))
			b.WriteByte('\n')
		default:
			para = append(para, line)
		}
	}
	flush()
	return b.String()
}

// unit is a piece a line may not break inside: a word, or one Chinese
// character with the punctuation glued to it.
type unit struct {
	s     string
	space bool // a space separates it from the unit before
}

func wrapPara(lines []string, width int) []string {
	us := units(lines)
	var out []string
	var cur strings.Builder
	col := 0
	for _, u := range us {
		w := Width(u.s)
		sep := 0
		if col > 0 && u.space {
			sep = 1
		}
		if col > 0 && col+sep+w > width {
			out = append(out, cur.String())
			cur.Reset()
			col, sep = 0, 0
		}
		if sep == 1 {
			cur.WriteByte(' ')
			col++
		}
		s := u.s
		for col+w > width && utf8.RuneCountInString(s) > 1 {
			cut := Truncate(s, width-col, "")
			if cut == "" {
				_, n := utf8.DecodeRuneInString(s)
				cut = s[:n]
			}
			cur.WriteString(cut)
			out = append(out, cur.String())
			cur.Reset()
			s = s[len(cut):]
			col, w = 0, Width(s)
		}
		cur.WriteString(s)
		col += w
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// units splits a paragraph's lines into units. A space in the text, or a
// line break between two pieces of which one is not Chinese, becomes one
// space; a line break between two Chinese characters becomes nothing.
func units(lines []string) []unit {
	var us []unit
	glue := false // the next piece joins the last unit (opening punctuation)
	add := func(s string, space bool) {
		r, _ := utf8.DecodeRuneInString(s)
		switch {
		case len(us) > 0 && (glue || strings.ContainsRune(noStart, r)):
			us[len(us)-1].s += s
		default:
			us = append(us, unit{s, space})
		}
		last, _ := utf8.DecodeLastRuneInString(s)
		glue = strings.ContainsRune(noEnd, last)
	}
	prevWide := false
	for li, line := range lines {
		for fi, f := range strings.Fields(line) {
			space := fi > 0 || li > 0
			if fi == 0 && li > 0 {
				first, _ := utf8.DecodeRuneInString(f)
				// A break inside Chinese text is no space.
				space = !(prevWide && RuneWidth(first) == 2)
			}
			start := 0
			for i, r := range f {
				if RuneWidth(r) != 2 || strings.ContainsRune(noStart, r) || strings.ContainsRune(noEnd, r) {
					continue
				}
				if i > start {
					add(f[start:i], space)
					space = false
				}
				add(string(r), space)
				space = false
				start = i + utf8.RuneLen(r)
			}
			if start < len(f) {
				add(f[start:], space)
			}
			last, _ := utf8.DecodeLastRuneInString(f)
			prevWide = RuneWidth(last) == 2
		}
	}
	return us
}
