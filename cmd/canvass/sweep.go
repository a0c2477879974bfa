package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"

	"canvass/app"
)

// defaultSweepEvery is how often serve fires due timers and runs the
// catch-up passes (--sweep-every).
const defaultSweepEvery = app.DefaultSweepEvery

// sweepOwner names this process among the servers sharing a store, for the
// leases its background work takes: host, process ID and a random part (a
// restarted process may get the same PID).
func sweepOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "canvass"
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic("no randomness: " + err.Error())
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}
