package sim

import (
	"sync"
	"time"
)

// Clock gives simulated time since the start of a run.
type Clock interface {
	Now() time.Duration
}

// ManualClock is a Clock moved only by Set and Advance: lock-step simulation.
type ManualClock struct {
	mu  sync.Mutex
	now time.Duration
}

// Now returns the current simulated time.
func (c *ManualClock) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t; it never goes backwards.
func (c *ManualClock) Set(t time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t > c.now {
		c.now = t
	}
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.Set(c.Now() + d) }

// WallClock is real time since it was made.
type WallClock struct{ start time.Time }

// NewWallClock starts a wall clock at zero.
func NewWallClock() *WallClock { return &WallClock{start: time.Now()} }

// Now returns the real time elapsed since NewWallClock.
func (c *WallClock) Now() time.Duration { return time.Since(c.start) }

// Start is the wall time of simulated time zero.
func (c *WallClock) Start() time.Time { return c.start }
