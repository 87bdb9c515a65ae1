package pca9685

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/i2c"
	"periph.io/x/conn/v3/i2c/i2creg"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/devices/v3/pca9685"
	"periph.io/x/host/v3"
)

// Servo is the calibration of one servo on one channel.
type Servo struct {
	Channel  int
	MinPulse time.Duration // pulse at MinAngle
	MaxPulse time.Duration // pulse at MaxAngle
	MinAngle physic.Angle
	MaxAngle physic.Angle
	Trim     physic.Angle // added to every command (mechanical zero offset)
	Invert   bool         // the servo turns the other way
}

// SG90 is a TowerPro SG90's nominal calibration: 500–2500 µs over ±90°.
func SG90(channel int) Servo {
	return Servo{Channel: channel, MinPulse: 500 * time.Microsecond, MaxPulse: 2500 * time.Microsecond,
		MinAngle: -90 * physic.Degree, MaxAngle: 90 * physic.Degree}
}

// Validate checks a calibration.
func (s Servo) Validate() error {
	switch {
	case s.Channel < 0 || s.Channel > 15:
		return fmt.Errorf("pca9685: channel %d outside [0, 15]", s.Channel)
	case s.MinPulse < 100*time.Microsecond || s.MaxPulse > 5*time.Millisecond || s.MinPulse >= s.MaxPulse:
		return fmt.Errorf("pca9685: channel %d: pulses %v–%v, want 100µs ≤ min < max ≤ 5ms", s.Channel, s.MinPulse, s.MaxPulse)
	case s.MinAngle >= s.MaxAngle:
		return fmt.Errorf("pca9685: channel %d: angles %s–%s not increasing", s.Channel, s.MinAngle, s.MaxAngle)
	}
	return nil
}

// pulse maps a commanded angle to a pulse width, or an error when the angle
// (after trim and inversion) is outside the calibrated travel.
func (s Servo) pulse(a physic.Angle) (time.Duration, error) {
	deg := device.AngleDeg(a) + device.AngleDeg(s.Trim)
	if s.Invert {
		deg = -deg
	}
	lo, hi := device.AngleDeg(s.MinAngle), device.AngleDeg(s.MaxAngle)
	if math.IsNaN(deg) || deg < lo-1e-9 || deg > hi+1e-9 {
		return 0, fmt.Errorf("pca9685: channel %d: %s is outside the servo's travel", s.Channel, a)
	}
	t := (deg - lo) / (hi - lo)
	return s.MinPulse + time.Duration(t*float64(s.MaxPulse-s.MinPulse)), nil
}

// travel is the range of commands the servo accepts.
func (s Servo) travel() (lo, hi physic.Angle) {
	lo, hi = s.MinAngle-s.Trim, s.MaxAngle-s.Trim
	if s.Invert {
		lo, hi = -s.MaxAngle-s.Trim, -s.MinAngle-s.Trim
	}
	return lo, hi
}

// Config is a head: two servos on one controller.
type Config struct {
	Pan, Tilt Servo
	Frequency physic.Frequency // PWM frequency; 50 Hz when zero
}

// Head is a PCA9685 pan-tilt head. It implements device.PanTilt; Pose is the
// last pose commanded (hobby servos report nothing back).
type Head struct {
	dev  *pca9685.Dev
	cfg  Config
	tick time.Duration // duration of one of the 4096 counts of a period

	mu     sync.Mutex
	pose   device.Pose
	halted bool
}

// oscillator is the PCA9685's internal clock.
const oscillator = 25 * physic.MegaHertz

// New initialises the controller on bus at addr (I/O happens here: reset,
// prescaler) and returns the head, not yet driven: the first SetPose starts
// the pulses.
func New(bus i2c.Bus, addr uint16, cfg Config) (*Head, error) {
	if cfg.Frequency == 0 {
		cfg.Frequency = 50 * physic.Hertz
	}
	if cfg.Frequency < 24*physic.Hertz || cfg.Frequency > 400*physic.Hertz {
		return nil, fmt.Errorf("pca9685: frequency %s outside [24 Hz, 400 Hz] for servos", cfg.Frequency)
	}
	if err := cfg.Pan.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Tilt.Validate(); err != nil {
		return nil, err
	}
	if cfg.Pan.Channel == cfg.Tilt.Channel {
		return nil, fmt.Errorf("pca9685: pan and tilt share channel %d", cfg.Pan.Channel)
	}
	dev, err := pca9685.NewI2C(bus, addr)
	if err != nil {
		return nil, fmt.Errorf("pca9685: init at 0x%02x: %w", addr, err)
	}
	if err := dev.SetPwmFreq(cfg.Frequency); err != nil {
		return nil, fmt.Errorf("pca9685: frequency: %w", err)
	}
	// The prescaler periph wrote, and so the real period (datasheet §7.3.5).
	prescale := int64((oscillator/4096 + cfg.Frequency/2) / cfg.Frequency)
	h := &Head{dev: dev, cfg: cfg, tick: time.Duration(float64(prescale+1) / float64(oscillator/physic.Hertz) * float64(time.Second))}
	return h, nil
}

// Tick is the duration of one PWM count.
func (h *Head) Tick() time.Duration { return h.tick }

// counts converts a pulse to PWM counts.
func (h *Head) counts(p time.Duration) gpio.Duty {
	return gpio.Duty(math.Round(float64(p) / float64(h.tick)))
}

// SetPose commands both servos. Non-finite and out-of-travel poses are
// errors and leave the head where it was.
func (h *Head) SetPose(p device.Pose) error {
	pp, err := h.cfg.Pan.pulse(p.Pan)
	if err != nil {
		return err
	}
	tp, err := h.cfg.Tilt.pulse(p.Tilt)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.halted {
		return device.ErrClosed
	}
	if err := h.dev.SetPwm(h.cfg.Pan.Channel, 0, h.counts(pp)); err != nil {
		return fmt.Errorf("pca9685: pan: %w", err)
	}
	if err := h.dev.SetPwm(h.cfg.Tilt.Channel, 0, h.counts(tp)); err != nil {
		return fmt.Errorf("pca9685: tilt: %w", err)
	}
	h.pose = p
	return nil
}

// Pose is the last pose commanded.
func (h *Head) Pose() device.Pose {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pose
}

// Limits are the calibrated travels.
func (h *Head) Limits() device.Limits {
	pl, ph := h.cfg.Pan.travel()
	tl, th := h.cfg.Tilt.travel()
	return device.Limits{PanMin: pl, PanMax: ph, TiltMin: tl, TiltMax: th}
}

// Halt stops the pulses on both channels: the servos go limp.
func (h *Head) Halt() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.halted = true
	return errors.Join(h.dev.SetFullOff(h.cfg.Pan.Channel), h.dev.SetFullOff(h.cfg.Tilt.Channel))
}

var _ device.PanTilt = (*Head)(nil)

// Open initialises the host's I²C drivers (periph.io/x/host), opens bus
// (a name or number, "" for the first) and brings up the head at addr. The
// returned close releases the bus.
func Open(bus string, addr uint16, cfg Config) (*Head, func() error, error) {
	if _, err := host.Init(); err != nil {
		return nil, nil, fmt.Errorf("pca9685: host: %w", err)
	}
	if len(i2creg.All()) == 0 {
		return nil, nil, errors.New("pca9685: no I²C bus on this machine (on a Raspberry Pi: dtparam=i2c_arm=on in config.txt; user in group i2c)")
	}
	b, err := i2creg.Open(bus)
	if err != nil {
		return nil, nil, fmt.Errorf("pca9685: I²C bus %q: %w", bus, err)
	}
	h, err := New(b, addr, cfg)
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	return h, b.Close, nil
}
