package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/netlab/netlab/i18n"
)

// Refusal is one way this kernel refuses the user namespaces a sandbox
// needs, with the exact fix.
type Refusal struct {
	Setting string // the sysctl
	Value   string
	Why     string // in English; In says it in another language
	Fix     string

	whyID, fixID string
	data         i18n.Data
}

// refusal is a Refusal said from the catalogue.
func refusal(setting, value, whyID, fixID string, data i18n.Data) Refusal {
	r := Refusal{Setting: setting, Value: value, whyID: whyID, fixID: fixID, data: data}
	r.Why, r.Fix = r.In(i18n.EN)
	return r
}

// In is the refusal's why and fix in lang.
func (r Refusal) In(lang i18n.Lang) (why, fix string) {
	if r.whyID == "" {
		return r.Why, r.Fix
	}
	loc := i18n.For(lang)
	return loc.T(r.whyID, r.data), loc.T(r.fixID, r.data)
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
		out = append(out, refusal("user.max_user_namespaces", v, "sandbox-why-max-userns", "sandbox-fix-max-userns", nil))
	}
	if root {
		return out
	}
	if v, ok := val("/proc/sys/kernel/unprivileged_userns_clone"); ok && v == "0" {
		out = append(out, refusal("kernel.unprivileged_userns_clone", v, "sandbox-why-userns-clone", "sandbox-fix-userns-clone", nil))
	}
	if v, ok := val("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); ok && v == "1" {
		if _, err := read(AppArmorProfile); err != nil {
			out = append(out, refusal("kernel.apparmor_restrict_unprivileged_userns", v, "sandbox-why-apparmor", "sandbox-fix-apparmor", i18n.Data{"Profile": AppArmorProfile}))
		}
	}
	return out
}

// Error is a sandbox that could not be made, said in one sentence with
// the fix.
type Error struct {
	Msg string // in the language Explain or ExplainIn was asked for
	Err error

	say func(i18n.Lang) string // Msg in another language
}

func newError(err error, lang i18n.Lang, say func(*i18n.Localizer) string) *Error {
	e := &Error{Err: err, say: func(l i18n.Lang) string { return say(i18n.For(l)) }}
	e.Msg = e.say(lang)
	return e
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Explain turns the failure to make a sandbox into one plain sentence
// with the fix, in English: which kernel setting refused, or what else
// went wrong.
func Explain(err error) error { return ExplainIn(i18n.EN, err) }

// ExplainIn is Explain in lang; an error Explain already made is said
// again in lang.
func ExplainIn(lang i18n.Lang, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		if se.say == nil {
			return err
		}
		return &Error{Err: se.Err, say: se.say, Msg: se.say(lang)}
	}
	root := os.Geteuid() == 0 && InitialUserNS()
	if rs := Refusals(os.ReadFile, root); len(rs) > 0 {
		r := rs[0]
		return newError(err, lang, func(loc *i18n.Localizer) string {
			why, fix := r.In(loc.Lang())
			return loc.T("sandbox-refused", i18n.Data{"Why": why, "Fix": fix})
		})
	}
	detail := strings.TrimPrefix(strings.TrimSpace(err.Error()), "error: ")
	detail = strings.Join(strings.Fields(detail), " ")
	id := "sandbox-other"
	switch {
	case errors.Is(err, syscall.ENOSPC):
		id = "sandbox-limit"
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES), strings.Contains(detail, "permission denied"), strings.Contains(detail, "operation not permitted"):
		id = "sandbox-denied"
	}
	return newError(err, lang, func(loc *i18n.Localizer) string {
		d := detail
		if errors.Is(err, errEndedEarly) {
			d = loc.T("sandbox-ended-early", nil)
		}
		return loc.T(id, i18n.Data{"Detail": d})
	})
}

// errEndedEarly is a sandbox whose init ended without a word.
var errEndedEarly = errors.New("its first process ended before it was set up")

// envLang is the language of a netlab that has no --lang of its own
// (the sandbox's init): the NETLAB_LANG its parent set, else the locale.
func envLang() i18n.Lang {
	l, err := i18n.Choose("", os.Getenv)
	if err != nil {
		return i18n.EN
	}
	return l
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
