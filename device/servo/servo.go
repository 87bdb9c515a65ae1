// Package servo holds what every hobby-servo driver shares: the linear
// calibration from angle to pulse width (pulses at the two ends of travel,
// a trim, an inversion), in float64 throughout (periph's own helper goes
// through int and overflows physic.Angle on 32-bit ARM).
package servo

import (
	"fmt"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/physic"
)

// Calibration maps angles to pulse widths for one servo.
type Calibration struct {
	MinPulse time.Duration // pulse at MinAngle
	MaxPulse time.Duration // pulse at MaxAngle
	MinAngle physic.Angle
	MaxAngle physic.Angle
	Trim     physic.Angle // added to every command (mechanical zero offset)
	Invert   bool         // the servo turns the other way
}

// SG90 is a TowerPro SG90's nominal calibration: 500–2500 µs over ±90°.
var SG90 = Calibration{MinPulse: 500 * time.Microsecond, MaxPulse: 2500 * time.Microsecond,
	MinAngle: -90 * physic.Degree, MaxAngle: 90 * physic.Degree}

// Validate checks a calibration.
func (c Calibration) Validate() error {
	switch {
	case c.MinPulse < 100*time.Microsecond || c.MaxPulse > 5*time.Millisecond || c.MinPulse >= c.MaxPulse:
		return fmt.Errorf("servo: pulses %v–%v, want 100µs ≤ min < max ≤ 5ms", c.MinPulse, c.MaxPulse)
	case c.MinAngle >= c.MaxAngle:
		return fmt.Errorf("servo: angles %s–%s not increasing", c.MinAngle, c.MaxAngle)
	}
	return nil
}

// Pulse maps a commanded angle to a pulse width, or an error when the
// angle (after trim and inversion) is outside the calibrated travel.
func (c Calibration) Pulse(a physic.Angle) (time.Duration, error) {
	deg := device.AngleDeg(a) + device.AngleDeg(c.Trim)
	if c.Invert {
		deg = -deg
	}
	lo, hi := device.AngleDeg(c.MinAngle), device.AngleDeg(c.MaxAngle)
	if math.IsNaN(deg) || deg < lo-1e-9 || deg > hi+1e-9 {
		return 0, fmt.Errorf("servo: %s is outside the travel", a)
	}
	t := (deg - lo) / (hi - lo)
	return c.MinPulse + time.Duration(t*float64(c.MaxPulse-c.MinPulse)), nil
}

// Travel is the range of commands the servo accepts.
func (c Calibration) Travel() (lo, hi physic.Angle) {
	lo, hi = c.MinAngle-c.Trim, c.MaxAngle-c.Trim
	if c.Invert {
		lo, hi = -c.MaxAngle-c.Trim, -c.MinAngle-c.Trim
	}
	return lo, hi
}

// Limits are the travels of a pan and a tilt servo as head limits.
func Limits(pan, tilt Calibration) device.Limits {
	pl, ph := pan.Travel()
	tl, th := tilt.Travel()
	return device.Limits{PanMin: pl, PanMax: ph, TiltMin: tl, TiltMax: th}
}
