// Package netlabbin gives tests the netlab command to drive: built once
// per test binary, or one named by the environment.
package netlabbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	once     sync.Once
	buildDir string
	built    string
	buildErr error
)

// Path is the netlab binary named by the environment variable env, else
// one built once; env is then set to it, so that the test binary's
// children (a test run again inside a sandbox) use it too.
func Path(tb testing.TB, env string) string {
	tb.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	once.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "netlab-test-bin-"); buildErr != nil {
			return
		}
		built = filepath.Join(buildDir, "netlab")
		if out, err := exec.Command("go", "build", "-o", built, "github.com/netlab/netlab/cmd/netlab").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	os.Setenv(env, built)
	return built
}

// Remove removes what Path built (a TestMain calls it after the tests).
func Remove() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}
