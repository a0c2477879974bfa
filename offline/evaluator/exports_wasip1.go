//go:build wasip1

package main

import "unsafe"

// buffers the page has asked for and not yet given back, kept here so
// the collector leaves them alone while JavaScript writes into them.
var buffers = map[uintptr][]byte{}

// alloc returns a buffer of n bytes in the module's memory for the page
// to write a request into.
//
//go:wasmexport alloc
func alloc(n uint32) uint32 {
	b := make([]byte, n+1) // +1: a zero-length request still has an address
	p := uintptr(unsafe.Pointer(&b[0]))
	buffers[p] = b
	return uint32(p)
}

// release gives a buffer from alloc or call back.
//
//go:wasmexport release
func release(p uint32) {
	delete(buffers, uintptr(p))
}

// call runs the JSON request of n bytes at p and returns its answer as
// one number: the answer's address in the high 32 bits, its length in
// the low 32. The page reads it, then releases the address.
//
//go:wasmexport call
func call(p, n uint32) uint64 {
	in := buffers[uintptr(p)][:n]
	out := handle(in)
	if len(out) == 0 {
		out = []byte("{}")
	}
	q := uintptr(unsafe.Pointer(&out[0]))
	buffers[q] = out
	return uint64(q)<<32 | uint64(len(out))
}
