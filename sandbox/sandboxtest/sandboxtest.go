// Package sandboxtest runs kernel tests each in a sandbox of its own.
//
//	func TestMain(m *testing.M) { sandboxtest.Main(m) }
//
//	func TestBridge(t *testing.T) {
//		if sandboxtest.Run(t) {
//			return // the body ran in a sandbox child; its verdict is ours
//		}
//		... real kernel work, isolated from the host ...
//	}
package sandboxtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/sandbox"
)

const envTest = "NETLAB_SANDBOX_TEST"

// Main must be the test package's TestMain.
func Main(m *testing.M) {
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// Unavailable explains why kernel tests cannot run here, or "". They
// need no root: only a kernel that lets this user make the sandbox's user
// namespace (as root of it, the test owns its network namespace).
func Unavailable() string {
	if sandbox.Inside() {
		return ""
	}
	if err := sandbox.Available(); err != nil {
		return err.Error()
	}
	return ""
}

// Skip skips a kernel test that cannot run, except under CI=true, where a
// skipped kernel test would hide that nothing was tested: there it fails.
func Skip(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("kernel test cannot run: %s (CI=true makes this skip a failure)", why)
	}
	t.Skip(why)
}

func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// Run re-runs the calling test in a fresh sandbox and reports its result.
// It returns true in the parent, which must then return at once, and false
// inside the sandbox, where the test body goes on.
func Run(t *testing.T) bool {
	t.Helper()
	if sandbox.Inside() && os.Getenv(envTest) == t.Name() {
		return false
	}
	if why := Unavailable(); why != "" {
		Skip(t, why)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"-test.run", runPattern(t.Name()), "-test.v", "-test.count=1"}
	// The test keeps its own identity inside (root stays root of the
	// namespace, a user stays that user): it reads files it prepared.
	s, err := sandbox.New(ctx, sandbox.Options{Self: os.Args[0], SelfArgs: args, KeepIdentity: true})
	if err != nil {
		t.Fatal(err)
	}
	cmd := s.Cmd
	cmd.Env = append(cmd.Env, envTest+"="+t.Name())
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := s.Start(); err != nil {
		Skip(t, err.Error())
	}
	err = s.Wait()
	out := buf.Bytes()
	text := string(out)
	if err != nil {
		t.Fatalf("in sandbox: %v\n%s", err, text)
	}
	// The child must really have run this test: a pattern that matched
	// nothing would otherwise pass silently.
	if strings.Contains(text, "--- SKIP: "+t.Name()+" ") {
		Skip(t, "skipped inside the sandbox:\n"+text)
	}
	if !strings.Contains(text, "--- PASS: "+t.Name()+" ") {
		t.Fatalf("sandboxed run did not report %s as passed:\n%s", t.Name(), text)
	}
	if testing.Verbose() {
		t.Log("sandbox output:\n" + text)
	}
	return true
}
