package i18n

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"text/template"
)

// The message catalogues: locales/en.yaml is the source, every other file
// translates the same ids. A message is a string (a text/template:
// {{.Name}}) or, where it counts something, a map of plural forms
// (one/other for English; Chinese has only other). The files are
// go-i18n message files: go-i18n parses them (compile_test.go) into
// catalog_gen.go, which is what netlab carries, as netlab's own message
// type: netlab does not link go-i18n (nor golang.org/x/text, which it
// pulls in and whose package init every start would pay).
//
// netlab says them through Localizer, which does at run time what
// go-i18n's Localizer does for the two languages netlab speaks (look the
// id up, fall back to English, choose the plural form, execute the
// template), without building go-i18n's Bundle: that builds the CLDR
// plural rules of every language there is, and with the YAML decoding
// it took half of the start-up of `netlab --help`. TestCompiledCatalogue
// checks, message by message, that both say the same.

// Data is the template data of a message.
type Data = map[string]any

// message is what netlab says of a go-i18n message: its plural forms
// "one" and "other" (the only ones of English and Chinese: the generator
// refuses the others) and the template delimiters.
type message struct {
	ID                    string
	LeftDelim, RightDelim string
	One, Other            string
}

// catalogue is every language's messages, sorted by id (as
// catalog_gen.go lists them): a message is found by binary search, so
// that nothing is indexed at start-up.
type catalogue map[Lang][]message

// compiledCatalogue is catalog_gen.go's.
var compiledCatalogue = catalogue(compiled)

// find is the message id in lang, or nil.
func (c catalogue) find(lang Lang, id string) *message {
	msgs := c[lang]
	i, ok := slices.BinarySearchFunc(msgs, id, func(m message, id string) int { return strings.Compare(m.ID, id) })
	if !ok {
		return nil
	}
	return &msgs[i]
}

// Localizer says netlab's messages in one language.
type Localizer struct {
	lang Lang
	cat  catalogue
}

var localizers sync.Map // Lang -> *Localizer

// For returns the Localizer of lang.
func For(lang Lang) *Localizer {
	if l, ok := localizers.Load(lang); ok {
		return l.(*Localizer)
	}
	l, _ := localizers.LoadOrStore(lang, &Localizer{lang: lang, cat: compiledCatalogue})
	return l.(*Localizer)
}

// Lang is the Localizer's language.
func (l *Localizer) Lang() Lang { return l.lang }

// T is the message id in the Localizer's language, filled from data. A
// message missing in that language falls back to English; an id missing
// everywhere comes back as itself, so that a slip shows instead of
// vanishing (TestCatalogues keeps both from happening).
func (l *Localizer) T(id string, data Data) string {
	return l.localize(id, data, -1)
}

// TN is T for a message with plural forms, chosen by count; data may
// omit "Count", which is set to count.
func (l *Localizer) TN(id string, count int, data Data) string {
	d := Data{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return l.localize(id, d, count)
}

func (l *Localizer) localize(id string, data Data, count int) string {
	if s, _ := l.say(id, data, count, true); s != "" {
		return s
	}
	return id
}

// say is the message in l's language (else, when fallback, in English)
// in the plural form of count (none when count < 0), as go-i18n says it:
// a form the message lacks falls back to "other", and a template that
// fails says nothing.
func (l *Localizer) say(id string, data Data, count int, fallback bool) (string, error) {
	lang := l.lang
	m := l.cat.find(lang, id)
	if m == nil && fallback && lang != EN {
		lang, m = EN, l.cat.find(EN, id)
	}
	if m == nil {
		return "", fmt.Errorf("i18n: no message %q in %s", id, l.lang)
	}
	src := m.Other
	if count >= 0 && pluralOne(lang, count) && m.One != "" {
		src = m.One
	}
	return execute(src, m.LeftDelim, m.RightDelim, data)
}

// pluralOne is CLDR's plural category "one" for an integer count: English
// has one and other, Chinese only other.
func pluralOne(lang Lang, count int) bool { return lang == EN && count == 1 }

// templates caches parsed message templates by delimiters and source.
var templates sync.Map // templateKey -> *template.Template

type templateKey struct{ left, right, src string }

func execute(src, left, right string, data Data) (string, error) {
	if left == "" {
		left = "{{"
	}
	if right == "" {
		right = "}}"
	}
	if !strings.Contains(src, left) {
		return src, nil
	}
	if out, ok := substitute(src, left, right, data); ok {
		return out, nil
	}
	key := templateKey{left, right, src}
	t, ok := templates.Load(key)
	if !ok {
		p, err := template.New("").Delims(left, right).Option("missingkey=default").Parse(src)
		if err != nil {
			return "", err
		}
		t, _ = templates.LoadOrStore(key, p)
	}
	var b strings.Builder
	if err := t.(*template.Template).Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// substitute is execute for the usual message, whose every action is a
// plain field ("{{.From}} pings {{.To}}") holding a plain value: it fills
// the fields in as text/template would (fmt's printing; "<no value>" for
// a missing one, as with missingkey=default) without parsing a template,
// which a netlab that lives a few milliseconds would do once for every
// message it says. ok is false for anything else (a pipeline, a
// condition, a trim marker, a nil, a struct or a pointer to one, which
// text/template prints its own way): execute parses those.
// TestSubstituteIsTemplate holds the two together on every message of the
// catalogue.
func substitute(src, left, right string, data Data) (out string, ok bool) {
	var b strings.Builder
	for {
		i := strings.Index(src, left)
		if i < 0 {
			b.WriteString(src)
			return b.String(), true
		}
		b.WriteString(src[:i])
		src = src[i+len(left):]
		j := strings.Index(src, right)
		if j < 0 {
			return "", false
		}
		name, ok := plainField(src[:j])
		if !ok {
			return "", false
		}
		src = src[j+len(right):]
		v, present := data[name]
		if !present {
			b.WriteString("<no value>")
			continue
		}
		switch v.(type) {
		case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, fmt.Stringer, error:
			// text/template prints these with fmt, as they are (a pointer
			// that is an error or a Stringer too: it dereferences only
			// pointers to plain values).
		default:
			return "", false
		}
		fmt.Fprint(&b, v)
	}
}

// plainField is the name of an action that is a field and nothing else:
// ".Name", with spaces around it but no trim marker.
func plainField(action string) (string, bool) {
	a := strings.TrimSpace(action) // a trim marker ("- .X") stays, and fails below
	if len(a) < 2 || a[0] != '.' {
		return "", false
	}
	for i, r := range a[1:] {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return "", false
		}
	}
	return a[1:], true
}

// Lookup is id in the Localizer's language, filled from data, and
// whether that language has it: unlike T it does not fall back to
// English, so that the caller can keep a text of its own instead.
func (l *Localizer) Lookup(id string, data Data) (string, bool) {
	s, err := l.say(id, data, -1, false)
	if err != nil || s == "" {
		return "", false
	}
	return s, true
}

// Errorf is an error whose text is the message id in the Localizer's
// language.
func (l *Localizer) Errorf(id string, data Data) error {
	return errors.New(l.T(id, data))
}

// T is For(lang).T(id, data).
func T(lang Lang, id string, data Data) string { return For(lang).T(id, data) }

// TN is For(lang).TN(id, count, data).
func TN(lang Lang, id string, count int, data Data) string {
	return For(lang).TN(id, count, data)
}
