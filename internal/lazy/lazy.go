// Package lazy holds values made on first use, whose zero value is ready:
// a package-level lazy.Value costs nothing when netlab starts.
//
// sync.OnceValue does the same job, but a package-level
// `var x = sync.OnceValue(f)` runs at init and allocates its closures and
// its Once in every process, even one (`netlab check 2`) that never asks
// for x. netlab starts often and lives a few milliseconds, so its own
// packages keep their inits empty (cmd/netlab's TestOwnInitsAllocateNothing).
package lazy

import "sync"

// Value is a T made by the first Get. Like sync.OnceValue, a panic while
// making it is raised again by every Get.
type Value[T any] struct {
	once  sync.Once
	valid bool
	p     any
	v     T
}

// Get returns the value, making it with f on the first call. Every
// call for one Value must pass the same function.
func (l *Value[T]) Get(f func() T) T {
	l.once.Do(func() {
		defer func() {
			if !l.valid {
				l.p = recover()
				panic(l.p)
			}
		}()
		l.v = f()
		l.valid = true
	})
	if !l.valid {
		panic(l.p)
	}
	return l.v
}

// Values is a T and an error made by the first Get (sync.OnceValues).
type Values[T any] struct {
	once  sync.Once
	valid bool
	p     any
	v     T
	err   error
}

// Get returns the value and error, making them with f on the first
// call. Every call for one Values must pass the same function.
func (l *Values[T]) Get(f func() (T, error)) (T, error) {
	l.once.Do(func() {
		defer func() {
			if !l.valid {
				l.p = recover()
				panic(l.p)
			}
		}()
		l.v, l.err = f()
		l.valid = true
	})
	if !l.valid {
		panic(l.p)
	}
	return l.v, l.err
}
