package lessons

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

func loadBoth(t *testing.T) ([]*Lesson, map[string]*Translation) {
	t.Helper()
	ls, err := LoadEmbedded()
	require.NoError(t, err)
	ts, err := Translations(i18n.ZH)
	require.NoError(t, err)
	return ls, ts
}

// TestTranslations: every lesson, step, hint and solution comment exists
// in Chinese exactly where it exists in English, and nothing else does.
func TestTranslations(t *testing.T) {
	ls, _ := loadBoth(t)
	require.NoError(t, Verify(ls, i18n.ZH))
	require.NoError(t, Verify(ls, i18n.EN))
}

// TestTranslationsKeepCode: the commands, names and messages in backticks
// and command blocks are the same in both languages, text by text, so a
// translated command (or one left out) fails here.
func TestTranslationsKeepCode(t *testing.T) {
	ls, ts := loadBoth(t)
	for _, l := range ls {
		tr := ts[l.Slug]
		require.NotNil(t, tr, l.Slug)
		same := func(where, en, zh string) {
			require.Equal(t, i18n.Code(en), i18n.Code(zh), "%s: %s: the code differs between English and Chinese", tr.File, where)
		}
		same("title", l.Title, tr.Title)
		same("intro", l.Intro, tr.Intro)
		require.Len(t, tr.Steps, len(l.Steps), tr.File)
		for i, s := range l.Steps {
			st := tr.Steps[i]
			w := func(what string) string { return "step " + itoa(i+1) + " " + what }
			same(w("title"), s.Title, st.Title)
			same(w("text"), s.Text, st.Text)
			require.Len(t, st.Hints, len(s.Hints), w("hints"))
			for j, h := range s.Hints {
				same(w("hint "+itoa(j+1)), h.Text, st.Hints[j].Text)
			}
		}
	}
}

// TestTranslationsAreChinese: a text copied over untranslated is caught
// (a text that is nothing but a command may stay as it is).
func TestTranslationsAreChinese(t *testing.T) {
	ls, ts := loadBoth(t)
	for _, l := range ls {
		tr := ts[l.Slug]
		require.NotNil(t, tr, l.Slug)
		pairs := [][2]string{{l.Title, tr.Title}, {l.Intro, tr.Intro}}
		for i, s := range l.Steps {
			st := tr.Steps[i]
			pairs = append(pairs, [2]string{s.Title, st.Title}, [2]string{s.Text, st.Text})
			for j, h := range s.Hints {
				pairs = append(pairs, [2]string{h.Text, st.Hints[j].Text})
			}
		}
		for i, s := range l.Supersedes {
			pairs = append(pairs, [2]string{s.Because, tr.Supersedes[i].Because})
		}
		for _, p := range pairs {
			if hasProse(p[0]) {
				require.True(t, hasHan(p[1]), "%s: not translated: %q", tr.File, p[1])
			}
		}
	}
}

// hasProse reports whether a text has English words outside its code.
func hasProse(s string) bool {
	s = spanRE.ReplaceAllString(s, "")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "    ") {
			lines = append(lines, l)
		}
	}
	return wordRE.MatchString(strings.Join(lines, "\n"))
}

var (
	spanRE = regexp.MustCompile("`[^`\n]+`")
	wordRE = regexp.MustCompile(`[A-Za-z]{3,}`)
)

func TestHasProse(t *testing.T) {
	require.False(t, hasProse("`ip netns add ns0`."))
	require.False(t, hasProse("Run:\n\n    ip link"[5:]))
	require.True(t, hasProse("Run `ip link`"))
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestLocalize(t *testing.T) {
	ls, ts := loadBoth(t)
	en, err := Localize(ls, i18n.EN)
	require.NoError(t, err)
	require.Equal(t, ls, en, "English is the source: unchanged")

	zh, err := Localize(ls, i18n.ZH)
	require.NoError(t, err)
	require.Len(t, zh, len(ls))
	for i, l := range ls {
		z := zh[i]
		tr := ts[l.Slug]
		require.NotNil(t, tr, l.Slug)
		require.NotSame(t, l, z, "a copy, not the English lesson")
		require.Equal(t, tr.Title, z.Title)
		require.Equal(t, tr.Intro, z.Intro)
		require.Equal(t, l.ID, z.ID)
		require.Equal(t, l.Owns, z.Owns)
		for k, s := range l.Supersedes {
			require.Equal(t, tr.Supersedes[k].Because, z.Supersedes[k].Because)
			require.Equal(t, s.Checks, z.Supersedes[k].Checks)
			require.Equal(t, s.Lesson, z.Supersedes[k].Lesson)
		}
		for j, s := range l.Steps {
			zs := z.Steps[j]
			require.Equal(t, tr.Steps[j].Title, zs.Title)
			require.Equal(t, tr.Steps[j].Text, zs.Text)
			require.Equal(t, s.Commands(), zs.Commands(), "the commands never change")
			require.Equal(t, s.Checks, zs.Checks, "grading never changes")
			require.Equal(t, s.Points, zs.Points)
			for k, h := range s.Hints {
				require.Equal(t, h.When, zs.Hints[k].When)
				require.Equal(t, tr.Steps[j].Hints[k].Text, zs.Hints[k].Text)
			}
			if tr.Steps[j].Solution != "" {
				require.Equal(t, tr.Steps[j].Solution, zs.Solution)
			}
		}
	}
	// The English lessons are untouched by localizing.
	again, err := LoadEmbedded()
	require.NoError(t, err)
	for i := range ls {
		require.Equal(t, again[i].Title, ls[i].Title)
		require.Equal(t, again[i].Steps[0].Text, ls[i].Steps[0].Text)
		require.Equal(t, again[i].Steps[0].Hints, ls[i].Steps[0].Hints)
	}
}

// cloneTranslations deep-copies the embedded translations so that a test
// can break one.
func cloneTranslations(ts map[string]*Translation) map[string]*Translation {
	out := map[string]*Translation{}
	for k, t := range ts {
		c := *t
		c.Steps = make([]StepTranslation, len(t.Steps))
		for i, s := range t.Steps {
			s.Hints = append([]HintTranslation(nil), s.Hints...)
			c.Steps[i] = s
		}
		out[k] = &c
	}
	return out
}

// TestVerifyCatchesDrift: each way a translation can drift from the
// English lesson is reported, and Localize keeps English there.
func TestVerifyCatchesDrift(t *testing.T) {
	ls, ts := loadBoth(t)
	var veth *Lesson
	for _, l := range ls {
		if l.Slug == "veth" {
			veth = l
		}
	}
	require.NotNil(t, veth)
	for _, c := range []struct {
		name   string
		break_ func(map[string]*Translation)
		want   string
	}{
		{"lesson missing", func(m map[string]*Translation) { delete(m, "veth") }, "lesson 2 veth"},
		{"extra lesson", func(m map[string]*Translation) {
			m["nope"] = &Translation{Slug: "nope", File: "zh/99-nope.yaml"}
		}, "translates nope, which is no lesson"},
		{"wrong id", func(m map[string]*Translation) { m["veth"].ID = 7 }, "id 7"},
		{"step missing", func(m map[string]*Translation) {
			m["veth"].Steps = m["veth"].Steps[:len(m["veth"].Steps)-1]
		}, "5 steps, the English lesson has 6"},
		{"hint missing", func(m map[string]*Translation) {
			m["veth"].Steps[0].Hints = m["veth"].Steps[0].Hints[:1]
		}, "step 1: 1 hints, the English step has 3"},
		{"hint for another mistake", func(m map[string]*Translation) {
			m["veth"].Steps[0].Hints[1].When = "lo-down"
		}, `hint 2 is for when "lo-down"`},
		{"empty hint", func(m map[string]*Translation) {
			m["veth"].Steps[1].Hints[0].Text = ""
		}, "step 2: hint 1 has no text"},
		{"empty text", func(m map[string]*Translation) {
			m["veth"].Steps[2].Text = ""
		}, "step 3: title and text are required"},
		{"solution comment missing", func(m map[string]*Translation) {
			m["veth"].Steps[0].Solution = ""
		}, "step 1: the English solution has comments"},
		{"solution where English has no comment", func(m map[string]*Translation) {
			m["veth"].Steps[1].Solution = "# 注释\nip link add veth0 type veth peer name veth1\n"
		}, "step 2: solution given"},
		{"solution command changed", func(m map[string]*Translation) {
			m["veth"].Steps[0].Solution = strings.Replace(m["veth"].Steps[0].Solution, "ip netns add ns1", "ip netns add ns9", 1)
		}, "step 1: the solution's commands differ"},
		{"solution comment dropped", func(m map[string]*Translation) {
			s := m["veth"].Steps[0].Solution
			m["veth"].Steps[0].Solution = s[strings.Index(s, "\n")+1:] + "# a\n# b\n"
		}, "step 1: the solution has 2 comment lines"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := cloneTranslations(ts)
			require.NoError(t, verify(ls, m, i18n.ZH), "the clone itself is fine")
			c.break_(m)
			require.ErrorContains(t, verify(ls, m, i18n.ZH), c.want)
			// Localize never shows a drifted text in place of the English one.
			z := localize(veth, m["veth"])
			require.Equal(t, veth.Steps[0].Commands(), z.Steps[0].Commands())
			for i, s := range veth.Steps {
				if i < len(z.Steps) {
					require.Equal(t, len(s.Hints), len(z.Steps[i].Hints))
					for j, h := range s.Hints {
						require.Equal(t, h.When, z.Steps[i].Hints[j].When)
						require.NotEmpty(t, z.Steps[i].Hints[j].Text)
					}
				}
			}
		})
	}
}

func TestVerifySupersedes(t *testing.T) {
	ls, ts := loadBoth(t)
	m := cloneTranslations(ts)
	require.NotEmpty(t, m["iptables"].Supersedes)
	m["iptables"].Supersedes = nil
	require.ErrorContains(t, verify(ls, m, i18n.ZH), "0 supersedes entries, the English lesson has 1")
	m["iptables"].Supersedes = []SupersedesTranslation{{}}
	require.ErrorContains(t, verify(ls, m, i18n.ZH), "supersedes 1 has no because")
}

func TestLocalizeFallsBack(t *testing.T) {
	ls, ts := loadBoth(t)
	var veth *Lesson
	for _, l := range ls {
		if l.Slug == "veth" {
			veth = l
		}
	}
	m := cloneTranslations(ts)
	m["veth"].Steps[0].Hints[1].When = "lo-down" // drifted
	m["veth"].Steps[0].Solution = "ip netns add nsX\n"
	z := localize(veth, m["veth"])
	require.Equal(t, veth.Steps[0].Hints[1].Text, z.Steps[0].Hints[0+1].Text, "a drifted hint stays English")
	require.Equal(t, veth.Steps[0].Solution, z.Steps[0].Solution, "a solution with other commands stays English")
	require.Equal(t, ts["veth"].Steps[0].Hints[0].Text, z.Steps[0].Hints[0].Text)

	m["veth"].Steps = m["veth"].Steps[:2]
	z = localize(veth, m["veth"])
	require.Equal(t, *veth, *z, "a lesson whose steps do not match stays English, title too")

	z = localize(veth, nil)
	require.Equal(t, *veth, *z, "no translation: English")
}
