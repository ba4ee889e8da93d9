package i18n

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go.yaml.in/yaml/v3"
	"go/format"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// The catalogues are written as YAML (locales/*.yaml) and compiled into
// catalog_gen.go, so that netlab does not decode YAML on every start (it
// took more time than all the rest of `netlab --help`).
// TestCompiledCatalogue fails when catalog_gen.go is not what the YAML
// compiles to; `go generate ./i18n` rewrites it.
//
//go:generate go test -run TestCompiledCatalogue -update .

// localesFS holds the catalogues as written; netlab itself carries them
// compiled (catalog_gen.go).
//
//go:embed locales/*.yaml
var localesFS embed.FS

// compileCatalogues renders the catalogues of fsys (locales/*.yaml) as
// the Go source of catalog_gen.go: per language, its messages sorted by id.
func compileCatalogues(fsys fs.FS) ([]byte, error) {
	c, err := parseCatalogue(fsys)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated from locales/*.yaml by `go generate ./i18n`; DO NOT EDIT.\n\n")
	b.WriteString("package i18n\n\n")
	// Each language's messages are a slice of its own: the linker lays
	// out a package-level slice of structs of strings as data, where
	// inside a map literal it would be copied at every start.
	var langs []string
	for _, lang := range slices.Sorted(maps.Keys(c)) {
		name := strings.ToUpper(string(lang))
		langs = append(langs, name)
		fmt.Fprintf(&b, "var compiled%s = []message{\n", name)
		for _, m := range c[lang] {
			b.WriteString("{ID: " + strconv.Quote(m.ID))
			for _, form := range []struct{ name, text string }{
				{"LeftDelim", m.LeftDelim}, {"RightDelim", m.RightDelim}, {"One", m.One}, {"Other", m.Other},
			} {
				if form.text != "" {
					b.WriteString(", " + form.name + ": " + strconv.Quote(form.text))
				}
			}
			b.WriteString("},\n")
		}
		b.WriteString("}\n\n")
	}
	b.WriteString("var compiled = map[Lang][]message{\n")
	for _, name := range langs {
		fmt.Fprintf(&b, "%s: compiled%s,\n", name, name)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// parseCatalogue reads the go-i18n message files of fsys (locales/*.yaml)
// with go-i18n's parser.
func parseCatalogue(fsys fs.FS) (catalogue, error) {
	files, err := fs.Glob(fsys, "locales/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("i18n: no catalogue in locales/")
	}
	c := catalogue{}
	for _, f := range files {
		msgs, lang, err := parseFile(fsys, f)
		if err != nil {
			return nil, err
		}
		sorted := make([]message, len(msgs))
		for i, gm := range msgs {
			if sorted[i], err = ours(gm, f); err != nil {
				return nil, err
			}
		}
		slices.SortFunc(sorted, func(a, b message) int { return strings.Compare(a.ID, b.ID) })
		c[lang] = sorted
	}
	return c, nil
}

// ours is m as netlab carries it. English and Chinese have only the
// plural forms one and other (CLDR): a zero, two, few or many form would
// never be said (go-i18n would not say it either), so it is refused rather
// than silently dropped.
func ours(m *goi18n.Message, file string) (message, error) {
	for _, form := range []struct{ name, text string }{{"zero", m.Zero}, {"two", m.Two}, {"few", m.Few}, {"many", m.Many}} {
		if form.text != "" {
			return message{}, fmt.Errorf("i18n: %s: %s has a %q form, which neither English nor Chinese uses (one and other)", file, m.ID, form.name)
		}
	}
	return message{ID: m.ID, LeftDelim: m.LeftDelim, RightDelim: m.RightDelim, One: m.One, Other: m.Other}, nil
}

func parseFile(fsys fs.FS, f string) ([]*goi18n.Message, Lang, error) {
	data, err := fs.ReadFile(fsys, f)
	if err != nil {
		return nil, "", err
	}
	mf, err := goi18n.ParseMessageFileBytes(data, path.Base(f), map[string]goi18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
	if err != nil {
		return nil, "", fmt.Errorf("i18n: %s: %w", f, err)
	}
	lang, err := Parse(strings.TrimSuffix(path.Base(f), ".yaml"))
	if err != nil {
		return nil, "", fmt.Errorf("i18n: %s: %w", f, err)
	}
	return mf.Messages, lang, nil
}
