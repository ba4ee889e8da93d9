package lessons

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/lazy"
)

// Translations of the lessons live apart from the English files, one
// directory per language (zh/01-netns.yaml ...), so that a change to a
// lesson and a change to its translation merge independently; Verify
// (and TestTranslations) say where they drifted apart.
//
//go:embed zh/*.yaml
var translationsFS embed.FS

// TranslationFiles is the file system holding the translations' YAML
// files (zh/*.yaml): what lessons/lessonyaml decodes (netlab itself
// serves them compiled, see Translations).
func TranslationFiles() fs.FS { return translationsFS }

// Translation is one lesson in another language: the texts only. Steps
// and hints correspond to the English ones by position; a hint's When is
// repeated so that a drifted order shows. Solution, when given, is the
// English solution with its comments translated: its commands must be
// the English ones.
type Translation struct {
	ID    int               `yaml:"id"`
	Slug  string            `yaml:"slug"`
	Title string            `yaml:"title"`
	Intro string            `yaml:"intro"`
	Steps []StepTranslation `yaml:"steps"`
	// Supersedes gives, by position, the because of each of the
	// lesson's supersedes entries (shown by check --all).
	Supersedes []SupersedesTranslation `yaml:"supersedes"`

	// File is the embedded file the translation came from.
	File string `yaml:"-"`
}

// SupersedesTranslation is a supersedes entry's text.
type SupersedesTranslation struct {
	Because string `yaml:"because"`
}

// StepTranslation is one step's texts.
type StepTranslation struct {
	Title    string            `yaml:"title"`
	Text     string            `yaml:"text"`
	Hints    []HintTranslation `yaml:"hints"`
	Solution string            `yaml:"solution"`
	// Checks gives, by position, the name of each of the step's checks
	// that the lesson names (name:); "" for the others, which are titled
	// from netlab's catalogue (checks.Titled). Left out when the lesson
	// names none of the step's checks.
	Checks []CheckTranslation `yaml:"checks"`
}

// CheckTranslation is a named check's name.
type CheckTranslation struct {
	Name string `yaml:"name"`
}

// HintTranslation is a hint: written as a plain string, or {text, when}.
type HintTranslation struct {
	Text string `yaml:"text"`
	When string `yaml:"when"`
}

// zhTranslations are made on first use; a lazy.Values, unlike a
// package-level sync.OnceValues, costs no init.
func zhTranslations() (map[string]*Translation, error) {
	return zhTranslationsValue.Get(newZHTranslations)
}

var zhTranslationsValue lazy.Values[map[string]*Translation]

func newZHTranslations() (map[string]*Translation, error) {
	return compiledTranslationsZH(), nil
}

// Translations returns the embedded translations of lang by slug (none
// for English, the source).
func Translations(lang i18n.Lang) (map[string]*Translation, error) {
	switch lang {
	case i18n.ZH:
		return zhTranslations()
	}
	return map[string]*Translation{}, nil
}

// Localize returns the lessons in lang: copies whose titles, intros, step
// texts, hints and solution comments are translated; what drives grading
// (checks, commands, owned objects) is shared with ls unchanged. English
// returns ls itself. A lesson without a translation, or whose translation
// has another number of steps, stays English; so does a hint whose
// translation is for another when, and a solution whose translated
// commands differ (Verify reports all of these; the tests keep them from
// shipping).
func Localize(ls []*Lesson, lang i18n.Lang) ([]*Lesson, error) {
	if lang == i18n.EN {
		return ls, nil
	}
	ts, err := Translations(lang)
	if err != nil {
		return nil, err
	}
	out := make([]*Lesson, len(ls))
	for i, l := range ls {
		out[i] = localize(l, ts[l.Slug])
	}
	return out, nil
}

func localize(l *Lesson, t *Translation) *Lesson {
	c := *l
	// A translation made for another shape of the lesson (an instructor's
	// own lesson under a built-in slug, or a merge that left the English
	// ahead) would put the wrong words on the right steps: all English.
	if t == nil || t.ID != l.ID || len(t.Steps) != len(l.Steps) {
		return &c
	}
	c.Title = or(t.Title, l.Title)
	c.Intro = or(t.Intro, l.Intro)
	if len(t.Supersedes) == len(l.Supersedes) && len(l.Supersedes) > 0 {
		c.Supersedes = make([]Supersedes, len(l.Supersedes))
		for i, s := range l.Supersedes {
			s.Because = or(t.Supersedes[i].Because, s.Because)
			c.Supersedes[i] = s
		}
	}
	c.Steps = make([]Step, len(l.Steps))
	for i, s := range l.Steps {
		ts := t.Steps[i]
		s.Title = or(ts.Title, s.Title)
		s.Text = or(ts.Text, s.Text)
		if ts.Solution != "" && slices.Equal(splitCommands(ts.Solution), splitCommands(s.Solution)) {
			s.Solution = ts.Solution
		}
		hints := make([]Hint, len(s.Hints))
		for j, h := range s.Hints {
			if j < len(ts.Hints) && len(ts.Hints) == len(s.Hints) && ts.Hints[j].When == h.When && ts.Hints[j].Text != "" {
				h.Text = ts.Hints[j].Text
			}
			hints[j] = h
		}
		s.Hints = hints
		if len(ts.Checks) == len(s.Checks) {
			s.Checks = namedChecks(s.Checks, ts.Checks)
		}
		c.Steps[i] = s
	}
	return &c
}

// namedChecks are cs with the names the lesson gives translated by ts (of
// the same length); cs itself when there is nothing to translate, so that
// the checks stay shared with the English lesson.
func namedChecks(cs []CheckSpec, ts []CheckTranslation) []CheckSpec {
	var out []CheckSpec
	for j, c := range cs {
		if c.Name == "" || ts[j].Name == "" {
			continue
		}
		if out == nil {
			out = slices.Clone(cs)
		}
		out[j].Name = ts[j].Name
	}
	if out == nil {
		return cs
	}
	return out
}

// Verify lists every difference in structure between the lessons and
// their translations in lang: a lesson, step, hint or solution comment
// that exists in one language and not the other, a hint whose when
// differs, a translated solution whose commands are not the English
// ones, a check named (name:) in one language only, and a translation of
// no lesson.
func Verify(ls []*Lesson, lang i18n.Lang) error {
	if lang == i18n.EN {
		return nil
	}
	ts, err := Translations(lang)
	if err != nil {
		return err
	}
	return verify(ls, ts, lang)
}

func verify(ls []*Lesson, ts map[string]*Translation, lang i18n.Lang) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	seen := map[string]bool{}
	for _, l := range ls {
		seen[l.Slug] = true
		t, ok := ts[l.Slug]
		if !ok {
			bad("lesson %d %s (%s) has no %s translation (lessons/%s/)", l.ID, l.Slug, l.File, lang, lang)
			continue
		}
		where := "lessons/" + t.File
		if t.ID != l.ID {
			bad("%s: id %d, but lesson %s is %d", where, t.ID, l.Slug, l.ID)
		}
		if t.Title == "" {
			bad("%s: no title", where)
		}
		if (t.Intro == "") != (l.Intro == "") {
			bad("%s: intro exists in one language only", where)
		}
		if len(t.Supersedes) != len(l.Supersedes) {
			bad("%s: %d supersedes entries, the English lesson has %d", where, len(t.Supersedes), len(l.Supersedes))
		}
		for i, s := range t.Supersedes {
			if s.Because == "" && i < len(l.Supersedes) && l.Supersedes[i].Because != "" {
				bad("%s: supersedes %d has no because", where, i+1)
			}
		}
		if len(t.Steps) != len(l.Steps) {
			bad("%s: %d steps, the English lesson has %d", where, len(t.Steps), len(l.Steps))
			continue
		}
		for i, s := range l.Steps {
			st := t.Steps[i]
			sw := fmt.Sprintf("%s: step %d", where, i+1)
			if st.Title == "" || st.Text == "" {
				bad("%s: title and text are required", sw)
			}
			if len(st.Hints) != len(s.Hints) {
				bad("%s: %d hints, the English step has %d", sw, len(st.Hints), len(s.Hints))
			} else {
				for j, h := range s.Hints {
					if st.Hints[j].When != h.When {
						bad("%s: hint %d is for when %q, the English one for %q", sw, j+1, st.Hints[j].When, h.When)
					}
					if st.Hints[j].Text == "" {
						bad("%s: hint %d has no text", sw, j+1)
					}
				}
			}
			named := slices.ContainsFunc(s.Checks, func(c CheckSpec) bool { return c.Name != "" })
			switch {
			case named && len(st.Checks) != len(s.Checks):
				bad("%s: the English step names its checks (name:); give checks: with %d entries, a name for each named one", sw, len(s.Checks))
			case !named && len(st.Checks) > 0:
				bad("%s: checks: given, but the English step names none of its checks", sw)
			default:
				for j, c := range st.Checks {
					if (c.Name == "") != (s.Checks[j].Name == "") {
						bad("%s: check %d is named in one language only", sw, j+1)
					}
				}
			}
			hasComment := len(comments(s.Solution)) > 0
			switch {
			case hasComment && st.Solution == "":
				bad("%s: the English solution has comments; translate them in solution", sw)
			case !hasComment && st.Solution != "":
				bad("%s: solution given, but the English solution has no comment to translate", sw)
			case st.Solution != "" && !slices.Equal(splitCommands(st.Solution), splitCommands(s.Solution)):
				bad("%s: the solution's commands differ from the English ones (translate only the # comments)", sw)
			case st.Solution != "" && len(comments(st.Solution)) != len(comments(s.Solution)):
				bad("%s: the solution has %d comment lines, the English one %d", sw, len(comments(st.Solution)), len(comments(s.Solution)))
			}
		}
	}
	for slug, t := range ts {
		if !seen[slug] {
			bad("lessons/%s translates %s, which is no lesson", t.File, slug)
		}
	}
	return errors.Join(errs...)
}

// comments are a solution's comment lines.
func comments(solution string) []string {
	var out []string
	for _, l := range splitLines(solution) {
		if len(l) > 0 && l[0] == '#' {
			out = append(out, l)
		}
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for _, l := range bytes.Split([]byte(s), []byte("\n")) {
		out = append(out, string(bytes.TrimSpace(l)))
	}
	return out
}

func or(s, dflt string) string {
	if s != "" {
		return s
	}
	return dflt
}
