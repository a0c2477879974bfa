// Package app assembles Canvass: the engine core, its capability services
// (pay, indicators, registry, worklist) with their record followers, and
// the background work they run, in one place. The server, the demo seeder,
// the benchmark and tests build one App; `canvass serve` starts and stops
// it around the HTTP server.
package app

import (
	"context"
	"errors"
	"time"

	"canvass/engine"
	"canvass/engine/followup"
	"canvass/engine/indicators"
	"canvass/engine/pay"
	"canvass/engine/registry"
	"canvass/engine/worklist"
)

// Store is everything the engine and its capabilities need of a store:
// what store/sqlite and store/mongo implement, and what store/storetest
// checks.
type Store interface {
	pay.Store
	indicators.Store
	registry.Store
	worklist.Store
	followup.RunStore
}

// Config configures an App: the engine's configuration, with Store
// required and holding every capability's methods, plus the background
// schedule.
type Config struct {
	engine.Config

	// Owner names this process in the leases its background work takes
	// (unique per process; any number of processes may share a store).
	// Default "canvass".
	Owner string
	// SweepEvery is how often the timer, report and catch-up sweeps run;
	// default DefaultSweepEvery.
	SweepEvery time.Duration
	// ImportEvery is how often the import runner looks for queued jobs;
	// default DefaultImportEvery.
	ImportEvery time.Duration
}

// Background schedule defaults.
const (
	DefaultSweepEvery  = 15 * time.Second
	DefaultImportEvery = 2 * time.Second
)

// App is the engine with its capability services. The embedded Engine
// serves the core (records, workflow actions, definitions, campaigns, the
// directory, audit, notifications).
type App struct {
	*engine.Engine
	Pay        *pay.Service
	Indicators *indicators.Service
	Registry   *registry.Service
	Worklist   *worklist.Service
	Followups  *followup.Service

	background []engine.Background
}

// New builds the engine and its services over cfg.Store, registers the
// record followers (duplicates, indicator counters, pay — in that order)
// and lays out the background work; nothing runs until Start.
func New(cfg Config) *App {
	st, ok := cfg.Store.(Store)
	if !ok {
		panic("app: Config.Store must implement app.Store")
	}
	if cfg.Owner == "" {
		cfg.Owner = "canvass"
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = DefaultSweepEvery
	}
	if cfg.ImportEvery <= 0 {
		cfg.ImportEvery = DefaultImportEvery
	}
	e := engine.New(cfg.Config)
	wl := worklist.New(e, st)
	a := &App{
		Engine:     e,
		Pay:        pay.New(e, st),
		Indicators: indicators.New(e, st),
		// An insert import puts the campaign's duplicates, the imported
		// records included, on the worklist when it is done.
		Registry: registry.New(e, st, registry.Options{ScanDuplicates: wl.ScanDuplicates}),
		Worklist: wl,
	}
	a.Followups = followup.New(e, st)
	// Followers run in this order after every record write: duplicates,
	// indicator counters, pay.
	e.Follow(a.Worklist, a.Indicators, a.Pay)
	a.background = []engine.Background{
		e.TimerSweeper(cfg.Owner, cfg.SweepEvery),
		a.Pay.Reconciler(cfg.SweepEvery),
		a.Registry.ImportRunner("imports-"+cfg.Owner, cfg.ImportEvery),
		a.Indicators.ReportSweeper(cfg.Owner, cfg.SweepEvery),
		a.Indicators.CatchUp(cfg.SweepEvery),
		a.Followups.Runner(cfg.Owner, cfg.SweepEvery),
	}
	return a
}

// Store returns the app's store.
func (a *App) Store() Store { return a.Engine.Store().(Store) }

// Start starts every background loop. On an error it stops the ones it
// started and returns it.
func (a *App) Start(ctx context.Context) error {
	for i, b := range a.background {
		if err := b.Start(ctx); err != nil {
			stopAll(ctx, a.background[:i])
			return err
		}
	}
	return nil
}

// Stop stops every background loop, the last started first, each waiting
// for its pass in hand until ctx ends. Call it before closing the store.
func (a *App) Stop(ctx context.Context) error {
	return stopAll(ctx, a.background)
}

func stopAll(ctx context.Context, bs []engine.Background) error {
	var errs []error
	for i := len(bs) - 1; i >= 0; i-- {
		errs = append(errs, bs[i].Stop(ctx))
	}
	return errors.Join(errs...)
}
