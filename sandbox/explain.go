package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
)

// Refusal is one way this kernel refuses the user namespaces a sandbox
// needs, with the exact fix.
type Refusal struct {
	Setting string // the sysctl
	Value   string
	Why     string
	Fix     string
}

// AppArmorProfile is where netlab's AppArmor profile is installed; the
// source is packaging/apparmor/netlab.
const AppArmorProfile = "/etc/apparmor.d/netlab"

// Refusals reads the kernel settings that refuse user namespaces. read is
// os.ReadFile on the real machine; root tells whether the caller is root
// in the host's user namespace (the Debian and AppArmor switches spare root).
func Refusals(read func(string) ([]byte, error), root bool) []Refusal {
	val := func(p string) (string, bool) {
		b, err := read(p)
		if err != nil {
			return "", false
		}
		return strings.TrimSpace(string(b)), true
	}
	var out []Refusal
	if v, ok := val("/proc/sys/user/max_user_namespaces"); ok && v == "0" {
		out = append(out, Refusal{Setting: "user.max_user_namespaces", Value: v,
			Why: "user.max_user_namespaces is 0: the kernel allows no user namespace at all",
			Fix: "sudo sysctl -w user.max_user_namespaces=15000 (and put user.max_user_namespaces=15000 in /etc/sysctl.d/90-netlab.conf to keep it)"})
	}
	if root {
		return out
	}
	if v, ok := val("/proc/sys/kernel/unprivileged_userns_clone"); ok && v == "0" {
		out = append(out, Refusal{Setting: "kernel.unprivileged_userns_clone", Value: v,
			Why: "kernel.unprivileged_userns_clone is 0: this Debian kernel allows user namespaces to root only",
			Fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1 (and put it in /etc/sysctl.d/90-netlab.conf), or run netlab with sudo"})
	}
	if v, ok := val("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); ok && v == "1" {
		if _, err := read(AppArmorProfile); err != nil {
			out = append(out, Refusal{Setting: "kernel.apparmor_restrict_unprivileged_userns", Value: v,
				Why: "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later) and netlab's profile is not installed",
				Fix: "sudo install -m 0644 packaging/apparmor/netlab " + AppArmorProfile + " && sudo apparmor_parser -r " + AppArmorProfile + " (the profile names /usr/bin/netlab: edit the path if netlab lives elsewhere), or run netlab with sudo"})
		}
	}
	return out
}

// Error is a sandbox that could not be made, said in one sentence with
// the fix.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Explain turns the failure to make a sandbox into one plain sentence
// with the fix: which kernel setting refused, or what else went wrong.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	root := os.Geteuid() == 0 && InitialUserNS()
	if rs := Refusals(os.ReadFile, root); len(rs) > 0 {
		return &Error{Err: err, Msg: fmt.Sprintf("netlab cannot make its sandbox: %s; fix: %s.", rs[0].Why, rs[0].Fix)}
	}
	detail := strings.TrimPrefix(strings.TrimSpace(err.Error()), "error: ")
	detail = strings.Join(strings.Fields(detail), " ")
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &Error{Err: err, Msg: "netlab cannot make its sandbox: the kernel's limit of user namespaces is reached (user.max_user_namespaces); fix: sudo sysctl -w user.max_user_namespaces=15000."}
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES), strings.Contains(detail, "permission denied"), strings.Contains(detail, "operation not permitted"):
		return &Error{Err: err, Msg: fmt.Sprintf("netlab cannot make its sandbox: the kernel or a security module (seccomp, AppArmor, SELinux, a container) refuses user namespaces (%s); fix: run netlab on a host or VM that allows them, or see `netlab doctor`.", detail)}
	}
	return &Error{Err: err, Msg: fmt.Sprintf("netlab cannot make its sandbox: %s; `netlab doctor` tells what is missing.", detail)}
}

var (
	availOnce sync.Once
	availErr  error
)

// Available reports (once per process) whether a sandbox can be made
// here: nil, or the one-sentence error of Explain.
func Available() error {
	availOnce.Do(func() {
		availErr = probe(context.Background())
	})
	return availErr
}

// probe makes a sandbox that runs `true`, with the namespaces and the
// identity a real one has.
func probe(ctx context.Context) error {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	s, err := New(ctx, Options{Self: self, Argv: []string{"true"}})
	if err != nil {
		return Explain(err)
	}
	if err := s.Start(); err != nil {
		return err
	}
	if err := s.Wait(); err != nil {
		return Explain(fmt.Errorf("a test sandbox failed: %w", err))
	}
	return nil
}
