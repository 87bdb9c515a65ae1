// Package gpioservo drives a pan-tilt head of two hobby servos straight from
// PWM-capable GPIO pins through periph.io (on a Raspberry Pi the hardware
// PWM pins GPIO12, 13, 18 and 19), with the shared servo calibration.
//
// Duty cycles are pulse / period × gpio.DutyMax, computed in float64. Tests
// use periph's gpiotest.Pin, which records the duty and frequency set.
package gpioservo

import (
	"errors"
	"fmt"
	"math"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/servo"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/host/v3"
)

// Servo is one calibrated servo on one pin.
type Servo struct {
	Pin gpio.PinIO
	servo.Calibration
}

// Config is a head: two servos on two pins.
type Config struct {
	Pan, Tilt Servo
	Frequency physic.Frequency // 50 Hz when zero
}

// Head is a GPIO-PWM pan-tilt head; Pose is the last pose commanded.
type Head struct {
	cfg Config

	state servo.Pair // last pose, halted latch, write lock
}

// New returns a head on cfg's pins. It does no I/O: the first SetPose
// starts the pulses.
func New(cfg Config) (*Head, error) {
	if cfg.Frequency == 0 {
		cfg.Frequency = 50 * physic.Hertz
	}
	if cfg.Frequency < 24*physic.Hertz || cfg.Frequency > 400*physic.Hertz {
		return nil, fmt.Errorf("gpioservo: frequency %s outside [24 Hz, 400 Hz] for servos", cfg.Frequency)
	}
	for _, s := range []Servo{cfg.Pan, cfg.Tilt} {
		if s.Pin == nil {
			return nil, errors.New("gpioservo: a servo has no pin")
		}
		if err := s.Calibration.Validate(); err != nil {
			return nil, fmt.Errorf("gpioservo: %s: %w", s.Pin, err)
		}
	}
	if cfg.Pan.Pin == cfg.Tilt.Pin {
		return nil, fmt.Errorf("gpioservo: pan and tilt share pin %s", cfg.Pan.Pin)
	}
	return &Head{cfg: cfg}, nil
}

// Open initialises the host's GPIO drivers and returns a head on the pins
// named panPin and tiltPin (e.g. "GPIO12", "GPIO13").
func Open(panPin, tiltPin string, cal servo.Calibration, tiltCal servo.Calibration) (*Head, error) {
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("gpioservo: host: %w", err)
	}
	pp, tp := gpioreg.ByName(panPin), gpioreg.ByName(tiltPin)
	if pp == nil || tp == nil {
		return nil, fmt.Errorf("gpioservo: no GPIO pins %q and %q on this machine", panPin, tiltPin)
	}
	return New(Config{Pan: Servo{Pin: pp, Calibration: cal}, Tilt: Servo{Pin: tp, Calibration: tiltCal}})
}

// duty converts a pulse width to a duty cycle of the PWM period.
func (h *Head) duty(s Servo, a physic.Angle) (gpio.Duty, error) {
	p, err := s.Pulse(a)
	if err != nil {
		return 0, fmt.Errorf("gpioservo: %s: %w", s.Pin, err)
	}
	f := float64(h.cfg.Frequency) / float64(physic.Hertz)
	return gpio.Duty(math.Round(p.Seconds() * f * float64(gpio.DutyMax))), nil
}

// SetPose commands both servos; bad poses leave the head where it was.
func (h *Head) SetPose(p device.Pose) error {
	dp, err := h.duty(h.cfg.Pan, p.Pan)
	if err != nil {
		return err
	}
	dt, err := h.duty(h.cfg.Tilt, p.Tilt)
	if err != nil {
		return err
	}
	return h.state.Command(p, func() error {
		if err := h.cfg.Pan.Pin.PWM(dp, h.cfg.Frequency); err != nil {
			return fmt.Errorf("gpioservo: pan: %w", err)
		}
		if err := h.cfg.Tilt.Pin.PWM(dt, h.cfg.Frequency); err != nil {
			return fmt.Errorf("gpioservo: tilt: %w", err)
		}
		return nil
	})
}

// Pose is the last pose commanded.
func (h *Head) Pose() device.Pose {
	return h.state.Pose()
}

// Limits are the calibrated travels.
func (h *Head) Limits() device.Limits {
	return servo.Limits(h.cfg.Pan.Calibration, h.cfg.Tilt.Calibration)
}

// Halt stops the pulses: the servos go limp.
func (h *Head) Halt() error {
	return h.state.Halt(func() error {
		return errors.Join(h.cfg.Pan.Pin.Halt(), h.cfg.Tilt.Pin.Halt())
	})
}

var _ device.PanTilt = (*Head)(nil)
