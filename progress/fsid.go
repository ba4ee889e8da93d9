package progress

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Identity is a filesystem identity: the owner of what netlab creates in
// a learner's home, and whose permissions decide what it may touch there.
type Identity struct {
	UID, GID int
	Groups   []int
}

// noLoginUID is /proc/self/loginuid when no login session set it.
const noLoginUID = "4294967295"

// Learner is the uid of the person netlab works for, decided from the
// kernel where it can: the real uid; when that is root and netlab runs
// under sudo, SUDO_UID, but only when the kernel's audit login uid (set
// at login, kept across sudo, unchangeable by the user) agrees or is
// unset. An environment variable alone cannot name another user.
func Learner() int {
	lu, _ := os.ReadFile("/proc/self/loginuid")
	return learnerUID(unix.Getuid(), os.Getenv("SUDO_UID"), strings.TrimSpace(string(lu)))
}

func learnerUID(ruid int, sudoUID, loginUID string) int {
	if ruid != 0 {
		return ruid
	}
	n, err := strconv.Atoi(sudoUID)
	if err != nil || n <= 0 {
		return 0
	}
	if loginUID != "" && loginUID != noLoginUID && loginUID != sudoUID {
		return 0
	}
	return n
}

// storeFor is the store of the user uid: ~/.local/state/netlab below the
// home directory the passwd database gives (not $HOME, which sudo may
// keep from the caller). XDG_STATE_HOME is honoured where it cannot make
// root write anywhere: when the files are written as the learner, when
// no sudo is involved (the caller's own files), and otherwise only inside
// the home directory.
func storeFor(uid int) (*Store, error) {
	euid := unix.Geteuid()
	// sudo sets SUDO_UID itself; "0" means root ran sudo: no boundary is
	// crossed, and root's environment (XDG_STATE_HOME) is root's own.
	sudoUID := os.Getenv("SUDO_UID")
	underSudo := unix.Getuid() == 0 && sudoUID != "" && sudoUID != "0"
	var owner *Identity
	home := ""
	u, err := user.LookupId(strconv.Itoa(uid))
	if err == nil {
		home = u.HomeDir
		// Inside a user namespace (netlab's sandbox) where the learner's
		// uid is not mapped, no identity can be taken, and none needs to
		// be: root there holds no power over files of unmapped owners.
		if euid == 0 && uid != 0 && uidMapped(readUIDMap(), uid) {
			owner, err = identityOf(u)
			if err != nil {
				return nil, err
			}
		}
	} else if uid != euid {
		return nil, fmt.Errorf("netlab cannot find user %d in the passwd database: %w", uid, err)
	}

	xdg := os.Getenv("XDG_STATE_HOME")
	if xdg != "" && filepath.IsAbs(xdg) && owner == nil && !underSudo {
		// The caller's own files (no sudo involved): their own setting.
		xdg = filepath.Clean(xdg)
		return &Store{Base: existing(xdg), Dir: filepath.Join(xdg, "netlab")}, nil
	}
	if home == "" || !filepath.IsAbs(home) {
		if uid != euid || underSudo {
			return nil, fmt.Errorf("user %d has no home directory in the passwd database for netlab's progress", uid)
		}
		// Our own files, without sudo: $HOME is the caller's to set.
		if home, err = os.UserHomeDir(); err != nil || !filepath.IsAbs(home) {
			return nil, fmt.Errorf("netlab cannot find your home directory for its progress")
		}
	}
	home = filepath.Clean(home)
	s := &Store{Base: home, Dir: filepath.Join(home, ".local", "state", "netlab"), Owner: owner}
	if xdg != "" && filepath.IsAbs(xdg) {
		xdg = filepath.Clean(xdg)
		switch {
		case owner != nil:
			// Written as the learner: their setting can lead only where
			// they may write anyway.
			s.Base, s.Dir = existing(xdg), filepath.Join(xdg, "netlab")
		case xdg == home || strings.HasPrefix(xdg, home+"/"):
			// Root's own files under a sudo that named no trusted
			// learner: only inside root's home.
			s.Dir = filepath.Join(xdg, "netlab")
		}
	}
	return s, nil
}

// existing is the nearest directory at or above dir that exists: the walk
// starts there, and creates (without following symlinks) what is missing
// below it, as XDG asks of a state directory that does not exist yet.
func existing(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			return dir
		}
		dir = up
	}
}

// AsLearner runs f with the filesystem identity of the learner (see
// Learner) when netlab runs under sudo for them, else as netlab itself:
// a file the learner asked for (a --junit report) is theirs, and goes
// only where they may write.
func AsLearner(f func() error) error { return asUser(Learner(), f) }

func asUser(uid int, f func() error) error {
	if unix.Geteuid() != 0 || uid == 0 || !uidMapped(readUIDMap(), uid) {
		return f()
	}
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return fmt.Errorf("netlab cannot find user %d in the passwd database: %w", uid, err)
	}
	id, err := identityOf(u)
	if err != nil {
		return err
	}
	return id.do(f)
}

func readUIDMap() string {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return "0 0 4294967295" // no /proc: assume the initial namespace
	}
	return string(b)
}

// uidMapped reports whether uid exists in the user namespace whose
// /proc/self/uid_map is m.
func uidMapped(m string, uid int) bool {
	for _, l := range strings.Split(m, "\n") {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		in, err1 := strconv.ParseUint(f[0], 10, 32)
		n, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 == nil && err2 == nil && uint64(uid) >= in && uint64(uid) < in+n {
			return true
		}
	}
	return false
}

func identityOf(u *user.User) (*Identity, error) {
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user %s has a non-numeric uid or gid", u.Username)
	}
	id := &Identity{UID: uid, GID: gid}
	gs, _ := u.GroupIds()
	for _, g := range gs {
		if n, err := strconv.Atoi(g); err == nil {
			id.Groups = append(id.Groups, n)
		}
	}
	if len(id.Groups) == 0 {
		id.Groups = []int{gid}
	}
	return id, nil
}

// do runs f with the filesystem identity id (nil: netlab's own). The
// switch is per thread: f runs in a goroutine of its own, on a locked OS
// thread whose fsuid, fsgid and supplementary groups are the learner's (a
// non-zero fsuid also drops CAP_DAC_OVERRIDE and the other file
// capabilities from that thread), so no other goroutine is affected. When
// the thread cannot be switched back, the goroutine ends with the thread
// still locked, and Go destroys the thread instead of reusing it.
//
// The raw calls matter: syscall.Setgroups changes every thread of the
// process; unix.Setgroups, Setfsuid and Setfsgid change only this one.
func (id *Identity) do(f func() error) error {
	if id == nil {
		return f()
	}
	res := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		restored := true
		defer func() {
			if restored {
				runtime.UnlockOSThread()
			}
		}()
		res <- id.switchAndRun(f, &restored)
	}()
	return <-res
}

func (id *Identity) switchAndRun(f func() error, restored *bool) error {
	groups, err := unix.Getgroups()
	if err != nil {
		return fmt.Errorf("read supplementary groups: %w", err)
	}
	oldUID, oldGID := unix.Geteuid(), unix.Getegid()
	restore := func() {
		_, _ = unix.SetfsuidRetUid(oldUID)
		_, _ = unix.SetfsgidRetGid(oldGID)
		err := unix.Setgroups(groups)
		*restored = err == nil && fsuid() == oldUID && fsgid() == oldGID
	}
	defer restore()
	if err := unix.Setgroups(id.Groups); err != nil {
		return fmt.Errorf("take the learner's groups: %w", err)
	}
	_, _ = unix.SetfsgidRetGid(id.GID)
	_, _ = unix.SetfsuidRetUid(id.UID)
	if fsuid() != id.UID || fsgid() != id.GID {
		return fmt.Errorf("netlab cannot take user %d's identity for its files", id.UID)
	}
	return f()
}

// fsuid and fsgid read the thread's current values: setfs[ug]id with an
// invalid id changes nothing and returns the current one.
func fsuid() int { n, _ := unix.SetfsuidRetUid(-1); return n }
func fsgid() int { n, _ := unix.SetfsgidRetGid(-1); return n }
