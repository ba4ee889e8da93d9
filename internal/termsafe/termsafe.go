// Package termsafe makes text from the kernel safe to print on a
// terminal. Names under /run/netns, link names and rule texts are chosen
// by whoever created them; printed raw, an escape sequence in one can set
// the terminal's title, clear the screen or hide the text around it, and
// a newline can cut it in two. Escape shows such a name whole, on one line.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character written as a Go-style
// escape (`\n`, `\t`, `\x1b`, `\u009b`), and so are invalid UTF-8 bytes
// and the Unicode controls that reorder or hide text (bidi overrides,
// line and paragraph separators). Printable text, including non-ASCII
// letters, is unchanged; text that needs no escaping is returned as is.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafe(r):
			b.WriteString(escapeRune(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return cleanUTF8(s[i:])
			}
			return false
		}
	}
	return true
}

func cleanUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafe reports whether r must not reach a terminal raw: C0 and C1
// controls, DEL, and the format characters that change how the text
// around them is shown.
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x200e, r == 0x200f, // LRM, RLM
		r >= 0x202a && r <= 0x202e, // bidi embeddings and overrides
		r >= 0x2066 && r <= 0x2069, // bidi isolates
		r == 0x2028, r == 0x2029,   // line and paragraph separators
		r == 0x061c, r == 0xfeff:
		return true
	}
	return false
}

func escapeRune(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// Writer passes text to W with control characters escaped as Escape
// does, except newlines and tabs, which keep shaping the text. It is for
// output that mixes netlab's own lines with what the kernel or a command
// printed (reset's list of what it removed, a solution's command output),
// where the names cannot be escaped one by one. A UTF-8 sequence split
// between two writes is held back until it is whole.
type Writer struct {
	W       io.Writer
	pending []byte
}

// Write escapes p and writes it; it reports len(p) when all of it went.
func (w *Writer) Write(p []byte) (int, error) {
	buf := append(w.pending, p...)
	w.pending = nil
	// Hold back an incomplete rune at the end.
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	w.pending = append([]byte(nil), buf[cut:]...)
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(buf[:cut]), "\n") {
		body := strings.TrimSuffix(line, "\n")
		parts := strings.Split(body, "\t")
		for i, part := range parts {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(Escape(part))
		}
		if len(body) < len(line) {
			b.WriteByte('\n')
		}
	}
	if _, err := io.WriteString(w.W, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what an incomplete rune at the end held back (escaped).
func (w *Writer) Flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	p := w.pending
	w.pending = nil
	_, err := io.WriteString(w.W, Escape(string(p)))
	return err
}
