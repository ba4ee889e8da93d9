// Command hello is the baseline of `netlab --help`'s start-up time: the
// smallest Go program that prints a line.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
