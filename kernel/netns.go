package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// NetnsDir is where `ip netns` keeps its namespace mounts.
const NetnsDir = "/run/netns"

// nsfsMagic is the statfs f_type of a network-namespace mount. A file under
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

func namespaceState(ns string) (NSState, error) {
	if err := validName(ns); err != nil {
		return NSMissing, err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(nsPath(ns), &st); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return NSMissing, nil
		}
		return NSMissing, fmt.Errorf("statfs %s: %w", nsPath(ns), err)
	}
	if int64(st.Type) != nsfsMagic {
		return NSStale, nil
	}
	return NSPresent, nil
}

func listNamespaces() ([]string, error) {
	ents, err := os.ReadDir(NetnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", NetnsDir, err)
	}
	var out []string
	for _, e := range ents {
		if st, err := namespaceState(e.Name()); err == nil && st == NSPresent {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// openNamed opens a validated named namespace.
func openNamed(ns string) (netns.NsHandle, error) {
	st, err := namespaceState(ns)
	if err != nil {
		return netns.None(), err
	}
	switch st {
	case NSMissing:
		return netns.None(), fmt.Errorf("%s: %w", ns, ErrNoNamespace)
	case NSStale:
		return netns.None(), fmt.Errorf("%s: %w (%s is a leftover file, not a namespace mount)", ns, ErrNoNamespace, nsPath(ns))
	}
	h, err := netns.GetFromPath(nsPath(ns))
	if err != nil {
		return netns.None(), fmt.Errorf("open namespace %s: %w", ns, err)
	}
	return h, nil
}

// currentNS returns the network namespace of the calling OS thread, taken
// while the thread is locked so that it is the thread we mean.
func currentNS() (netns.NsHandle, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return netns.Get()
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
	// MNT_DETACH: a learner's shell may still hold the namespace; the mount
	// goes, and the namespace dies when its last user exits.
	if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount %s: %w", p, err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return nil
}
