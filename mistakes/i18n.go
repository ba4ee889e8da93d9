package mistakes

import (
	"errors"
	"fmt"
	"sort"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/lazy"
)

// The catalog's texts in Chinese, keyed by mistake id. Kept apart from
// catalog.yaml so that a new entry and its translation merge
// independently; Verify (and TestTranslations) say when they drift.
// (zh.yaml is embedded in Files.)

// Text is the translated part of a mistake.
type Text struct {
	Title string `yaml:"title"`
	Story string `yaml:"story"`
}

// zhTexts are made on first use; a lazy.Values, unlike a package-level
// sync.OnceValues, costs no init.
func zhTexts() (map[string]Text, error) { return zhTextsValue.Get(newZHTexts) }

var zhTextsValue lazy.Values[map[string]Text]

func newZHTexts() (map[string]Text, error) {
	return compiledZH(), nil // zh.yaml, compiled (see All)
}

// Translation returns the catalog's texts in lang by id (empty for
// English, the source).
func Translation(lang i18n.Lang) (map[string]Text, error) {
	if lang == i18n.ZH {
		return zhTexts()
	}
	return map[string]Text{}, nil
}

// Localize returns the mistakes with their title and story in lang; an
// entry without a translation stays English. English returns ms itself.
func Localize(ms []Mistake, lang i18n.Lang) ([]Mistake, error) {
	if lang == i18n.EN {
		return ms, nil
	}
	tr, err := Translation(lang)
	if err != nil {
		return nil, err
	}
	out := make([]Mistake, len(ms))
	for i, m := range ms {
		if t, ok := tr[m.ID]; ok {
			if t.Title != "" {
				m.Title = t.Title
			}
			if t.Story != "" {
				m.Story = t.Story
			}
		}
		out[i] = m
	}
	return out, nil
}

// Verify lists every difference between the catalog and its translation
// in lang: an entry without a translation, a translation of no entry, a
// title missing, or a story that exists in one language only.
func Verify(ms []Mistake, lang i18n.Lang) error {
	if lang == i18n.EN {
		return nil
	}
	tr, err := Translation(lang)
	if err != nil {
		return err
	}
	return verify(ms, tr, lang)
}

func verify(ms []Mistake, tr map[string]Text, lang i18n.Lang) error {
	var errs []error
	seen := map[string]bool{}
	for _, m := range ms {
		seen[m.ID] = true
		t, ok := tr[m.ID]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("mistake %s (lesson %s step %d) has no %s translation in mistakes/%s.yaml", m.ID, m.Lesson, m.Step, lang, lang))
		case t.Title == "":
			errs = append(errs, fmt.Errorf("mistakes/%s.yaml: %s: no title", lang, m.ID))
		case (t.Story == "") != (m.Story == ""):
			errs = append(errs, fmt.Errorf("mistakes/%s.yaml: %s: the story exists in one language only", lang, m.ID))
		}
	}
	var extra []string
	for id := range tr {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		errs = append(errs, fmt.Errorf("mistakes/%s.yaml translates %s, which is no catalogued mistake", lang, id))
	}
	return errors.Join(errs...)
}
