// Package safety is the layer between Fovea and a pan-tilt head that no
// caller can bypass: it owns the head and lets through only motion within
// angle limits, a slew-rate limit and an acceleration limit; it rejects
// non-finite commands; its watchdog holds the head when commands stop coming
// and then parks it and releases the PWM; an emergency stop latches until
// reset.
//
// A Head is driven by Step, at a fixed rate (the pipeline's motor loop
// calls it at 100 Hz through the Stepper interface): each step moves the
// output towards the last commanded target by at most what the limits allow
// in one period, and writes it to the hardware. SetPose only records the
// target.
package safety

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// ErrEStopped is returned by SetPose while the emergency stop is latched.
var ErrEStopped = errors.New("safety: emergency stop latched")

// Config sets the envelope.
type Config struct {
	Limits        device.Limits // hard angle limits (intersected with the head's own)
	MaxSlewDegS   float64       // °/s
	MaxAccelDegS2 float64       // °/s²
	Watchdog      time.Duration // no command for this long: hold
	ParkAfter     time.Duration // then, this much later: park and release
	Park          device.Pose
	// ParkSettle is how long the PWM stays on once the commanded pose
	// reaches the park pose, so that the servos (which lag their command)
	// get there before they are released; 300 ms when zero.
	ParkSettle time.Duration
}

// DefaultConfig suits SG90-class servos: 500°/s, 30,000°/s², hold after
// 500 ms without commands, park and release 2 s later.
func DefaultConfig(l device.Limits) Config {
	return Config{Limits: l, MaxSlewDegS: 500, MaxAccelDegS2: 30000, Watchdog: 500 * time.Millisecond, ParkAfter: 2 * time.Second}
}

// Validate checks the envelope.
func (c Config) Validate() error {
	switch {
	case !(c.MaxSlewDegS > 0 && c.MaxSlewDegS <= 5000):
		return fmt.Errorf("safety: slew limit %v°/s outside (0, 5000]", c.MaxSlewDegS)
	case !(c.MaxAccelDegS2 > 0 && c.MaxAccelDegS2 <= 1e6):
		return fmt.Errorf("safety: acceleration limit %v°/s² outside (0, 1e6]", c.MaxAccelDegS2)
	case c.ParkSettle < 0 || c.ParkSettle > 10*time.Second:
		return fmt.Errorf("safety: park settle time %v outside [0, 10s]", c.ParkSettle)
	case c.Watchdog <= 0 || c.ParkAfter < 0:
		return fmt.Errorf("safety: watchdog %v and park delay %v must be positive", c.Watchdog, c.ParkAfter)
	case !c.Limits.Contains(c.Park):
		return fmt.Errorf("safety: park pose %v outside the limits", c.Park)
	}
	return c.Limits.Validate()
}

// State is what the watchdog and the stop are doing.
type State int

// States.
const (
	Active   State = iota // following commands
	Holding               // no fresh command: holding still
	Parking               // moving to the park pose
	Released              // parked, PWM released
	EStopped              // emergency stop latched
)

func (s State) String() string {
	return [...]string{"active", "holding", "parking", "released", "e-stopped"}[s]
}

type axis struct{ pos, vel float64 } // degrees, °/s

// Head is a head behind the safety envelope.
type Head struct {
	inner device.PanTilt
	cfg   Config

	mu      sync.Mutex
	target  [2]float64
	out     [2]axis
	last    time.Duration // time of the last Step
	lastCmd time.Duration // time of the last accepted command
	started bool
	state   State
	haveCmd bool
	parked  time.Duration // when the commanded pose reached the park pose; -1 before
}

// New puts inner behind the envelope c. The output starts at inner's pose.
func New(inner device.PanTilt, c Config) (*Head, error) {
	hl := inner.Limits()
	c.Limits = device.Limits{
		PanMin: max(c.Limits.PanMin, hl.PanMin), PanMax: min(c.Limits.PanMax, hl.PanMax),
		TiltMin: max(c.Limits.TiltMin, hl.TiltMin), TiltMax: min(c.Limits.TiltMax, hl.TiltMax),
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	h := &Head{inner: inner, cfg: c}
	var _ device.PanTilt = h
	p, t := c.Limits.Clamp(inner.Pose()).Deg()
	h.out = [2]axis{{pos: p}, {pos: t}}
	h.target = [2]float64{p, t}
	return h, nil
}

// SetPose records a new target. Non-finite poses are refused; poses beyond
// the limits are clamped to them (a target, not a motion: the output still
// obeys slew and acceleration limits).
func (h *Head) SetPose(p device.Pose) error {
	pd, td := p.Deg()
	if math.IsNaN(pd) || math.IsNaN(td) || math.IsInf(pd, 0) || math.IsInf(td, 0) {
		return fmt.Errorf("safety: pose %v is not finite", p)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state == EStopped {
		return ErrEStopped
	}
	// Angles beyond a turn are not commands but garbage (a NaN or an
	// infinity converted to physic.Angle lands there): refuse them rather
	// than clamp them into a full-speed move to a limit.
	if math.Abs(pd) > 360 || math.Abs(td) > 360 {
		return fmt.Errorf("safety: pose %v is not a sane angle", p)
	}
	c := h.cfg.Limits.Clamp(p)
	h.target[0], h.target[1] = c.Deg()
	h.haveCmd = true
	h.lastCmd = h.last
	h.state = Active
	return nil
}

// Pose is the head's own estimate of its pose (a simulated gimbal's true
// angle; a hobby servo's last command).
func (h *Head) Pose() device.Pose { return h.inner.Pose() }

// Output is the pose the envelope drives the head to now.
func (h *Head) Output() device.Pose {
	h.mu.Lock()
	defer h.mu.Unlock()
	return device.PoseDeg(h.out[0].pos, h.out[1].pos)
}

// Limits are the envelope's angle limits.
func (h *Head) Limits() device.Limits { return h.cfg.Limits }

// State reports the watchdog and stop state.
func (h *Head) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Halt releases the head at once (as at the end of a run, after parking).
func (h *Head) Halt() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state != EStopped {
		h.state = Released
	}
	return h.inner.Halt()
}

// EStop latches the emergency stop: the output freezes and the PWM is
// released. Only Reset clears it.
func (h *Head) EStop() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = EStopped
	h.out[0].vel, h.out[1].vel = 0, 0
	return h.inner.Halt()
}

// Reset clears a latched emergency stop; the head holds where it is until
// commanded.
func (h *Head) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state == EStopped {
		h.state = Holding
		h.target[0], h.target[1] = h.out[0].pos, h.out[1].pos
	}
}

// Step advances the output to time now and drives the head there. Call it
// at a fixed rate; the first call only starts the clock.
func (h *Head) Step(now time.Duration) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.started {
		h.started, h.last, h.lastCmd = true, now, now
		return nil
	}
	dt := (now - h.last).Seconds()
	if dt <= 0 {
		return nil
	}
	h.last = now
	switch h.state {
	case EStopped, Released:
		return nil
	case Active, Holding:
		if !h.haveCmd || now-h.lastCmd > h.cfg.Watchdog {
			if h.state == Active {
				h.state = Holding
				h.target[0], h.target[1] = h.out[0].pos, h.out[1].pos
			}
			if now-h.lastCmd > h.cfg.Watchdog+h.cfg.ParkAfter {
				h.state, h.parked = Parking, -1
				h.target[0], h.target[1] = h.cfg.Park.Deg()
			}
		}
	}
	for i := range h.out {
		h.out[i] = limitStep(h.out[i], h.target[i], dt, h.cfg.MaxSlewDegS, h.cfg.MaxAccelDegS2)
	}
	l := h.cfg.Limits
	h.out[0].pos = math.Min(math.Max(h.out[0].pos, device.AngleDeg(l.PanMin)), device.AngleDeg(l.PanMax))
	h.out[1].pos = math.Min(math.Max(h.out[1].pos, device.AngleDeg(l.TiltMin)), device.AngleDeg(l.TiltMax))
	if err := h.inner.SetPose(device.PoseDeg(h.out[0].pos, h.out[1].pos)); err != nil {
		return fmt.Errorf("safety: %w", err)
	}
	if h.state == Parking && h.out[0].vel == 0 && h.out[1].vel == 0 &&
		h.out[0].pos == h.target[0] && h.out[1].pos == h.target[1] {
		if h.parked < 0 {
			h.parked = now
		}
		settle := h.cfg.ParkSettle
		if settle == 0 {
			settle = 300 * time.Millisecond
		}
		if now-h.parked >= settle {
			h.state = Released
			return h.inner.Halt()
		}
	}
	return nil
}

// limitStep moves one axis towards target for dt seconds: speed at most
// vmax, speed changes at most amax·dt per step, and never faster than the
// speed vb from which one more step and then braking at amax still stops at
// the target (vb·dt + vb²/(2·amax) = distance), so it never overshoots.
func limitStep(a axis, target, dt, vmax, amax float64) axis {
	e := target - a.pos
	if land := e / dt; math.Abs(land) <= amax*dt && math.Abs(land-a.vel) <= amax*dt {
		return axis{pos: target, vel: land} // arrive now, stop next step
	}
	vb := amax * (math.Sqrt(dt*dt+2*math.Abs(e)/amax) - dt)
	want := math.Copysign(math.Min(vmax, vb), e)
	dv := math.Max(-amax*dt, math.Min(amax*dt, want-a.vel))
	v := math.Max(-vmax, math.Min(vmax, a.vel+dv))
	return axis{pos: a.pos + v*dt, vel: v}
}
