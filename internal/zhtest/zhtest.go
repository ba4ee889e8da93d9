// Package zhtest helps the tests of the Chinese edition.
package zhtest

import "unicode"

// HasHan reports whether s holds a Han character: a text said in Chinese
// does, the same text said in English must not.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
