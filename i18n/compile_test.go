package i18n

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go.yaml.in/yaml/v3"
	"go/format"
	"io/fs"
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
	files, err := fs.Glob(fsys, "locales/*.yaml")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated from locales/*.yaml by `go generate ./i18n`; DO NOT EDIT.\n\n")
	b.WriteString("package i18n\n\nimport goi18n \"github.com/nicksnyder/go-i18n/v2/i18n\"\n\n")
	// Each language's messages are a slice of its own: the linker lays
	// out a package-level slice of structs of strings as data, where
	// inside a map literal it would be copied at every start.
	var langs []string
	for _, f := range files {
		msgs, lang, err := parseFile(fsys, f)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(msgs, func(a, b *goi18n.Message) int { return strings.Compare(a.ID, b.ID) })
		name := strings.ToUpper(string(lang))
		langs = append(langs, name)
		fmt.Fprintf(&b, "var compiled%s = []goi18n.Message{\n", name)
		for _, m := range msgs {
			b.WriteString("{ID: " + strconv.Quote(m.ID))
			for _, form := range []struct{ name, text string }{
				{"LeftDelim", m.LeftDelim}, {"RightDelim", m.RightDelim},
				{"Zero", m.Zero}, {"One", m.One}, {"Two", m.Two}, {"Few", m.Few}, {"Many", m.Many}, {"Other", m.Other},
			} {
				if form.text != "" {
					b.WriteString(", " + form.name + ": " + strconv.Quote(form.text))
				}
			}
			b.WriteString("},\n")
		}
		b.WriteString("}\n\n")
	}
	b.WriteString("var compiled = map[Lang][]goi18n.Message{\n")
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
		sorted := make([]goi18n.Message, len(msgs))
		for i, m := range msgs {
			sorted[i] = *m
		}
		slices.SortFunc(sorted, func(a, b goi18n.Message) int { return strings.Compare(a.ID, b.ID) })
		c[lang] = sorted
	}
	return c, nil
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
