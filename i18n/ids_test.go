package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// callRE finds the message ids that Go code asks for: x.t("id", ...),
// x.usage("id", ...), T(lang, "id", ...), TN(lang, "id", ...),
// loc.T("id", ...), loc.TN("id", ...), and a check's why: r.Say("id",
// ...) and Msg{ID: "id"}.
var callRE = regexp.MustCompile(`(?:\.(?:t|usage|T|TN|Errorf|Say)\(|\bID:\s*|\b(?:T|TN)\([^,()"]+,\s*)"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"`)

// TestMessageIDsUsed: every id the code asks for is in the catalogue (a
// typo would print the id itself), and every id of the catalogue is
// asked for somewhere (a message nobody says is a translation to keep up
// for nothing).
func TestMessageIDsUsed(t *testing.T) {
	en := forms(t, "en.yaml")
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	asked := map[string][]string{}
	all := ""
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_gen.go") {
			return nil // generated files hold the catalogues' data, not code that says a message
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		all += string(b)
		if strings.HasSuffix(p, "_test.go") {
			return nil // tests ask for missing ids on purpose
		}
		for _, m := range callRE.FindAllStringSubmatch(string(b), -1) {
			asked[m[1]] = append(asked[m[1]], p)
		}
		return nil
	}))
	require.NotEmpty(t, asked)
	for id, files := range asked {
		_, ok := en[id]
		require.True(t, ok, "%s asks for message %s, which locales/en.yaml lacks", files[0], id)
	}
	for id := range en {
		require.True(t, strings.Contains(all, `"`+id+`"`), "message %s is in the catalogue but no code says it", id)
	}
}
