// Package style colours netlab's marks and headings on a terminal, and
// nowhere else: NO_COLOR (any value), TERM=dumb, --no-color and output that
// is not a terminal (a pipe, a file, a test's buffer) all turn it off.
//
// It works as a writer around the text netlab prints, so the code that
// renders reports, lists and guided-mode lines stays free of escape codes
// and prints the same bytes whenever colour is off. The colours are four
// fixed ANSI SGR sequences, written here: a colour library (fatih/color,
// used before) cost every netlab start its init, a terminal check of its
// own and a map, about 1% of a `netlab check`.
package style

import (
	"bytes"
	"io"
	"os"
	"regexp"

	"github.com/mattn/go-isatty"

	"github.com/netlab/netlab/internal/lazy"
)

// Enabled reports whether text written to w should be coloured. getenv
// nil means the process's environment.
func Enabled(w io.Writer, noColor bool, getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	// no-color.org: NO_COLOR present and not empty turns colour off.
	if noColor || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Writer returns w itself when colour is off, else a writer that colours
// marks (✓ green, ✗ red, ! on a mark's place yellow, ★ and → bold) and
// headings (lines that begin with "Lesson N", "Step N" or "Class of").
func Writer(w io.Writer, noColor bool) io.Writer {
	if !Enabled(w, noColor, nil) {
		return w
	}
	return &writer{w: w}
}

type writer struct {
	w   io.Writer
	buf []byte // an unfinished line
}

// sgr is a colour: the SGR parameters that turn it on, and those that
// turn exactly those off again (not a full reset, which would also end a
// colour the text around it has).
type sgr struct{ on, off string }

// Sprint is s in the colour.
func (c sgr) Sprint(s string) string { return "\x1b[" + c.on + "m" + s + "\x1b[" + c.off + "m" }

var (
	green  = sgr{"32;1", "39;22"}
	red    = sgr{"31;1", "39;22"}
	yellow = sgr{"33;1", "39;22"}
	bold   = sgr{"1", "22"}

	// Compiled on first use, not at start-up: most runs colour nothing
	// (every regexp compiled in an init is paid by `netlab --help`), and a
	// lazy.Value, unlike a package-level sync.OnceValue, costs no init.
	headingRE lazy.Value[*regexp.Regexp]
	errMarkRE lazy.Value[*regexp.Regexp]
)

func heading() *regexp.Regexp { return headingRE.Get(newHeadingRE) }

func newHeadingRE() *regexp.Regexp {
	return regexp.MustCompile(`^(Lesson \d+|Step \d+|Class of |netlab class summary)`)
}

// errMark is an error mark: "!" standing where a mark stands (after
// indentation, before a space), not an exclamation inside a sentence.
func errMark() *regexp.Regexp { return errMarkRE.Get(newErrMarkRE) }

func newErrMarkRE() *regexp.Regexp { return regexp.MustCompile(`^(\s*)! `) }

// Write colours whole lines; a partial line waits for its end (or Flush).
func (s *writer) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		line := s.buf[:i+1]
		if _, err := io.WriteString(s.w, paint(string(line))); err != nil {
			return 0, err
		}
		s.buf = s.buf[i+1:]
	}
	// A prompt-like partial line ("[Y/n] ") must not wait: pass it on.
	if len(s.buf) > 0 {
		if _, err := io.WriteString(s.w, paint(string(s.buf))); err != nil {
			return 0, err
		}
		s.buf = s.buf[:0]
	}
	return len(p), nil
}

func paint(line string) string {
	if heading().MatchString(line) {
		end := len(line)
		for end > 0 && (line[end-1] == '\n' || line[end-1] == '\r') {
			end--
		}
		return bold.Sprint(line[:end]) + line[end:]
	}
	if m := errMark().FindStringSubmatchIndex(line); m != nil {
		line = line[:m[3]] + yellow.Sprint("!") + line[m[3]+1:]
	}
	out := make([]byte, 0, len(line)+16)
	for _, r := range line {
		switch r {
		case '✓':
			out = append(out, green.Sprint("✓")...)
		case '✗':
			out = append(out, red.Sprint("✗")...)
		case '★', '→':
			out = append(out, bold.Sprint(string(r))...)
		default:
			out = append(out, string(r)...)
		}
	}
	return string(out)
}
