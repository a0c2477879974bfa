package mongo

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"canvass/engine"
)

// Server error codes the adapter reacts to.
const (
	codeAuthFailed         = 18
	codeNotImplemented     = 238 // FerretDB: a feature it lacks
	codeNotWritablePrimary = 10107
	codeNotPrimaryNoSecOk  = 13435
	codeNotPrimaryOrSec    = 13436
	codePrimaryStepDown    = 189
	codeShutdown           = 91
	codeInterrupted        = 11600
	codeInterruptedStepDn  = 11602
	codeHostUnreachable    = 6
	codeHostNotFound       = 7
	codeNetworkTimeout     = 89
	codeWriteConcernFailed = 64
)

// hasCode reports whether err is a server error carrying code.
func hasCode(err error, code int) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(code)
}

// isDuplicateKey reports whether err is a unique-index violation.
//
// FerretDB reports a unique-index violation by an update (not an insert) as
// an InternalError carrying SQLite's "UNIQUE constraint failed" instead of
// E11000; it means the same thing, so it is recognised here too.
func isDuplicateKey(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorMessage("UNIQUE constraint failed")
}

// fail turns a driver error from operation op into an *engine.Error:
// duplicate key is ECONFLICT; anything that means the database cannot be
// reached now (no server within the selection timeout, a dropped
// connection, a timeout, an election, a closed Store) is EUNAVAILABLE with
// a reason a user may read; everything else is EINTERNAL. The driver error
// stays the cause, for logs. fail(op, nil) is nil.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	cause := fmt.Errorf("mongo %s: %w", op, err)
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "it already exists", cause)
	}
	if reason := unavailableReason(err, s.selectTimeout); reason != "" {
		return engine.WrapError(engine.EUNAVAILABLE, "the database cannot be reached: "+reason, cause)
	}
	return engine.WrapError(engine.EINTERNAL, "", cause)
}

// unavailableReason says why err means the database cannot serve now, or
// returns "" when it does not mean that.
func unavailableReason(err error, selectTimeout time.Duration) string {
	var sse topology.ServerSelectionError
	switch {
	case errors.Is(err, mongo.ErrClientDisconnected):
		return "the store is closed"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	case errors.As(err, &sse):
		// The servers' last errors say more than the selection timeout.
		for _, srv := range sse.Desc.Servers {
			if r := networkReason(srv.LastError); r != "" {
				return "no server answered within " + selectTimeout.String() + " (" + r + ")"
			}
		}
		return "no usable server (primary) answered within " + selectTimeout.String()
	case hasCode(err, codeAuthFailed):
		return "the server refused the credentials"
	case hasCode(err, codeNotWritablePrimary), hasCode(err, codeNotPrimaryNoSecOk),
		hasCode(err, codeNotPrimaryOrSec), hasCode(err, codePrimaryStepDown),
		hasCode(err, codeInterruptedStepDn):
		return "the replica set is electing a new primary"
	case hasCode(err, codeShutdown), hasCode(err, codeInterrupted):
		return "the server is shutting down"
	case hasCode(err, codeHostUnreachable), hasCode(err, codeHostNotFound):
		return "a server of the cluster is unreachable"
	case hasCode(err, codeWriteConcernFailed):
		return "a majority of the replica set did not confirm the write in time"
	case mongo.IsTimeout(err), hasCode(err, codeNetworkTimeout):
		return "it did not answer in time"
	case mongo.IsNetworkError(err):
		if r := networkReason(err); r != "" {
			return "the connection failed (" + r + ")"
		}
		return "the connection was lost"
	}
	return ""
}

// networkReason names a connection failure in a few words, or returns "".
func networkReason(err error) string {
	if err == nil {
		return ""
	}
	var dns *net.DNSError
	var ne net.Error
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &dns):
		return "host name not found"
	case errors.As(err, &ua), errors.As(err, &hn):
		return "TLS certificate not trusted"
	case hasCode(err, codeAuthFailed), strings.Contains(err.Error(), "auth error"):
		return "authentication failed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case strings.Contains(err.Error(), "EOF"):
		return "connection closed by the server"
	}
	return "connection failed"
}
