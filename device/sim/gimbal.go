package sim

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// ServoModel describes one hobby servo and the PWM controller that drives it.
type ServoModel struct {
	SlewDegPerSec float64       // top speed; SG90: 0.1 s/60° = 600°/s
	Lag           time.Duration // time constant of the servo's position loop
	DeadBandDeg   float64       // errors smaller than this are not corrected
	PWMPeriod     time.Duration // 20 ms at 50 Hz: a pulse width changes only at a period boundary
	PulseStep     time.Duration // resolution of the pulse width (PCA9685: 20 ms / 4096)
	UsPerDeg      float64       // pulse width per degree (SG90: 2000 µs over 180°)
	Latency       time.Duration // command to controller register write (bus, driver)
}

// SG90 is the default servo model: a TowerPro SG90 on a PCA9685 at 50 Hz.
var SG90 = ServoModel{
	SlewDegPerSec: 600,
	Lag:           12 * time.Millisecond,
	DeadBandDeg:   0.45,
	PWMPeriod:     20 * time.Millisecond,
	PulseStep:     20 * time.Millisecond / 4096,
	UsPerDeg:      2000.0 / 180,
	Latency:       3 * time.Millisecond,
}

// Validate checks the model's parameters.
func (m ServoModel) Validate() error {
	switch {
	case !(m.SlewDegPerSec > 0):
		return fmt.Errorf("sim: servo: slew rate %v°/s is not positive", m.SlewDegPerSec)
	case m.Lag <= 0:
		return fmt.Errorf("sim: servo: lag %v is not positive", m.Lag)
	case !(m.DeadBandDeg >= 0):
		return fmt.Errorf("sim: servo: dead band %v° is negative", m.DeadBandDeg)
	case m.PWMPeriod <= 0 || m.PulseStep <= 0 || m.PulseStep > m.PWMPeriod:
		return fmt.Errorf("sim: servo: PWM period %v and step %v are inconsistent", m.PWMPeriod, m.PulseStep)
	case !(m.UsPerDeg > 0):
		return fmt.Errorf("sim: servo: %v µs/° is not positive", m.UsPerDeg)
	case m.Latency < 0:
		return fmt.Errorf("sim: servo: latency %v is negative", m.Latency)
	}
	return nil
}

// quantumDeg is the angle of one pulse-width step.
func (m ServoModel) quantumDeg() float64 {
	return float64(m.PulseStep) / float64(time.Microsecond) / m.UsPerDeg
}

// DefaultLimits are the mechanical stops of the default pan-tilt bracket.
var DefaultLimits = device.Limits{
	PanMin: device.DegAngle(-90), PanMax: device.DegAngle(90),
	TiltMin: device.DegAngle(-45), TiltMax: device.DegAngle(60),
}

const physicsStep = time.Millisecond

type axis struct {
	posDeg    float64 // true shaft angle
	velDeg    float64 // last step's velocity, °/s
	targetDeg float64 // angle of the pulse the servo currently receives
	moving    bool    // inside the dead band the servo rests until the error leaves it
}

type pending struct {
	at              time.Duration // when the PWM controller starts emitting it
	panDeg, tiltDeg float64
}

// Gimbal is a simulated pan-tilt head. It implements device.PanTilt; its
// Pose is the true shaft angle (the sim's ground truth, as if the servos had
// encoders).
type Gimbal struct {
	model  ServoModel
	limits device.Limits
	clock  Clock

	mu     sync.Mutex
	t      time.Duration
	pan    axis
	tilt   axis
	queue  []pending
	halted bool
	cmds   int
}

// NewGimbal returns a gimbal at the centre, at rest, on the given clock.
func NewGimbal(model ServoModel, limits device.Limits, clock Clock) (*Gimbal, error) {
	if err := model.Validate(); err != nil {
		return nil, err
	}
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("sim: gimbal: %w", err)
	}
	return &Gimbal{model: model, limits: limits, clock: clock, t: clock.Now()}, nil
}

// SetPose commands the head. The command reaches the servos at the first PWM
// period boundary after the command latency, quantised to the controller's
// pulse-width step. Poses outside the limits and non-finite angles are
// rejected.
func (g *Gimbal) SetPose(p device.Pose) error {
	panDeg, tiltDeg := p.Deg()
	if math.IsNaN(panDeg) || math.IsNaN(tiltDeg) || math.IsInf(panDeg, 0) || math.IsInf(tiltDeg, 0) {
		return fmt.Errorf("sim: gimbal: pose %v is not finite", p)
	}
	if !g.limits.Contains(p) {
		return fmt.Errorf("sim: gimbal: pose %v outside limits", p)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.halted {
		return device.ErrClosed
	}
	g.advance(g.clock.Now())
	q := g.model.quantumDeg()
	period := g.model.PWMPeriod
	at := g.t + g.model.Latency
	at = (at + period - 1) / period * period
	// A later command that reaches the same period replaces the earlier one,
	// as a register write before the period boundary does.
	for len(g.queue) > 0 && g.queue[len(g.queue)-1].at >= at {
		g.queue = g.queue[:len(g.queue)-1]
	}
	g.queue = append(g.queue, pending{at: at, panDeg: math.Round(panDeg/q) * q, tiltDeg: math.Round(tiltDeg/q) * q})
	g.cmds++
	return nil
}

// Pose returns the head's true pose now.
func (g *Gimbal) Pose() device.Pose {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.advance(g.clock.Now())
	return device.PoseDeg(g.pan.posDeg, g.tilt.posDeg)
}

// Velocity returns the head's angular velocity now, in °/s.
func (g *Gimbal) Velocity() (panDegPerSec, tiltDegPerSec float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.advance(g.clock.Now())
	return g.pan.velDeg, g.tilt.velDeg
}

// Limits returns the mechanical stops.
func (g *Gimbal) Limits() device.Limits { return g.limits }

// Halt releases the PWM: the servos stop driving and hold where they are.
func (g *Gimbal) Halt() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.advance(g.clock.Now())
	g.halted = true
	g.queue = g.queue[:0]
	g.pan.targetDeg, g.tilt.targetDeg = g.pan.posDeg, g.tilt.posDeg
	g.pan.velDeg, g.tilt.velDeg = 0, 0
	return nil
}

// advance integrates the physics up to now in fixed steps.
func (g *Gimbal) advance(now time.Duration) {
	dt := physicsStep.Seconds()
	panLo, panHi := device.AngleDeg(g.limits.PanMin), device.AngleDeg(g.limits.PanMax)
	tiltLo, tiltHi := device.AngleDeg(g.limits.TiltMin), device.AngleDeg(g.limits.TiltMax)
	for g.t+physicsStep <= now {
		g.t += physicsStep
		for len(g.queue) > 0 && g.queue[0].at <= g.t {
			g.pan.targetDeg, g.tilt.targetDeg = g.queue[0].panDeg, g.queue[0].tiltDeg
			g.queue = g.queue[1:]
		}
		if g.halted {
			continue
		}
		g.pan.step(g.model, dt, panLo, panHi)
		g.tilt.step(g.model, dt, tiltLo, tiltHi)
	}
}

func (a *axis) step(m ServoModel, dt, lo, hi float64) {
	e := a.targetDeg - a.posDeg
	// Hysteresis: a resting servo starts only when the error exceeds the
	// dead band; a moving one drives until the error is a tenth of it.
	if a.moving && math.Abs(e) < m.DeadBandDeg/10 || !a.moving && math.Abs(e) <= m.DeadBandDeg {
		a.moving = false
		a.velDeg = 0
		return
	}
	a.moving = true
	v := e / m.Lag.Seconds()
	v = math.Max(-m.SlewDegPerSec, math.Min(m.SlewDegPerSec, v))
	if math.Abs(v*dt) > math.Abs(e) {
		v = e / dt
	}
	p := math.Max(lo, math.Min(hi, a.posDeg+v*dt))
	a.velDeg = (p - a.posDeg) / dt
	a.posDeg = p
}

var _ device.PanTilt = (*Gimbal)(nil)
