// Package stack grows a new goroutine's stack in one step.
package stack

// Grow makes the calling goroutine's stack hold at least 16 KiB at once.
// A goroutine starts with 2 KiB and the runtime doubles its stack each
// time a call needs more, copying it every time: a goroutine that reads
// netlink answers and walks a lab's paths goes 2, 4, 8, 16 KiB, three
// copies (each adjusting every frame's pointers, found through the
// binary's tables), where one copy made while the stack is still
// shallow does.
//
//go:noinline
func Grow() {
	var frame [14 << 10]byte
	sink(&frame)
}

//go:noinline
func sink(*[14 << 10]byte) {}
