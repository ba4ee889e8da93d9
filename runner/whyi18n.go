package runner

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/lessons"
)

// Localized is a copy of the report in lang: each why that the check
// gave as catalogue messages (CheckReport.WhyMsg) is said in lang, and so
// is its message when it was the why too; so is each check's name
// (CheckReport.NameMsg, its title), and its message when that was the
// name (a passing check often says just what it asked). A why without messages, with a
// message lang lacks, or whose messages no longer say the English why
// exactly (a check that changed its Why and not its WhyMsg), stays
// English. English returns the report as it is, with Lang set.
func (r Report) Localized(lang i18n.Lang) Report {
	r.Lang = lang
	if lang == i18n.EN {
		return r
	}
	steps := make([]StepReport, len(r.Steps))
	for i, s := range r.Steps {
		cs := make([]CheckReport, len(s.Checks))
		for j, c := range s.Checks {
			en := c
			if why, ok := SayWhy(lang, en.Why, en.WhyMsg); ok {
				if en.Message == en.Why {
					c.Message = why
				}
				c.Why = why
			}
			if name, ok := SayWhy(lang, en.Name, en.NameMsg); ok {
				if en.Message == en.Name {
					c.Message = name
				}
				c.Name = name
			}
			cs[j] = c
		}
		s.Checks = cs
		steps[i] = s
	}
	r.Steps = steps
	return r
}

// titleMsgs is a check's title (lessons.CheckSpec.Title) as catalogue
// messages: its kind's description, unless the lesson names the check
// (SayWhy then keeps the lesson's name, which they do not say).
func titleMsgs(c lessons.CheckSpec) []checks.Msg {
	if c.Name != "" || c.Check == nil {
		return nil
	}
	return checks.DescribeMsgs(c.Check)
}

// CheckTitle is a check's title (lessons.CheckSpec.Title) in lang: its
// description said in lang when every message of it can be, else the
// English title.
func CheckTitle(lang i18n.Lang, c lessons.CheckSpec) string {
	en := c.Title()
	if s, ok := SayWhy(lang, en, titleMsgs(c)); ok {
		return s
	}
	return en
}

// SayWhy says a why given as catalogue messages in lang, and whether it
// could: every message exists in lang, and in English the messages say
// exactly en (the source).
func SayWhy(lang i18n.Lang, en string, msgs []checks.Msg) (string, bool) {
	if len(msgs) == 0 {
		return "", false
	}
	src, ok := sayAll(i18n.EN, msgs)
	if !ok || src != en {
		return "", false
	}
	s, ok := sayAll(lang, msgs)
	if ok && lang != i18n.EN {
		// A Chinese template spaces a name off its words ("在 ns0 中");
		// when the name is itself words (根命名空间), no space belongs
		// between two Chinese characters.
		s = hanSpaceRE().ReplaceAllString(s, "$1$2")
	}
	return s, ok
}

// compiled on first use, not at every start-up
func hanSpaceRE() *regexp.Regexp { return hanSpaceREValue.Get(newHanSpaceRE) }

var hanSpaceREValue lazy.Value[*regexp.Regexp]

func newHanSpaceRE() *regexp.Regexp { return regexp.MustCompile(`(\p{Han}) +(\p{Han})`) }

func sayAll(lang i18n.Lang, msgs []checks.Msg) (string, bool) {
	loc := i18n.For(lang)
	var b strings.Builder
	for _, m := range msgs {
		s, ok := say(loc, m)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// say says one message, its Msg and List values said first.
func say(loc *i18n.Localizer, m checks.Msg) (string, bool) {
	data := make(i18n.Data, len(m.Data))
	for k, v := range m.Data {
		switch v := v.(type) {
		case checks.Msg:
			s, ok := say(loc, v)
			if !ok {
				return "", false
			}
			data[k] = s
		case checks.List:
			parts := make([]string, len(v))
			for i, item := range v {
				if im, isMsg := item.(checks.Msg); isMsg {
					s, ok := say(loc, im)
					if !ok {
						return "", false
					}
					parts[i] = s
				} else {
					parts[i] = fmt.Sprint(item)
				}
			}
			sep, ok := loc.Lookup("why-list-sep", nil)
			if !ok {
				return "", false
			}
			data[k] = strings.Join(parts, sep)
		default:
			data[k] = v
		}
	}
	return loc.Lookup(m.ID, data)
}
