package campaigns

import "canvass/internal/yamldoc"

// Indicator is one figure a campaign is judged by. Scaffolding: issue #9
// fills it in.
type Indicator struct{}

// Indicators returns the campaign's indicators in file order.
func (c *Campaign) Indicators() []Indicator { return c.indicators }

// indicators decodes the indicators section.
func (l *loader) indicators(e yamldoc.Entry, c *Campaign) []Indicator { return nil }
