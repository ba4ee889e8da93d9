// Package pkgtest checks what packaging/ builds: the Debian package, the
// static binaries and OpenWrt packages of every architecture, and that the
// arm64 binary grades a lesson under qemu-user.
package pkgtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/sandbox/sandboxtest"
)

func TestMain(m *testing.M) { sandboxtest.Main(m) }

const version = "0.0.7"

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// need fails under CI=true, and skips elsewhere, when a tool is missing.
func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			sandboxtest.Skip(t, tool+" is not installed")
		}
	}
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
	return string(out)
}

func TestBuildDeb(t *testing.T) {
	need(t, "dpkg-deb")
	root := repoRoot(t)
	run(t, root, "packaging/build-deb", version)
	deb := filepath.Join(root, "dist", "netlab_"+version+"_amd64.deb")

	depends := run(t, root, "dpkg-deb", "-f", deb, "Depends")
	for _, d := range []string{"iproute2", "iptables | nftables", "iputils-ping"} {
		require.Contains(t, depends, d)
	}
	require.Equal(t, "netlab\n", run(t, root, "dpkg-deb", "-f", deb, "Package"))

	x := t.TempDir()
	run(t, root, "dpkg-deb", "-x", deb, x)
	for _, f := range []string{
		"usr/bin/netlab",
		"usr/share/man/man1/netlab.1.gz",
		"usr/share/man/man1/netlab-check.1.gz",
		"usr/share/man/man1/netlab-lesson.1.gz",
		"usr/share/bash-completion/completions/netlab",
		"usr/share/zsh/vendor-completions/_netlab",
		"usr/share/fish/vendor_completions.d/netlab.fish",
		"etc/apparmor.d/netlab",
	} {
		st, err := os.Stat(filepath.Join(x, f))
		require.NoError(t, err, "the package lacks /%s", f)
		require.NotZero(t, st.Size(), f)
	}
	// The binary that was packaged is the one stamped with the version.
	out := run(t, x, filepath.Join(x, "usr/bin/netlab"), "version", "--json")
	var v struct{ Version, Commit string }
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	require.Equal(t, version, v.Version)
	require.True(t, strings.HasPrefix(run(t, x, filepath.Join(x, "usr/bin/netlab"), "--version"), "netlab "+version+" (commit "))

	man := readGz(t, filepath.Join(x, "usr/share/man/man1/netlab-check.1.gz"))
	require.Contains(t, man, "classroom50", "the man page is generated from the commands")
	require.Contains(t, readFile(t, filepath.Join(x, "usr/share/bash-completion/completions/netlab")), "__start_netlab")
	require.Contains(t, readFile(t, filepath.Join(x, "etc/apparmor.d/netlab")), "userns,")
	require.Contains(t, run(t, root, "dpkg-deb", "-I", deb), "conffiles")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

func readGz(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Open(p)
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(z)
	require.NoError(t, err)
	return string(b)
}

func TestBuildAll(t *testing.T) {
	root := repoRoot(t)
	run(t, root, "packaging/build-all", version)
	bins := map[string]struct {
		machine elf.Machine
		order   string
		owrt    string
	}{
		"amd64":  {elf.EM_X86_64, "LittleEndian", "x86_64"},
		"arm64":  {elf.EM_AARCH64, "LittleEndian", "aarch64_generic"},
		"armv7":  {elf.EM_ARM, "LittleEndian", "arm_cortex-a7_neon-vfpv4"},
		"mipsle": {elf.EM_MIPS, "LittleEndian", "mipsel_24kc"},
	}
	for name, want := range bins {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(root, "dist", "netlab-"+version+"-linux-"+name)
			f, err := elf.Open(p)
			require.NoError(t, err)
			defer f.Close()
			require.Equal(t, want.machine, f.Machine)
			require.Equal(t, want.order, f.ByteOrder.String())
			for _, prog := range f.Progs {
				require.NotEqual(t, elf.PT_INTERP, prog.Type, "%s is not static: it asks for a dynamic loader", p)
			}
			ctrl, data := readIPK(t, filepath.Join(root, "dist", "netlab_"+version+"_"+want.owrt+".ipk"))
			require.Contains(t, ctrl, "Package: netlab\n")
			require.Contains(t, ctrl, "Version: "+version+"\n")
			require.Contains(t, ctrl, "Architecture: "+want.owrt+"\n")
			require.Regexp(t, `(?m)^Depends: .*ip-full`, ctrl)
			require.Regexp(t, `(?m)^Depends: .*nftables`, ctrl)
			require.Regexp(t, `(?m)^Depends: .*kmod-veth`, ctrl)
			bin, ok := data["./usr/bin/netlab"]
			require.True(t, ok, "the ipk carries /usr/bin/netlab: %v", keys(data))
			self, err := os.ReadFile(p)
			require.NoError(t, err)
			require.True(t, bytes.Equal(self, bin), "the ipk carries this architecture's binary")
		})
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// readIPK opens an OpenWrt package: a gzipped tar of debian-binary,
// control.tar.gz and data.tar.gz.
func readIPK(t *testing.T, p string) (control string, data map[string][]byte) {
	t.Helper()
	outer := untgz(t, readAll(t, p))
	require.Equal(t, "2.0\n", string(outer["./debian-binary"]))
	c := untgz(t, outer["./control.tar.gz"])
	return string(c["./control"]), untgz(t, outer["./data.tar.gz"])
}

func readAll(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func untgz(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	tr := tar.NewReader(z)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		name := h.Name
		if !strings.HasPrefix(name, "./") {
			name = "./" + name
		}
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[name] = body
	}
}

const envArm64 = "NETLAB_TEST_ARM64_BINARY"

// TestArm64GradesUnderQemu runs the arm64 build, emulated by qemu-user,
// through lesson 2 in a sandbox: solve, then check --json must pass. qemu
// translates only some route netlink messages; this is what keeps netlab
// working on an emulated OpenWrt image.
func TestArm64GradesUnderQemu(t *testing.T) {
	need(t, "qemu-aarch64-static")
	if os.Getenv(envArm64) == "" {
		dir, err := os.MkdirTemp("", "netlab-arm64-")
		require.NoError(t, err)
		t.Cleanup(func() { os.RemoveAll(dir) })
		require.NoError(t, os.Chmod(dir, 0o755)) // the sandbox's user must reach it
		bin := filepath.Join(dir, "netlab")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/netlab")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		t.Setenv(envArm64, bin)
	}
	if sandboxtest.Run(t) {
		return
	}
	bin := os.Getenv(envArm64)
	qemu, err := exec.LookPath("qemu-aarch64-static")
	require.NoError(t, err)
	out, err := exec.Command(qemu, bin, "solve", "2").CombinedOutput()
	require.NoError(t, err, string(out))
	cmd := exec.Command(qemu, bin, "check", "2", "--json")
	out, err = cmd.Output()
	require.NoError(t, err, "check 2 under qemu:\n%s", out)
	var rep struct {
		Passed bool `json:"passed"`
		Score  int  `json:"score"`
	}
	require.NoError(t, json.Unmarshal(out, &rep))
	require.True(t, rep.Passed, string(out))
	require.Equal(t, 6, rep.Score)
}
