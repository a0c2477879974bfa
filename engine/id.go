package engine

import (
	"crypto/rand"
	"regexp"
	"time"

	"github.com/oklog/ulid/v2"
)

// NewID returns a new ULID string: unique, and sortable by creation time, so
// keyset paging by ID walks records roughly in the order they were made.
func NewID(now time.Time) string {
	return ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
}

var idPattern = regexp.MustCompile(`^(?:[0-9A-HJKMNP-TV-Z]{26}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// ValidID reports whether s is a ULID (upper-case Crockford base32) or a
// lower-case UUID, the two ID forms Canvass accepts from clients.
func ValidID(s string) bool { return idPattern.MatchString(s) }
