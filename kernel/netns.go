package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// NetnsDir is where `ip netns` keeps its namespace mounts.
const NetnsDir = "/run/netns"

// nsfsMagic is the statfs f_type of a namespace mount. A file under
// /run/netns with any other type is a leftover that only looks like a
// namespace (ip netns add that failed half way, a mount made in another
// mount namespace, a learner's `touch`).
const nsfsMagic = 0x6e736673

func nsPath(ns string) string { return filepath.Join(NetnsDir, ns) }

// validName rejects names that would escape /run/netns.
func validName(ns string) error {
	if ns == "" || ns == "." || ns == ".." || filepath.Base(ns) != ns {
		return fmt.Errorf("%q is not a namespace name", ns)
	}
	return nil
}

// nsFile is what /run/netns/NAME turned out to be, judged by identity and
// never through a symlink.
type nsFile struct {
	state NSState
	ino   uint64
	// why says, for NSForeign, what the entry is instead.
	why string
	// fd is an O_RDONLY descriptor of the namespace for NSPresent (the
	// caller owns it), -1 otherwise.
	fd int
}

var (
	selfOnce sync.Once
	selfIno  uint64
	selfErr  error
)

// ownNSIno is the inode of the network namespace netlab was started in:
// the lab's root namespace. It is read on a locked thread that is not
// switched into any other namespace (see currentNS).
func ownNSIno() (uint64, error) {
	selfOnce.Do(func() {
		h, err := currentNS()
		if err != nil {
			selfErr = err
			return
		}
		defer h.Close()
		selfIno, selfErr = nsIno(h)
	})
	return selfIno, selfErr
}

// knowOwnNS makes h, a handle of the network namespace netlab was started
// in, ownNSIno's answer, unless it has one: New opens that handle anyway,
// and opening a namespace through /proc again costs tens of
// microseconds.
func knowOwnNS(h netns.NsHandle) {
	selfOnce.Do(func() { selfIno, selfErr = nsIno(h) })
}

func nsIno(h netns.NsHandle) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(h), &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// inspections counts inspectNS calls: tests hold a grading run to one
// look at each name (see Linux.judge).
var inspections atomic.Int64

// inspectNS looks at /run/netns/ns without following a symlink: the entry
// itself is opened O_PATH|O_NOFOLLOW, and only a bind mount of a network
// namespace other than the lab's root one counts as a lesson namespace.
// With keep, the NSPresent result carries an open descriptor of it (the
// very namespace that was judged, so no later path lookup can swap it).
func inspectNS(ns string, keep bool) (nsFile, error) {
	inspections.Add(1)
	f := nsFile{fd: -1}
	if err := validName(ns); err != nil {
		return f, err
	}
	p := nsPath(ns)
	pfd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			f.state = NSMissing
			return f, nil
		}
		return f, fmt.Errorf("open %s: %w", p, err)
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return f, fmt.Errorf("stat %s: %w", p, err)
	}
	f.ino = st.Ino
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		f.state, f.why = NSForeign, "it is a symlink, not a namespace mount"
		return f, nil
	case unix.S_IFREG:
	default:
		f.state, f.why = NSForeign, "it is not a file that `ip netns` makes"
		return f, nil
	}
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(pfd, &sfs); err != nil {
		return f, fmt.Errorf("statfs %s: %w", p, err)
	}
	if int64(sfs.Type) != nsfsMagic {
		// A regular file that is not a mount: what a failed or unmounted
		// `ip netns add` leaves.
		f.state = NSStale
		return f, nil
	}
	// Reopen the judged file itself (not the path) to ask its kind.
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return f, fmt.Errorf("open %s: %w", p, err)
	}
	typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	// qemu-user does not pass NS_GET_NSTYPE on: without an answer, an
	// nsfs mount under /run/netns is taken for what `ip netns` makes
	// (entering it would then fail plainly).
	unknown := errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL)
	if (err != nil && !unknown) || (err == nil && typ != unix.CLONE_NEWNET) {
		unix.Close(fd)
		f.state, f.why = NSForeign, "it is a mount of another kind of namespace, not a network namespace"
		return f, nil
	}
	own, err := ownNSIno()
	if err != nil {
		unix.Close(fd)
		return f, fmt.Errorf("identify the lab's root namespace: %w", err)
	}
	if st.Ino == own {
		unix.Close(fd)
		f.state, f.why = NSForeign, "it is the lab's own root namespace, not a lesson namespace"
		return f, nil
	}
	f.state = NSPresent
	if keep {
		f.fd = fd
	} else {
		unix.Close(fd)
	}
	return f, nil
}

// ForeignReason says why /run/netns/ns is not a lesson namespace, or ""
// when it is one (or is missing, or a leftover file).
func ForeignReason(ns string) (string, error) {
	f, err := inspectNS(ns, false)
	if err != nil || f.state != NSForeign {
		return "", err
	}
	return f.why, nil
}

// NamespaceInode is the identity (inode) of the namespace mounted at
// /run/netns/ns, judged as inspectNS does; 0 when it is not a lesson
// namespace.
func NamespaceInode(ns string) (uint64, error) {
	f, err := inspectNS(ns, false)
	if err != nil || f.state != NSPresent {
		return 0, err
	}
	return f.ino, nil
}

func listNamespaces() ([]string, error) { return listJudged(inspect) }

// inspect judges /run/netns/ns afresh, keeping no descriptor.
func inspect(ns string) (nsFile, error) { return inspectNS(ns, false) }

// listJudged lists the lesson namespaces under /run/netns, each entry
// judged by judge.
func listJudged(judge func(string) (nsFile, error)) ([]string, error) {
	ents, err := os.ReadDir(NetnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", NetnsDir, err)
	}
	var out []string
	for _, e := range ents {
		if f, err := judge(e.Name()); err == nil && f.state == NSPresent {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// openNamed opens a validated named namespace; ino is its identity.
func openNamed(ns string) (netns.NsHandle, uint64, error) {
	f, err := inspectNS(ns, true)
	if err != nil {
		return netns.None(), 0, err
	}
	if err := f.notPresent(ns); err != nil {
		return netns.None(), 0, err
	}
	return netns.NsHandle(f.fd), f.ino, nil
}

// notPresent says why f, the judgement of /run/netns/ns, is not a lesson
// namespace to read; nil when it is one.
func (f nsFile) notPresent(ns string) error {
	switch f.state {
	case NSPresent:
		return nil
	case NSStale:
		return fmt.Errorf("%s: %w (%s is a leftover file, not a namespace mount)", ns, ErrNoNamespace, nsPath(ns))
	case NSForeign:
		return fmt.Errorf("%s: %w (%s: %s; netlab leaves it alone)", ns, ErrNoNamespace, nsPath(ns), f.why)
	}
	return fmt.Errorf("%s: %w", ns, ErrNoNamespace)
}

// currentNS returns the network namespace of the calling OS thread, taken
// while the thread is locked so that it is the thread we mean.
func currentNS() (netns.NsHandle, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if h, err := socketNS(); err == nil {
		return h, nil
	}
	return netns.Get()
}

// socketNS is the network namespace of a socket made on the calling
// thread, by SIOCGSKNS: no path through /proc, which costs a short-lived
// netlab tens of microseconds. The kernel hands it out only with
// CAP_NET_ADMIN over the namespace (a netlab that grades has it);
// currentNS asks /proc otherwise.
func socketNS() (netns.NsHandle, error) {
	s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return netns.None(), err
	}
	defer unix.Close(s)
	fd, err := unix.IoctlRetInt(s, unix.SIOCGSKNS) // close-on-exec, as nsfs opens it
	if err != nil {
		return netns.None(), err
	}
	return netns.NsHandle(fd), nil
}

// InNS runs fn on an OS thread switched into target, then switches back.
//
// The thread stays locked for the whole of fn. If switching back fails the
// thread is left locked on purpose: the Go runtime then destroys it when the
// goroutine exits, instead of reusing a thread that sits in the wrong
// namespace. Goroutines that fn starts do NOT run in target; only sockets
// and processes created by fn itself on this thread belong to it.
func InNS(root, target netns.NsHandle, fn func() error) error {
	runtime.LockOSThread()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace: %w", err)
	}
	ferr := fn()
	if err := netns.Set(root); err != nil {
		// Leave the thread locked: see above.
		return errors.Join(ferr, fmt.Errorf("return to root namespace: %w", err))
	}
	runtime.UnlockOSThread()
	return ferr
}

func deleteNamespace(ns string) error {
	if err := validName(ns); err != nil {
		return err
	}
	p := nsPath(ns)
	f, err := inspectNS(ns, false)
	if err != nil {
		return err
	}
	if f.state == NSForeign {
		return fmt.Errorf("%s is not a lesson namespace (%s): netlab leaves it alone", p, f.why)
	}
	// MNT_DETACH: a learner's shell may still hold the namespace; the mount
	// goes, and the namespace dies when its last user exits. NOFOLLOW: never
	// unmount what a symlink planted there points at.
	if err := unix.Unmount(p, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount %s: %w", p, err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return nil
}
