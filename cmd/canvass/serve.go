package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"canvass/app"
	"canvass/demo"
	"canvass/engine"
	"canvass/server"
)

// shutdownTimeout is how long in-flight requests get to finish after
// SIGTERM or SIGINT before the server stops anyway.
const shutdownTimeout = 20 * time.Second

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "`host:port` to listen on; \":8080\" is every interface, \"127.0.0.1:8080\" this machine only")
	db := fs.String("db", defaultDB, "database: sqlite:PATH, or a mongodb:// or mongodb+srv:// URI")
	seedDemo := fs.Bool("demo", false, "seed an empty store with the example campaigns, demo users (passwords printed) and sample records")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	piiKeys := fs.String("pii-keys", "", "personal-data key `file` (default: $"+envPIIKeys+", else "+keyFileName+" next to a SQLite database, created on first start)")
	secureCookies := fs.Bool("secure-cookies", false, "mark cookies Secure even over plain HTTP, when a proxy in front terminates TLS")
	trustedProxies := fs.String("trusted-proxies", "", "`CIDR,…` of the proxies in front of the server; X-Forwarded-For is believed only from these (default: none, ignored)")
	newDatabase := fs.Bool("new-database", false, "start an empty SQLite database although a personal-data key file of another database lies beside it (see Backups in the README)")
	sweepEvery := fs.Duration("sweep-every", defaultSweepEvery, "how often to fire due reminders, escalations and automatic actions (at least 1s)")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass serve [flags]\n\nRuns the web server and API until SIGINT or SIGTERM.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if ok, status := parseFlags(fs, args, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "serve takes no arguments, got %q", fs.Args())
	}
	if *sweepEvery < time.Second {
		return fail(stderr, exitUsage, "--sweep-every must be at least 1s, got %v", *sweepEvery)
	}
	proxies, err := server.ParseTrustedProxies(*trustedProxies)
	if err != nil {
		return fail(stderr, exitUsage, "--trusted-proxies: %v", err)
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	spec, err := parseDB(*db)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}

	// The default database lives under ./data, which a fresh checkout does
	// not have. A path given with --db must exist: a typo there should
	// fail, not start an empty database somewhere unexpected.
	if !flagWasSet(fs, "db") {
		if err := os.MkdirAll(filepath.Dir(spec.sqlitePath), 0o750); err != nil {
			return fail(stderr, exitFailure, "create %s: %v", filepath.Dir(spec.sqlitePath), unwrapPathError(err))
		}
	}

	vault, err := givenVault(spec, *piiKeys, os.Getenv(envPIIKeys), log)
	if err != nil {
		return fail(stderr, exitFailure, "%v", err)
	}

	// A missing database beside a key file is a lost database, not a new
	// one: stop before creating anything.
	created := false
	if vault == nil && spec.sqlitePath != "" {
		if created, err = checkNewDatabase(spec, *newDatabase); err != nil {
			return fail(stderr, exitFailure, "%v", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	store, err := openStore(ctx, spec, log)
	if err != nil {
		return fail(stderr, exitFailure, "%v", err)
	}
	if vault == nil {
		if vault, err = localVault(spec, storeDatabaseID(store), created, log); err != nil {
			store.Close()
			return fail(stderr, exitFailure, "%v", err)
		}
	}
	log.Info("store opened", "db", spec.String())
	// One owner names this process in every lease its background work
	// takes: timers, report reminders and import jobs.
	eng := app.New(app.Config{Config: engine.Config{Store: store, Logger: log, Vault: vault},
		Owner: sweepOwner(), SweepEvery: *sweepEvery})
	// Definitions stored before they had owners get them now (the
	// definition-scope rule); a no-op once done.
	if n, err := eng.MigrateDefinitionOwners(ctx); err != nil {
		store.Close()
		return fail(stderr, exitFailure, "give definitions their owners: %v", err)
	} else if n > 0 {
		log.Info("definitions given owners", "count", n)
	}
	if *seedDemo {
		if _, err := demo.Seed(ctx, eng, demo.Options{Logger: log}); err != nil {
			store.Close()
			return fail(stderr, exitFailure, "%v", err)
		}
		demo.WriteUsers(stdout)
	}
	srv := server.New(server.Config{App: eng, Logger: log, Version: version, SecureCookies: *secureCookies,
		TrustedProxies: proxies})
	// Background work (timers, reminders, catch-up passes, import jobs)
	// runs from here until the shutdown below.
	if err := eng.Start(ctx); err != nil {
		store.Close()
		return fail(stderr, exitFailure, "%v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Listen(*addr) }()

	status := exitOK
	select {
	case err := <-served:
		// Listen failed (port taken, bad address) before any signal.
		status = fail(stderr, exitFailure, "listen %s: %v", *addr, listenError(err))
	case <-ctx.Done():
		// Restore default signal handling: a second Ctrl-C ends the
		// process at once instead of waiting for the requests.
		stop()
		log.Info("shutting down: finishing in-flight requests", "timeout", shutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		err := srv.Shutdown(sctx)
		cancel()
		if err != nil {
			log.Error("requests still running at the shutdown deadline", "err", err)
			status = exitFailure
		}
		if err := <-served; err != nil && !errors.Is(err, context.DeadlineExceeded) {
			log.Error("server stopped", "err", err)
			status = exitFailure
		}
	}
	// Background work writes to the store: it stops first.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	if err := eng.Stop(sctx); err != nil {
		log.Warn("background work cancelled at the shutdown deadline", "err", err)
	}
	cancel()
	if err := store.Close(); err != nil {
		log.Error("closing the store", "err", err)
		return exitFailure
	}
	log.Info("stopped")
	return status
}

// flagWasSet reports whether the flag name was given on the command line.
func flagWasSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// listenError drops the "listen tcp ADDR:" prefix of a net.OpError, which
// the message already names.
func listenError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
