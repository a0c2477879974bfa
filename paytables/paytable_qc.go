package paytables

import (
	"slices"
	"strings"
)

// QCItems returns the keys of the items that depend on spot checks, in file
// order: paid on a qc event, withheld on one, or with a condition or amount
// that reads the record's spot-check outcome (qc). The campaign studio
// names them when an author would remove a campaign's spot checks, which
// would leave these items never paid or never withheld.
func (pt *PayTable) QCItems() []string {
	var keys []string
	for _, it := range pt.items {
		reads := false
		if it.when != nil && slices.Contains(it.when.Identifiers(), "qc") {
			reads = true
		}
		if it.amountExpr != nil && slices.Contains(it.amountExpr.Identifiers(), "qc") {
			reads = true
		}
		if strings.HasPrefix(it.on, "qc.") || strings.HasPrefix(it.withheldOn, "qc.") || reads {
			keys = append(keys, it.key)
		}
	}
	return keys
}
