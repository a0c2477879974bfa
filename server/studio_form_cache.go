package server

import (
	"sync"

	"canvass/forms"
	"canvass/rules"
)

// designerLoads keeps the compiled forms of the drafts the designer saved
// last, by file name and checksum: the page an author's browser loads
// after each edit shows the draft that edit compiled, so it need not
// compile it again. Compiling is a pure function of the file's name and
// bytes, so one cache serves every Server in the process.
var designerLoads = newLoadCache(32)

type loadCache struct {
	mu    sync.Mutex
	max   int
	order []string // oldest first
	byKey map[string]cachedLoad
}

type cachedLoad struct {
	src   []byte
	form  *forms.Form
	diags []rules.Diagnostic
}

func newLoadCache(n int) *loadCache {
	return &loadCache{max: n, byKey: map[string]cachedLoad{}}
}

func (c *loadCache) get(filename, checksum string) (cachedLoad, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.byKey[filename+"\x00"+checksum]
	return l, ok
}

func (c *loadCache) put(filename, checksum string, l cachedLoad) {
	key := filename + "\x00" + checksum
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, key)
	c.byKey[key] = l
}
