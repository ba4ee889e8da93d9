package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/i18n"
)

// output records the first error of any write to stdout. After one
// failed write the rest fail at once: half a report is not a report.
type output struct {
	w     io.Writer
	mu    sync.Mutex
	first error
	// onErr are told of the first failed write (a command that would
	// otherwise run on, like watch, stops).
	onErr []func(error)
}

// notify calls f with the first write error, now or when it happens.
func (o *output) notify(f func(error)) {
	o.mu.Lock()
	err := o.first
	if err == nil {
		o.onErr = append(o.onErr, f)
	}
	o.mu.Unlock()
	if err != nil {
		f(err)
	}
}

// newOutput wraps stdout. A terminal is left as it is: the guided shell
// hands it to its child, which must see a terminal, not a pipe, and a
// terminal does not fill up.
func newOutput(w io.Writer) *output {
	o := &output{}
	if f, ok := w.(*os.File); ok {
		if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			o.w = w
			return o
		}
	}
	o.w = &recordingWriter{o: o, w: w}
	return o
}

func (o *output) err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.first
}

type recordingWriter struct {
	o *output
	w io.Writer
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	if err := r.o.err(); err != nil {
		return 0, err
	}
	n, err := r.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		r.o.mu.Lock()
		var tell []func(error)
		if r.o.first == nil {
			r.o.first, tell, r.o.onErr = err, r.o.onErr, nil
		}
		r.o.mu.Unlock()
		for _, f := range tell {
			f(err)
		}
	}
	return n, err
}

// flagError turns pflag's errors into one plain sentence: `--step abc`
// is "--step takes a whole number, not "abc"", not strconv's words.
func (a *App) flagError(err error) error {
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		f := iv.GetFlag()
		d := i18n.Data{"Flag": f.Name, "Value": fmt.Sprintf("%q", iv.GetValue())}
		var re rangeError
		switch {
		case errors.As(err, &re):
			d["Min"], d["Value"] = re.min, re.value
			return a.usage("err-flag-min", d)
		case f.Value.Type() == "int":
			return a.usage("err-flag-int", d)
		case f.Value.Type() == "duration":
			return a.usage("err-flag-duration", d)
		}
		return a.usage("err-flag-value", d)
	}
	if perr, ok := a.pflagError(err); ok {
		return perr
	}
	return a.usage("err-flag-other", i18n.Data{"Err": err})
}

// rangeError is a flag value of the right type out of its range: below
// min.
type rangeError struct{ min, value string }

func (e rangeError) Error() string { return fmt.Sprintf("must be at least %s, not %s", e.min, e.value) }

// minDuration is a duration flag with a lower bound.
type minDuration struct {
	p   *time.Duration
	min time.Duration
}

func (d minDuration) String() string { return d.p.String() }
func (d minDuration) Type() string   { return "duration" }
func (d minDuration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < d.min {
		return rangeError{d.min.String(), s}
	}
	*d.p = v
	return nil
}

// stepRange checks a step flag that was given: steps are 1..n.
func (a *App) stepRange(flag string, lesson, n, k int) error {
	if k < 1 || k > n {
		return a.usage("err-step-range", i18n.Data{"ID": lesson, "N": n, "Flag": flag, "K": strconv.Itoa(k)})
	}
	return nil
}
