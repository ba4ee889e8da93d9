package kernel

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Event says that something in the network state may have changed.
type Event struct {
	// NS is the namespace the change happened in (Root or a name); for a
	// namespace appearing or going away, its name.
	NS string
	// What is "link/addr/route", WhatNeigh, "netfilter" or "netns".
	What string
}

// WhatNeigh marks an event made only of neighbour or FDB changes: the kind
// netlab's own probe pings cause.
const WhatNeigh = "neigh"

// EventSource delivers kernel events until it is closed. The watch loop
// depends only on this, so it is tested with a fake channel.
type EventSource interface {
	Events() <-chan Event
	Close() error
}

// routeGroups are the rtnetlink multicast groups a lesson's state lives in.
// IPv4 netconf carries forwarding on/off (sysctl net.ipv4.ip_forward),
// which lesson 4 grades and which changes no link, address or route.
const routeGroups = unix.RTMGRP_LINK | unix.RTMGRP_IPV4_IFADDR | unix.RTMGRP_IPV6_IFADDR |
	unix.RTMGRP_IPV4_ROUTE | unix.RTMGRP_IPV6_ROUTE | unix.RTMGRP_NEIGH |
	1<<(unix.RTNLGRP_IPV4_NETCONF-1) |
	// IPv6 netconf: net.ipv6.conf.*.forwarding (lesson 7's gateway).
	1<<(unix.RTNLGRP_IPV6_NETCONF-1)

// Watcher is the real EventSource: rtnetlink and nftables notifications in
// the lab's root namespace and in every named namespace, and, to follow
// namespaces created or deleted after it started, inotify on /run/netns
// plus the mount table's change notification (`ip netns add` creates the
// file first and mounts the namespace on it a moment later; the mount is
// the event that says the namespace is really there).
//
// One goroutine polls every descriptor; nothing is polled on a timer.
type Watcher struct {
	root   netns.NsHandle
	events chan Event
	wake   int // eventfd: Close wakes the poll loop
	done   chan struct{}
	once   sync.Once

	// Owned by the loop goroutine.
	inotify  int
	watching bool // inotify watch on /run/netns is in place
	mounts   int  // /proc/self/mountinfo, pollable for mount changes
	subs     map[string]*nsSubs
}

type nsSubs struct {
	ino uint64
	fds []int
}

var _ EventSource = (*Watcher)(nil)

// WatchEvents starts watching. Close it to stop.
func WatchEvents() (*Watcher, error) {
	root, err := currentNS()
	if err != nil {
		return nil, fmt.Errorf("open root network namespace: %w", err)
	}
	w := &Watcher{root: root, events: make(chan Event, 64), done: make(chan struct{}), subs: map[string]*nsSubs{}, inotify: -1, mounts: -1, wake: -1}
	fail := func(err error) (*Watcher, error) {
		w.closeFDs()
		return nil, err
	}
	if w.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return fail(fmt.Errorf("eventfd: %w", err))
	}
	if w.inotify, err = unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK); err != nil {
		return fail(fmt.Errorf("inotify: %w", err))
	}
	if w.mounts, err = unix.Open("/proc/self/mountinfo", unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
		return fail(fmt.Errorf("open mount table: %w", err))
	}
	fds, err := subscribe(root, root)
	if err != nil {
		return fail(fmt.Errorf("subscribe in the lab's root namespace: %w", err))
	}
	w.subs[Root] = &nsSubs{fds: fds}
	w.rescan(false)
	go w.loop()
	return w, nil
}

// Events returns the event channel; it is closed when the watcher stops.
func (w *Watcher) Events() <-chan Event { return w.events }

// Close stops the watcher and releases everything.
func (w *Watcher) Close() error {
	w.once.Do(func() {
		var one [8]byte
		one[0] = 1
		_, _ = unix.Write(w.wake, one[:])
		<-w.done
		w.closeFDs()
	})
	return nil
}

func (w *Watcher) closeFDs() {
	for _, s := range w.subs {
		for _, fd := range s.fds {
			unix.Close(fd)
		}
	}
	w.subs = map[string]*nsSubs{}
	for _, fd := range []int{w.wake, w.inotify, w.mounts} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	w.root.Close()
}

// subscribe opens the notification sockets inside target. A socket keeps
// the namespace it was created in, so it is made on a thread switched
// there (InNS) and used from anywhere afterwards.
func subscribe(root, target netns.NsHandle) ([]int, error) {
	var fds []int
	open := func(proto int, groups uint32) error {
		fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, proto)
		if err != nil {
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
			unix.Close(fd)
			return err
		}
		fds = append(fds, fd)
		return nil
	}
	do := func() error {
		if err := open(unix.NETLINK_ROUTE, routeGroups); err != nil {
			return fmt.Errorf("rtnetlink: %w", err)
		}
		// nftables notifications cover iptables-nft too. Best effort: a
		// kernel without nf_tables still gets the rtnetlink events.
		_ = open(unix.NETLINK_NETFILTER, 1<<(unix.NFNLGRP_NFTABLES-1))
		return nil
	}
	var err error
	if root == target {
		err = do()
	} else {
		err = InNS(root, target, do)
	}
	if err != nil {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, err
	}
	return fds, nil
}

func (w *Watcher) send(e Event) {
	select {
	case w.events <- e:
	default:
		// The reader is behind; it will grade anyway, and one pending
		// event says as much as many.
	}
}

// rescan brings the subscriptions in line with /run/netns: new or
// re-created namespaces are subscribed, vanished ones dropped.
func (w *Watcher) rescan(notify bool) {
	if !w.watching {
		err := func() error {
			_, err := unix.InotifyAddWatch(w.inotify, NetnsDir, unix.IN_CREATE|unix.IN_DELETE|unix.IN_MOVED_TO|unix.IN_MOVED_FROM|unix.IN_DELETE_SELF)
			return err
		}()
		// ENOENT: no /run/netns yet; the first `ip netns add` creates (and
		// mounts) it, and the mount change brings us back here.
		w.watching = err == nil
	}
	names, _ := listNamespaces()
	seen := map[string]bool{Root: true}
	for _, ns := range names {
		seen[ns] = true
		ino, err := NamespaceInode(ns)
		if err != nil || ino == 0 {
			continue
		}
		if s, ok := w.subs[ns]; ok && s.ino == ino {
			continue
		}
		w.drop(ns)
		h, _, err := openNamed(ns)
		if err != nil {
			continue
		}
		fds, err := subscribe(w.root, h)
		h.Close()
		if err != nil {
			continue
		}
		w.subs[ns] = &nsSubs{ino: ino, fds: fds}
		if notify {
			w.send(Event{NS: ns, What: "netns"})
		}
	}
	for ns := range w.subs {
		if !seen[ns] {
			w.drop(ns)
			if notify {
				w.send(Event{NS: ns, What: "netns"})
			}
		}
	}
}

func (w *Watcher) drop(ns string) {
	if s, ok := w.subs[ns]; ok {
		for _, fd := range s.fds {
			unix.Close(fd)
		}
		delete(w.subs, ns)
	}
}

// drain empties a notification socket and reports whether every message
// in it was a neighbour (or bridge FDB) change. Those are the only
// changes grading itself causes (its pings fill neighbour tables), so the
// watch loop treats them apart.
func drain(fd int) (onlyNeigh bool) {
	onlyNeigh = true
	buf := make([]byte, 64<<10)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil || n <= 0 {
			// EAGAIN: empty. ENOBUFS: we missed some, which only means
			// "something changed", which we report anyway.
			if errors.Is(err, unix.ENOBUFS) {
				onlyNeigh = false
				continue
			}
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return onlyNeigh
		}
		msgs, perr := syscall.ParseNetlinkMessage(buf[:n])
		if perr != nil {
			onlyNeigh = false
			continue
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
				if learnerNeigh(m.Data) {
					onlyNeigh = false
				}
			default:
				onlyNeigh = false
			}
		}
	}
}

func (w *Watcher) loop() {
	defer close(w.done)
	defer close(w.events)
	for {
		pfds := []unix.PollFd{
			{Fd: int32(w.wake), Events: unix.POLLIN},
			{Fd: int32(w.inotify), Events: unix.POLLIN},
			{Fd: int32(w.mounts), Events: unix.POLLPRI},
		}
		type owner struct{ ns, what string }
		var owners []owner
		for ns, s := range w.subs {
			for i, fd := range s.fds {
				pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
				what := "link/addr/route"
				if i == 1 {
					what = "netfilter"
				}
				owners = append(owners, owner{ns, what})
			}
		}
		_, err := unix.Poll(pfds, -1)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			fmt.Fprintf(os.Stderr, "netlab: event watch failed: %v\n", err)
			return
		}
		if pfds[0].Revents != 0 {
			return
		}
		changedNS := false
		if pfds[1].Revents != 0 {
			buf := make([]byte, 4096)
			for {
				n, err := unix.Read(w.inotify, buf)
				if err != nil || n <= 0 {
					break
				}
				for off := 0; off+unix.SizeofInotifyEvent <= n; {
					ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
					if ev.Mask&unix.IN_IGNORED != 0 {
						w.watching = false // /run/netns itself went away
					}
					off += unix.SizeofInotifyEvent + int(ev.Len)
				}
			}
			changedNS = true
		}
		if pfds[2].Revents != 0 {
			changedNS = true
		}
		for i, o := range owners {
			if pfds[3+i].Revents != 0 {
				what := o.what
				if drain(int(pfds[3+i].Fd)) && what != "netfilter" {
					what = WhatNeigh
				}
				w.send(Event{NS: o.ns, What: what})
			}
		}
		if changedNS {
			w.rescan(true)
		}
	}
}

// learnerNeigh reports a neighbour or FDB message about a permanent (or
// NOARP) entry: probes only make entries that the kernel learns and ages
// (reachable, stale, ...), while a learner's `bridge fdb append ... dev
// vxlan42 dst IP` or `ip neigh replace ... nud permanent` makes permanent
// ones, which must make watch grade again.
func learnerNeigh(data []byte) bool {
	// struct ndmsg: family(1) pad(3) ifindex(4) state(2) flags(1) type(1)
	if len(data) < 10 {
		return false
	}
	state := uint16(data[8]) | uint16(data[9])<<8
	return state&(unix.NUD_PERMANENT|unix.NUD_NOARP) != 0
}
