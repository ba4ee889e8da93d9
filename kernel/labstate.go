package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// StateRoot holds one directory per lab (records, locks). It is a
// root-owned 0700 directory under /run, so it goes with a reboot, as the
// namespaces it describes do. Tests point it elsewhere; nothing else may.
var StateRoot = "/run/netlab"

// LabStateDir is the state directory of the lab netlab runs in, keyed by
// the identity of the lab's root network namespace: its inode and its
// cookie (SO_NETNS_COOKIE, never reused while the machine runs, where an
// inode number is reused once its namespace is gone). Two sandboxes never
// share one, and a host lab keeps one across netlab runs. Every component
// is created without following symlinks and must be a directory owned by
// us with mode 0700. Directories of labs that are gone are removed here.
func LabStateDir() (string, error) {
	name, err := labDirName()
	if err != nil {
		return "", err
	}
	if err := mkPrivateDir(StateRoot); err != nil {
		return "", err
	}
	dir := filepath.Join(StateRoot, name)
	if err := mkPrivateDir(dir); err != nil {
		return "", err
	}
	removeGoneLabs(name)
	return dir, nil
}

var (
	cookieOnce sync.Once
	cookie     uint64
	cookieErr  error
)

// labDirName names the lab's state directory: net-INODE-COOKIE.
func labDirName() (string, error) {
	ino, err := ownNSIno()
	if err != nil {
		return "", fmt.Errorf("identify the lab's network namespace: %w", err)
	}
	cookieOnce.Do(func() {
		// A socket belongs to the namespace of the thread that makes it;
		// an unlocked thread is always in the lab's root (see InNS).
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			cookieErr = err
			return
		}
		defer unix.Close(fd)
		cookie, cookieErr = unix.GetsockoptUint64(fd, unix.SOL_SOCKET, unix.SO_NETNS_COOKIE)
		if errors.Is(cookieErr, unix.ENOPROTOOPT) || errors.Is(cookieErr, unix.EINVAL) {
			// Linux before 5.14, or qemu-user: the inode alone names
			// the lab (cookie 0), as good as it gets there.
			cookie, cookieErr = 0, nil
		}
	})
	if cookieErr != nil {
		return "", fmt.Errorf("identify the lab's network namespace (SO_NETNS_COOKIE): %w", cookieErr)
	}
	return fmt.Sprintf("net-%d-%d", ino, cookie), nil
}

// removeGoneLabs removes the state directories of labs whose network
// namespace no process is in any more (a sandbox that ended), and of
// earlier namespaces that had our inode number. A directory whose lab lock
// is held is in use and stays. Best effort: a failure leaves a directory.
func removeGoneLabs(own string) {
	ents, err := os.ReadDir(StateRoot)
	if err != nil {
		return
	}
	var live map[uint64]bool
	ownIno, _ := ownNSIno()
	for _, e := range ents {
		n := e.Name()
		var ino, ck uint64
		if n == own || !e.IsDir() {
			continue
		}
		if _, err := fmt.Sscanf(n, "net-%d-%d", &ino, &ck); err != nil {
			continue
		}
		if ino != ownIno {
			// Only a process of the initial PID namespace sees every
			// process, so only it can tell that no one is in a lab.
			if !fullProcView() {
				continue
			}
			if live == nil {
				live = liveNetns()
			}
			if live[ino] {
				continue
			}
		}
		dir := filepath.Join(StateRoot, n)
		fd, err := unix.Open(filepath.Join(dir, LabLockName), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err == nil {
			if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil {
				unix.Close(fd)
				continue // a netlab is working there
			}
		}
		_ = os.RemoveAll(dir)
		if err == nil {
			unix.Close(fd)
		}
	}
}

// initPidNSIno is the fixed inode of the initial PID namespace
// (PROC_PID_INIT_INO in the kernel).
const initPidNSIno = "pid:[4026531836]"

// fullProcView reports whether /proc shows every process of the machine:
// netlab runs in the initial PID namespace and /proc is its.
func fullProcView() bool {
	l, err := os.Readlink("/proc/self/ns/pid")
	return err == nil && l == initPidNSIno
}

// liveNetns is the set of network namespace inodes some process is in.
func liveNetns() map[uint64]bool {
	live := map[uint64]bool{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if p.Name()[0] < '0' || p.Name()[0] > '9' {
			continue
		}
		l, err := os.Readlink("/proc/" + p.Name() + "/ns/net")
		if err != nil {
			continue
		}
		var ino uint64
		if _, err := fmt.Sscanf(l, "net:[%d]", &ino); err == nil {
			live[ino] = true
		}
	}
	return live
}

// LabLockName is the file of the lab lock that reset, solve and setup
// hold (runner.LockLab).
const LabLockName = "lab.lock"

// existingLabStateDir is LabStateDir when it exists, or "" (never
// creating it: reading needs no directory).
func existingLabStateDir() (string, error) {
	name, err := labDirName()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(StateRoot, name)
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); errors.Is(err, unix.ENOENT) {
		if err := unix.Lstat(StateRoot, &st); errors.Is(err, unix.ENOENT) {
			return "", nil
		}
	}
	// It exists (or something is in the way): check it as LabStateDir does.
	if err := checkPrivateDir(StateRoot); err != nil {
		return "", err
	}
	if err := unix.Lstat(dir, &st); errors.Is(err, unix.ENOENT) {
		return "", nil
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// mkPrivateDir makes dir (its parent must exist) or accepts it as it is
// only when it is a real directory, ours, and closed to others.
func mkPrivateDir(dir string) error {
	if err := unix.Mkdir(dir, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("create netlab's state directory %s: %w", dir, err)
	}
	return checkPrivateDir(dir)
}

func checkPrivateDir(dir string) error {
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return fmt.Errorf("netlab's state directory %s: %w", dir, err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("netlab's state directory %s is not a directory (a symlink or a file was put there): remove it", dir)
	case int(st.Uid) != os.Geteuid():
		return fmt.Errorf("netlab's state directory %s belongs to uid %d, not to netlab's user: remove it", dir, st.Uid)
	case st.Mode&0o077 != 0:
		return fmt.Errorf("netlab's state directory %s is open to other users (mode %o): remove it", dir, st.Mode&0o777)
	}
	return nil
}

// openStateFile opens (creating) name in the lab state directory, never
// through a symlink.
func openStateFile(name string, flags int) (*os.File, error) {
	dir, err := LabStateDir()
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, name)
	fd, err := unix.Open(p, flags|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	return os.NewFile(uintptr(fd), p), nil
}

// ErrLabBusy is returned (wrapped) when another netlab holds a lab lock
// for longer than the caller wants to wait.
var ErrLabBusy = errors.New("another netlab is changing this lab")

// Lock is a held lock of the lab state directory.
type Lock struct{ f *os.File }

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor drops the flock
	l.f = nil
	return err
}

// lockPoll is how often a waiting lock tries again. flock(2) cannot be
// interrupted by a context, so the wait is a series of non-blocking tries.
const lockPoll = 20 * time.Millisecond

// LockLab takes the exclusive lock name (a file in the lab state
// directory) across processes. It waits until ctx is done or bound has
// passed (bound <= 0: only ctx), then fails with ErrLabBusy naming the
// holder's pid. The holder's pid is written into the file for that.
func LockLab(ctx context.Context, name string, bound time.Duration) (*Lock, error) {
	f, err := openStateFile(name, unix.O_RDWR)
	if err != nil {
		return nil, err
	}
	var deadline <-chan time.Time
	if bound > 0 {
		t := time.NewTimer(bound)
		defer t.Stop()
		deadline = t.C
	}
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-deadline:
			pid := holder(f)
			f.Close()
			if pid > 0 {
				return nil, fmt.Errorf("another netlab (pid %d) is changing this lab: %w", pid, ErrLabBusy)
			}
			return nil, fmt.Errorf("another netlab is changing this lab: %w", ErrLabBusy)
		case <-tick.C:
		}
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

func holder(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return pid
}

// ReadStateFile reads name from the lab state directory; a missing file
// is (nil, nil).
func ReadStateFile(name string) ([]byte, error) {
	dir, err := existingLabStateDir()
	if err != nil || dir == "" {
		return nil, err
	}
	p := filepath.Join(dir, name)
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	f := os.NewFile(uintptr(fd), p)
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	return io.ReadAll(f)
}

// WriteStateFile replaces name in the lab state directory atomically.
func WriteStateFile(name string, data []byte) error {
	dir, err := LabStateDir()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return nil
}

// RemoveStateFile removes name from the lab state directory.
func RemoveStateFile(name string) error {
	dir, err := existingLabStateDir()
	if err != nil || dir == "" {
		return err
	}
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// LabStateDir is the state directory of the lab this kernel reads: the
// one netlab runs in. Fakes have none, so records and locks belong to the
// real kernel only.
func (l *Linux) LabStateDir() (string, error) { return LabStateDir() }
