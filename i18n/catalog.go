package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// The message catalogues: locales/en.yaml is the source, every other file
// translates the same ids. A message is a string (a text/template:
// {{.Name}}) or, where it counts something, a map of plural forms
// (one/other for English; Chinese has only other).
//
//go:embed locales/*.yaml
var localesFS embed.FS

// Data is the template data of a message.
type Data = map[string]any

// bundles: English alone (every command's help and words start here, so
// it parses one catalogue, not all), and every language.
var (
	bundleEN = sync.OnceValues(func() (*goi18n.Bundle, error) {
		return newBundleOf(localesFS, "locales/"+string(EN)+".yaml")
	})
	bundleAll = sync.OnceValues(func() (*goi18n.Bundle, error) {
		return newBundle(localesFS)
	})
)

func newBundle(fsys fs.FS) (*goi18n.Bundle, error) {
	return newBundleOf(fsys, "locales/*.yaml")
}

func newBundleOf(fsys fs.FS, pattern string) (*goi18n.Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("i18n: no catalogue matches %s", pattern)
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, path.Base(f)); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
	}
	return b, nil
}

// Localizer says netlab's messages in one language.
type Localizer struct {
	lang Lang
	loc  *goi18n.Localizer
}

var localizers sync.Map // Lang -> *Localizer

// For returns the Localizer of lang. It panics only if the embedded
// catalogues do not parse, which TestCatalogues rules out.
func For(lang Lang) *Localizer {
	if l, ok := localizers.Load(lang); ok {
		return l.(*Localizer)
	}
	load := bundleAll
	if lang == EN {
		load = bundleEN
	}
	b, err := load()
	if err != nil {
		panic(err)
	}
	l := &Localizer{lang: lang, loc: goi18n.NewLocalizer(b, string(lang), string(EN))}
	localizers.Store(lang, l)
	return l
}

// Lang is the Localizer's language.
func (l *Localizer) Lang() Lang { return l.lang }

// T is the message id in the Localizer's language, filled from data. A
// message missing in that language falls back to English; an id missing
// everywhere comes back as itself, so that a slip shows instead of
// vanishing (TestCatalogues keeps both from happening).
func (l *Localizer) T(id string, data Data) string {
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// TN is T for a message with plural forms, chosen by count; data may
// omit "Count", which is set to count.
func (l *Localizer) TN(id string, count int, data Data) string {
	d := Data{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

func (l *Localizer) localize(c *goi18n.LocalizeConfig) string {
	// A message missing in l.lang comes back in English together with a
	// MessageNotFoundErr: English is the wanted fallback, so only an
	// empty result (missing everywhere, or a broken template) matters.
	if s, _ := l.loc.Localize(c); s != "" {
		return s
	}
	return c.MessageID
}

// Lookup is id in the Localizer's language, filled from data, and
// whether that language has it: unlike T it does not fall back to
// English, so that the caller can keep a text of its own instead.
func (l *Localizer) Lookup(id string, data Data) (string, bool) {
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
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
