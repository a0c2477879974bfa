package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/pay"
	"canvass/engine/registry"
	"canvass/engine/worklist"
)

// DefaultBodyLimit is the largest request body accepted when Config.BodyLimit
// is zero: 1 MiB, far above any form submission. Bulk imports will get their
// own, larger limit on their own routes.
const DefaultBodyLimit = 1 << 20

// Config is what a Server needs. App or Store is required; the rest have
// defaults.
type Config struct {
	App       *app.App         // the engine and its capability services
	Store     app.Store        // without App: an App on Store, without a PII vault
	Logger    *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	BodyLimit int              // bytes; default DefaultBodyLimit
	Version   string           // shown by GET /api/v1/version; default "dev"
	// SecureCookies marks cookies Secure even on a plain-HTTP connection,
	// for a server behind a proxy that terminates TLS. Over TLS they are
	// Secure anyway.
	SecureCookies bool
	// TrustedProxies are the networks of the proxies in front of the
	// server. Only a request whose peer is inside one has its
	// X-Forwarded-For (the client's address, see clientIP) and
	// X-Forwarded-Proto and -Host believed. Default: none, the headers are
	// ignored.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP server: a configured Fiber app plus what its handlers
// share.
type Server struct {
	app         *fiber.App
	engine      *engine.Engine
	pay         *pay.Service
	indicators  *indicators.Service
	registry    *registry.Service
	worklist    *worklist.Service
	log         *slog.Logger
	now         func() time.Time
	bodyLimit   int
	version     string
	forceSecure bool
	pages       *pageSet
	assets      *assetSet
	openAPI     func() []byte // the OpenAPI document, built once from the router

	trustedProxies []netip.Prefix // see Config.TrustedProxies

	// listening guards against a shutdown that arrives before the HTTP
	// server has taken its listener: Shutdown closes the listener itself,
	// so Serve cannot start serving afterwards and block for ever.
	listening    sync.Mutex
	ln           net.Listener
	shuttingDown bool
}

// New builds the app with its middleware and routes. It does not listen;
// call Listen or Serve for that.
func New(cfg Config) *Server {
	if cfg.App == nil && cfg.Store == nil {
		panic("server: Config.App or Config.Store is required")
	}
	s := &Server{
		log:         cfg.Logger,
		now:         cfg.Now,
		bodyLimit:   cfg.BodyLimit,
		version:     cfg.Version,
		forceSecure: cfg.SecureCookies,
		pages:       mustLoadPages(),
		assets:      mustLoadAssets(),
	}
	s.trustedProxies = cfg.TrustedProxies
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.bodyLimit <= 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	if s.version == "" {
		s.version = "dev"
	}
	a := cfg.App
	if a == nil {
		a = app.New(app.Config{Config: engine.Config{Store: cfg.Store, Now: s.now, Logger: s.log}})
	}
	s.engine, s.pay, s.indicators, s.registry, s.worklist = a.Engine, a.Pay, a.Indicators, a.Registry, a.Worklist

	s.app = fiber.New(fiber.Config{
		AppName:      "canvass",
		BodyLimit:    s.bodyLimit,
		ErrorHandler: s.handleError,
		// Values read from a request (params, queries, cookies, headers,
		// the body) stay valid after the handler returns: handlers keep
		// them in records, audit events, cookies and logs without copying
		// each by hand.
		Immutable: true,
		// Slow or stalled clients must not hold connections (and a graceful
		// shutdown) for ever.
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  120 * time.Second,
		// Scheme() and Hostname() believe X-Forwarded-Proto and -Host from
		// a trusted proxy only. No ProxyHeader: c.IP() stays the peer, and
		// clientIP reads X-Forwarded-For itself.
		TrustProxy:       len(cfg.TrustedProxies) > 0,
		TrustProxyConfig: fiber.TrustProxyConfig{Proxies: proxyList(cfg.TrustedProxies)},
	})
	s.routes()
	s.openAPI = sync.OnceValue(func() []byte {
		b, _ := json.MarshalIndent(s.openAPIDocument(), "", "  ")
		return b
	})
	return s
}

// routes installs the middleware, in the order each request meets it, and
// the routes.
func (s *Server) routes() {
	s.app.Use(s.requestID, securityHeaders, s.accessLog, s.recoverPanic, s.limitBody, s.refuseInvalidUTF8)

	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)

	// Before every route it guards.
	s.campaignScopeRoutes()

	api := s.app.Group("/api/v1")
	api.Get("/version", s.apiVersion)
	api.Get("/openapi.json", s.apiOpenAPI)
	s.authRoutes(api)
	s.adminRoutes(api)
	s.formRoutes(api)
	s.recordRoutes(api)
	s.financeRoutes(api)
	s.linkRoutes(api)
	s.notificationRoutes(api)
	s.worklistRoutes(api)
	s.registryRoutes(api)
	s.dashboardRoutes(api)
	s.indicatorRoutes(api)
	s.studioFormRoutes(api)
	s.pageRoutes()
	s.roleRoutes()
	s.studioRoutes()
	s.offlineRoutes(api)
}

// App returns the Fiber app, for tests (app.Test) and for later issues that
// mount more routes.
func (s *Server) App() *fiber.App { return s.app }

// Listen listens on the TCP address addr (host:port; ":8080" for every
// interface) and serves until Shutdown. It logs the address it listens on,
// which tells the port chosen for ":0".
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves HTTP on ln until Shutdown, then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.listening.Lock()
	if s.shuttingDown {
		s.listening.Unlock()
		return ln.Close()
	}
	s.ln = ln
	s.listening.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String())
	err := s.app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	s.listening.Lock()
	stopped := s.shuttingDown
	s.listening.Unlock()
	if stopped && errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, closes idle ones and waits for
// in-flight requests to finish, or for ctx to end, whichever comes first.
// It does not close the store: the caller owns it and closes it after.
func (s *Server) Shutdown(ctx context.Context) error {
	s.listening.Lock()
	s.shuttingDown = true
	ln := s.ln
	s.listening.Unlock()
	err := s.app.ShutdownWithContext(ctx)
	if ln != nil {
		_ = ln.Close() // already closed when the HTTP server had taken it
	}
	return err
}
