package campaigns

import "canvass/internal/yamldoc"

// Report is a periodic report due from each org unit of a level on a
// schedule. Scaffolding: issue #9 fills it in.
type Report struct{}

// Reports returns the campaign's periodic reports in file order.
func (c *Campaign) Reports() []Report { return c.reports }

// reports decodes the reports section.
func (l *loader) reports(e yamldoc.Entry, c *Campaign) []Report { return nil }
