package engine

import (
	"errors"
	"fmt"

	"canvass/rules"
)

// Error codes. They are stable: clients, tests and the server's status table
// depend on them, so a code is never renamed once released.
const (
	ENOTFOUND     = "not_found"    // the object does not exist or lies outside the caller's scope
	ECONFLICT     = "conflict"     // a version mismatch, or the same key with different content
	EINVALID      = "invalid"      // the input breaks a rule; Fields says where
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	EUNAUTHORIZED = "unauthorized" // the caller is not signed in
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) cannot be reached now
	ETOOLARGE     = "too_large"    // the input is over a size limit
	ERATELIMITED  = "rate_limited" // too many attempts; try later
	ECLOSED       = "closed"       // the campaign or period no longer takes changes
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, never shown
)

// Codes lists every error code, so tables keyed by code (the server's
// status map) can be checked for completeness.
var Codes = []string{ENOTFOUND, ECONFLICT, EINVALID, EFORBIDDEN, EUNAUTHORIZED, EUNAVAILABLE, ETOOLARGE, ERATELIMITED, ECLOSED, EINTERNAL}

// Error is the one error type of Canvass. Code is stable and machine-readable;
// Message is safe to show to a user; Fields holds per-field problems keyed by
// JSON pointer (validation). Err is the underlying cause, kept for logs only.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

// FieldError is one problem with one field, addressed by JSON pointer
// ("/children/0/birthDate"). It is defined in rules so that forms can
// produce it without importing the engine.
type FieldError = rules.FieldError

func (e *Error) Error() string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message that keeps err
// as its cause for logs.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain; for any other error it returns a generic text, never the error's own.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// PeriodError is EINVALID about the /period parameter.
func PeriodError(msg string) error {
	return &Error{Code: EINVALID, Message: msg, Fields: []FieldError{{Pointer: "/period", Code: "bad_period", Message: msg}}}
}
