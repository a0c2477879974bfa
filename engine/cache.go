package engine

import (
	"context"
	"sync"
)

// caches keep what every submission reads and what changes rarely: the
// latest published version of each definition, org units, and whether a
// campaign was closed by hand. (Compiled definitions live in catalog: a
// published version never changes, so those entries never go stale.)
//
// They are correct across processes without a timer: everything here is
// valid for one cache generation of the store (Store.CacheGeneration),
// which changes whenever a publish, an org-unit change or a closure is
// written, by whichever process. A caller brings the generation it read;
// when it differs from the one the caches were filled under, they are
// dropped and filled again. A request that reads the generation once
// (WithCacheGeneration) pays one small read for all of them.
type caches struct {
	mu       sync.Mutex
	gen      string
	latest   map[string]int              // kind/id → latest published version
	units    map[string]OrgUnit          // code → unit
	closures map[string]*CampaignClosure // campaign ID → closure; nil: not closed
}

// at returns the caches for generation g, locked, dropping them first when
// they were filled under another generation. The caller unlocks c.mu.
func (c *caches) at(g string) *caches {
	c.mu.Lock()
	if c.gen != g || c.latest == nil {
		c.gen = g
		c.latest = map[string]int{}
		c.units = map[string]OrgUnit{}
		c.closures = map[string]*CampaignClosure{}
	}
	return c
}

// fill runs put on the caches if they are still at generation g: a value
// read from the store after reading g is at least as new as g, and a
// cache that moved on to another generation must not get it.
func (c *caches) fill(g string, put func(c *caches)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == g && c.latest != nil {
		put(c)
	}
}

type cacheGenKey struct{}

// WithCacheGeneration reads the store's cache generation once and returns
// a context that carries it: the cached look-ups made with that context
// (definitions' latest versions, org units, closures) ask the store
// nothing more. For one request's worth of work: what is published or
// reorganised after the read is seen by the next request.
func (e *Engine) WithCacheGeneration(ctx context.Context) (context.Context, error) {
	g, err := e.store.CacheGeneration(ctx)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, cacheGenKey{}, g), nil
}

// cacheGeneration is the generation ctx carries, else the store's now.
func (e *Engine) cacheGeneration(ctx context.Context) (string, error) {
	if g, ok := ctx.Value(cacheGenKey{}).(string); ok {
		return g, nil
	}
	return e.store.CacheGeneration(ctx)
}

// orgUnit is Store.GetOrgUnit through the caches. The caller gets its own
// copy.
func (e *Engine) orgUnit(ctx context.Context, code string) (*OrgUnit, error) {
	g, err := e.cacheGeneration(ctx)
	if err != nil {
		return nil, err
	}
	c := e.caches.at(g)
	u, ok := c.units[code]
	c.mu.Unlock()
	if ok {
		return &u, nil
	}
	got, err := e.store.GetOrgUnit(ctx, code)
	if err != nil {
		return nil, err
	}
	e.caches.fill(g, func(c *caches) { c.units[code] = *got })
	return got, nil
}

// campaignClosure is Store.CampaignClosure through the caches.
func (e *Engine) campaignClosure(ctx context.Context, id string) (*CampaignClosure, error) {
	g, err := e.cacheGeneration(ctx)
	if err != nil {
		return nil, err
	}
	c := e.caches.at(g)
	cl, ok := c.closures[id]
	c.mu.Unlock()
	if !ok {
		got, err := e.store.CampaignClosure(ctx, id)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		cl = got // nil when not closed
		e.caches.fill(g, func(c *caches) { c.closures[id] = got })
	}
	if cl == nil {
		return nil, Errorf(ENOTFOUND, "campaign %s is not closed", id)
	}
	copied := *cl
	return &copied, nil
}

// latestVersion returns the cached latest published version of kind/id at
// generation g, 0 when unknown.
func (e *Engine) latestVersion(g, kind, id string) int {
	c := e.caches.at(g)
	defer c.mu.Unlock()
	return c.latest[kind+"/"+id]
}

func (e *Engine) setLatestVersion(g, kind, id string, version int) {
	e.caches.fill(g, func(c *caches) { c.latest[kind+"/"+id] = version })
}
