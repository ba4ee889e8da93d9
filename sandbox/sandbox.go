// Package sandbox runs a process in a netlab sandbox: a user namespace
// (root inside is the invoking user outside, never the host's root) with
// its own PID, network, mount and UTS namespaces, a private /run (so a
// private /run/netns, /run/xtables.lock and /run/netlab), a fresh /sys and
// a /proc of its own PID namespace. Whatever happens inside (ip netns add,
// bridges, iptables, sysctls of the sandbox's network) stays inside.
//
// The sandbox's PID 1 is netlab's own init (this binary, re-executed): it
// finishes the set-up from the inside, starts the payload (a shell, a test,
// a self-test unit), reaps, and ends when the payload ends; the kernel
// then kills every other process of the sandbox, so nothing it started
// survives.
//
// Nothing here is steered by the environment. The re-executed child finds
// its instructions on an inherited pipe (fd 3) and acts on them only as
// PID 1 of a fresh PID namespace in a user namespace of its own; whether a
// process runs inside a sandbox is read from the kernel (Inside).
package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/internal/random"
)

// Flags are the namespaces every sandbox has.
const Flags = unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_NEWUTS

// markerPrefix is the source name of the sandbox's /run tmpfs: the mark,
// visible in /proc/self/mountinfo, that only a sandbox's init makes.
const markerPrefix = "netlab-sandbox-"

// BinDir holds the sandbox's own netlab binary (bind-mounted from the one
// that made the sandbox), first on the payload's PATH: the binary's own
// path may sit in a directory the sandbox's user cannot read.
const BinDir = "/run/netlab-sandbox/bin"

// nobody is the identity root inside a sandbox gets when plain root (no
// sudo) makes it: the lesson shell must hold no host root.
const nobody = 65534

// Options describe one sandbox.
type Options struct {
	// Self is a binary whose main (or TestMain) calls Init first thing
	// (normally os.Executable(), or os.Args[0] in tests).
	Self string
	// SelfArgs: with no Argv, the payload is Self again with these args.
	SelfArgs []string
	// Argv is the payload command (looked up on the payload's PATH).
	Argv []string
	// KeepIdentity maps root inside to the caller's own uid even when the
	// caller is root (sandboxtest: tests prepare files as themselves).
	// Otherwise root's sandbox gets the learner (SUDO_UID) or nobody.
	KeepIdentity bool
	// Own lists paths (a session directory) that the sandbox's user must
	// own; they are handed over (lchown, no symlink followed) when root
	// makes the sandbox for another uid.
	Own []string
	// Shell marks a sandbox made for a learner's shell (netlab lesson,
	// netlab shell): a lesson started inside it runs there (InShell).
	Shell bool
	// Lesson and Label register the sandbox (Label non-empty) so that
	// check, hint and watch from another terminal find it (see Running).
	Lesson int
	Label  string
}

// Identity is who root inside a sandbox is on the host.
type Identity struct {
	UID, GID int
	// Setgroups: the sandbox may (and does) drop supplementary groups.
	Setgroups bool
	// Learner: under sudo, the invoking user's passwd entry (nil otherwise).
	Learner *user.User
}

// IdentityFor says who root inside a new sandbox is, judged from the
// kernel's view of this process. Under sudo the SUDO_UID/SUDO_GID
// variables can only lower the privilege (0 is refused and becomes nobody).
func IdentityFor(keep bool) Identity {
	euid, egid := os.Geteuid(), os.Getegid()
	if euid != 0 || keep || !InitialUserNS() {
		// An unprivileged caller maps itself; root in a user namespace
		// (a nested sandbox) maps its own root, which is no host root.
		return Identity{UID: euid, GID: egid, Setgroups: euid == 0 && setgroupsAllowed()}
	}
	id := Identity{UID: nobody, GID: nobody, Setgroups: true}
	if u, err := strconv.Atoi(os.Getenv("SUDO_UID")); err == nil && u > 0 {
		id.UID = u
		id.GID = nobody
		if g, err := strconv.Atoi(os.Getenv("SUDO_GID")); err == nil && g > 0 {
			id.GID = g
		}
		if lu, err := user.LookupId(strconv.Itoa(u)); err == nil {
			id.Learner = lu
		}
	}
	return id
}

func setgroupsAllowed() bool {
	b, err := os.ReadFile("/proc/self/setgroups")
	return err == nil && strings.TrimSpace(string(b)) == "allow"
}

// handshake is what the parent sends its sandbox's init on fd 3.
type handshake struct {
	Magic    string   `json:"magic"`
	Nonce    string   `json:"nonce"`
	Argv     []string `json:"argv,omitempty"`
	SelfArgs []string `json:"self_args,omitempty"`
	HostUID  int      `json:"host_uid"` // whose /run/user/UID is kept
	Lesson   int      `json:"lesson,omitempty"`
	Label    string   `json:"label,omitempty"`
	Status   bool     `json:"status,omitempty"` // fd 5 carries the set-up's result
}

const magic = "netlab-sandbox/2"

// Child file descriptors.
const (
	fdHandshake = 3
	fdBinary    = 4
	fdStatus    = 5
)

// Command returns a command that runs argv inside a new sandbox (or, with
// no argv, self again with selfArgs). The caller runs it as any command;
// a refusal by the kernel surfaces from Start or Run (see Explain).
func Command(ctx context.Context, self string, selfArgs []string, argv []string) (*exec.Cmd, error) {
	s, err := prepare(ctx, Options{Self: self, SelfArgs: selfArgs, Argv: argv}, false)
	if err != nil {
		return nil, err
	}
	return s.Cmd, nil
}

// Sandbox is a sandbox being started with Start.
type Sandbox struct {
	Cmd    *exec.Cmd
	status *os.File // read end of the status pipe (nil: none)
	closes []*os.File
}

// New prepares a sandbox whose set-up result Start waits for.
func New(ctx context.Context, o Options) (*Sandbox, error) {
	return prepare(ctx, o, true)
}

func prepare(ctx context.Context, o Options, status bool) (*Sandbox, error) {
	if o.Self == "" {
		return nil, errors.New("sandbox: no binary to start")
	}
	nonce := make([]byte, 12)
	if err := random.Read(nonce); err != nil {
		return nil, err
	}
	id := IdentityFor(o.KeepIdentity)
	if !InitialUserNS() {
		// Only sandboxes made from the host are registered: a nested one
		// (in a test's sandbox, in `netlab shell`) would register under
		// the uid numbers of its parent's view, not the learner's.
		o.Label = ""
	}
	n := hex.EncodeToString(nonce)
	if o.Shell {
		n = shellMark + n
	}
	h := handshake{Magic: magic, Nonce: n, Argv: o.Argv, SelfArgs: o.SelfArgs,
		HostUID: id.UID, Lesson: o.Lesson, Label: o.Label, Status: status}
	msg, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(msg) > 60000 {
		return nil, errors.New("sandbox: the command is too long")
	}
	bin, err := openSelf(o.Self)
	if err != nil {
		return nil, fmt.Errorf("sandbox: open %s: %w", o.Self, err)
	}
	hr, hw, err := os.Pipe()
	if err != nil {
		bin.Close()
		return nil, err
	}
	// The pipe buffer holds the whole message: write it now, so that the
	// returned command can be run like any other.
	_, werr := hw.Write(msg)
	hw.Close()
	if werr != nil {
		hr.Close()
		bin.Close()
		return nil, werr
	}
	s := &Sandbox{closes: []*os.File{hr, bin}}
	files := []*os.File{hr, bin}
	var sw *os.File
	if status {
		if s.status, sw, err = os.Pipe(); err != nil {
			hr.Close()
			bin.Close()
			return nil, err
		}
		files = append(files, sw)
		s.closes = append(s.closes, sw)
	}
	// The child executes the binary through the inherited descriptor: its
	// path may lie in a directory the sandbox's user cannot search.
	cmd := exec.CommandContext(ctx, "/proc/self/fd/"+strconv.Itoa(fdBinary))
	cmd.Args = []string{o.Self}
	cmd.Env = os.Environ()
	if id.Learner != nil {
		cmd.Env = withLearner(cmd.Env, id.Learner)
	}
	cmd.ExtraFiles = files
	cred := &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{}, NoSetGroups: !id.Setgroups}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 Flags,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: id.UID, Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: id.GID, Size: 1}},
		GidMappingsEnableSetgroups: id.Setgroups,
		// Become root of the new namespace, which is id.UID on the host:
		// without this the child would keep the caller's host uid.
		Credential: cred,
		// The sandbox dies with its parent; nothing is left running.
		Pdeathsig: syscall.SIGKILL,
	}
	if os.Geteuid() == 0 && id.UID != os.Geteuid() {
		for _, p := range o.Own {
			if err := chownTree(p, id.UID, id.GID); err != nil {
				s.closeAll()
				return nil, fmt.Errorf("sandbox: hand %s to uid %d: %w", p, id.UID, err)
			}
		}
	}
	s.Cmd = cmd
	return s, nil
}

func (s *Sandbox) closeAll() {
	for _, f := range s.closes {
		f.Close()
	}
	s.closes = nil
}

// Start starts the sandbox and waits until its init has set it up. A
// refusal (by the kernel, a security module, a missing binary) is one
// sentence with the fix (see Explain).
func (s *Sandbox) Start() error {
	err := s.Cmd.Start()
	s.closeAll()
	if err != nil {
		if s.status != nil {
			s.status.Close()
		}
		return Explain(err)
	}
	if s.status == nil {
		return nil
	}
	defer s.status.Close()
	b, _ := io.ReadAll(io.LimitReader(s.status, 4096))
	msg := strings.TrimSpace(string(b))
	if msg == "ok" {
		return nil
	}
	_ = s.Cmd.Wait()
	if msg == "" {
		return Explain(errEndedEarly)
	}
	return Explain(errors.New(msg))
}

// Wait waits for the sandbox's payload (and with it the whole sandbox).
func (s *Sandbox) Wait() error { return s.Cmd.Wait() }

// openSelf opens the binary to re-execute. The running binary is opened
// through /proc/self/exe, which needs no search permission on its
// directory (a test binary lives in a 0700 build directory).
func openSelf(self string) (*os.File, error) {
	if exe, err := os.Executable(); self == os.Args[0] || (err == nil && exe == self) {
		return os.Open("/proc/self/exe")
	}
	var st1, st2 unix.Stat_t
	if unix.Stat("/proc/self/exe", &st1) == nil && unix.Stat(self, &st2) == nil && st1.Dev == st2.Dev && st1.Ino == st2.Ino {
		return os.Open("/proc/self/exe")
	}
	return os.Open(self)
}

// withLearner gives the payload the learner's own HOME, USER, LOGNAME and
// SHELL under sudo (sudo resets them to root's): their rc files, their
// progress, their shell.
func withLearner(env []string, u *user.User) []string {
	set := map[string]string{"HOME": u.HomeDir, "USER": u.Username, "LOGNAME": u.Username}
	if sh := loginShell(u.Username); sh != "" {
		set["SHELL"] = sh
	}
	var out []string
	for _, e := range env {
		k, _, _ := strings.Cut(e, "=")
		if _, ok := set[k]; ok {
			continue
		}
		out = append(out, e)
	}
	for _, k := range []string{"HOME", "USER", "LOGNAME", "SHELL"} {
		if v, ok := set[k]; ok && v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// LearnerShell is, under sudo, the login shell of the user who ran sudo
// (sudo sets $SHELL to root's), else "".
func LearnerShell() string {
	if id := IdentityFor(false); id.Learner != nil {
		return loginShell(id.Learner.Username)
	}
	return ""
}

func loginShell(name string) string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), ":")
		if len(p) == 7 && p[0] == name {
			return p[6]
		}
	}
	return ""
}

// chownTree hands a directory tree netlab made to uid:gid, never
// following a symlink.
func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// InitialUserNS reports whether this process runs in the host's initial
// user namespace (the only one whose map is the whole uid range onto itself).
func InitialUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

// Inside reports whether this process runs inside a netlab sandbox: in a
// user namespace of its own, with the /run that only a sandbox's init
// mounts. Read from the kernel; no environment variable changes it.
func Inside() bool {
	if InitialUserNS() {
		return false
	}
	return markerIn(readFile("/proc/self/mountinfo")) != ""
}

// shellMark starts the nonce of a shell's sandbox.
const shellMark = "sh-"

// InShell reports whether this process runs inside the sandbox of a
// learner's shell (netlab lesson, netlab shell), read from the kernel like
// Inside: there a lesson runs in place, where elsewhere (a test's
// sandbox) it makes a sandbox of its own.
func InShell() bool {
	if InitialUserNS() {
		return false
	}
	return strings.HasPrefix(markerIn(readFile("/proc/self/mountinfo")), shellMark)
}

func readFile(p string) []byte {
	b, _ := os.ReadFile(p)
	return b
}

// markerIn returns the nonce of the sandbox's /run mount in a mountinfo
// text, or "".
func markerIn(mountinfo []byte) string {
	nonce := ""
	for _, line := range bytes.Split(mountinfo, []byte("\n")) {
		pre, post, ok := strings.Cut(string(line), " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) >= 5 && len(g) >= 2 && f[4] == "/run" && g[0] == "tmpfs" && strings.HasPrefix(g[1], markerPrefix) {
			nonce = strings.TrimPrefix(g[1], markerPrefix) // the last (topmost) one
		}
	}
	return nonce
}

// CanAdminNet reports whether this process may change its network
// namespace: CAP_NET_ADMIN and CAP_SYS_ADMIN in its effective set, in a
// user namespace that owns the network namespace (or an ancestor of its
// owner). Root inside a sandbox may; the caller of `unshare -U -r`
// without a network namespace of its own may not.
func CanAdminNet() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	has := func(c int) bool { return data[c/32].Effective&(1<<(uint(c)%32)) != 0 }
	if !has(unix.CAP_NET_ADMIN) || !has(unix.CAP_SYS_ADMIN) {
		return false
	}
	return ownsNetNS()
}

// ownsNetNS: the current user namespace is the owner of the current
// network namespace's user namespace or one of its ancestors. A socket's
// SIOCGSKNS answers exactly that (it hands out the socket's network
// namespace only to a caller with CAP_NET_ADMIN over it), without a
// path through /proc, which costs a short-lived netlab tens of
// microseconds. Where it is not there, NS_GET_USERNS of /proc's
// handle answers the same: ns_get_owner walks up from the owner to the
// caller's user namespace and refuses with EPERM when it does not meet
// it.
func ownsNetNS() bool {
	if ok, known := ownsBySocket(); known {
		return ok
	}
	return ownsByProc()
}

// ownsByProc asks NS_GET_USERNS of /proc's handle of the current network
// namespace.
func ownsByProc() bool {
	nfd, err := unix.Open("/proc/self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(nfd)
	fd, err := unix.IoctlRetInt(nfd, unix.NS_GET_USERNS)
	if errors.Is(err, unix.EPERM) {
		return false // owned by a user namespace above ours
	}
	if err != nil {
		// The ioctl is not there (an old kernel, qemu-user does not
		// translate it): the capabilities are all we can judge by.
		return true
	}
	unix.Close(fd)
	return true
}

// ownsBySocket asks SIOCGSKNS of a socket of the current network
// namespace; known is false when the kernel (or qemu-user) has no
// answer.
func ownsBySocket() (ok, known bool) {
	s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false, false
	}
	defer unix.Close(s)
	fd, err := unix.IoctlRetInt(s, unix.SIOCGSKNS)
	switch {
	case err == nil:
		unix.Close(fd)
		return true, true
	case errors.Is(err, unix.EPERM):
		return false, true
	}
	return false, false
}
