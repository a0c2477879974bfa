package engine_test

import "time"

// china is the instant of hour h on a day in China, as UTC. The pay tests
// that defined it moved to engine/pay; the indicator tests still use it.
func china(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
}
