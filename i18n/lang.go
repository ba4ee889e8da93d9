// Package i18n is netlab's language layer: which language to speak
// (Choose), netlab's own messages in it (T, TN, Localizer: go-i18n
// message files with English as the source language, compiled into Go,
// see catalog.go),
// and terminal widths where Chinese characters take two columns (Width,
// PadRight, Wrap: github.com/mattn/go-runewidth's measure, compiled into
// a table, see width.go).
//
// Lesson texts and the mistake catalogue are translated as data next to
// their English files (lessons/zh, mistakes/zh.yaml); this package only
// decides the language and carries netlab's own words.
package i18n

import (
	"errors"
	"fmt"
	"strings"
)

// Lang is a language netlab speaks.
type Lang string

const (
	// EN is English, the source language: every message exists in it.
	EN Lang = "en"
	// ZH is Simplified Chinese.
	ZH Lang = "zh"
)

// Langs are the languages netlab speaks, English first.
var Langs = []Lang{EN, ZH}

// String is the language's code as --lang takes it.
func (l Lang) String() string { return string(l) }

// Parse reads a --lang value: "en" or "zh" (case-insensitive; a region
// such as zh-CN or en_US is accepted and ignored).
func Parse(s string) (Lang, error) {
	base := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(base, "-_.@"); i >= 0 {
		base = base[:i]
	}
	for _, l := range Langs {
		if base == string(l) {
			return l, nil
		}
	}
	return "", errors.New(T(EN, "lang-unknown", Data{"Value": fmt.Sprintf("%q", s)}))
}

// FromEnv chooses the language from the locale variables, with POSIX
// precedence: the first of LC_ALL, LC_MESSAGES and LANG that is set and
// non-empty decides, and it means Chinese when it starts with "zh"
// (zh_CN.UTF-8, zh_TW, zh). Anything else, or nothing, is English.
// getenv is os.Getenv outside tests.
func FromEnv(getenv func(string) string) Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if val := getenv(v); val != "" {
			if strings.HasPrefix(strings.ToLower(val), "zh") {
				return ZH
			}
			return EN
		}
	}
	return EN
}

// EnvLang carries a netlab's --lang to the netlab processes a guided
// lesson shell starts (its prompt hook, and the learner's `netlab hint`):
// the shell stays in the language the lesson was started in, whatever
// the locale. netlab sets it in the shells it starts; Choose reads it
// as the --lang of a run that has none.
const EnvLang = "NETLAB_LANG"

// Choose is SPEC §5: a non-empty --lang value wins (and a bad one is an
// error), then NETLAB_LANG (EnvLang: the --lang of the netlab whose
// lesson shell this is), else the locale variables decide (FromEnv).
func Choose(flag string, getenv func(string) string) (Lang, error) {
	if flag == "" {
		flag = getenv(EnvLang)
	}
	if flag != "" {
		l, err := Parse(flag)
		if err != nil {
			// Said in the language the locale asks for.
			return "", errors.New(T(FromEnv(getenv), "lang-unknown", Data{"Value": fmt.Sprintf("%q", flag)}))
		}
		return l, nil
	}
	return FromEnv(getenv), nil
}
