package pca9685

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/servo"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/i2c"
	"periph.io/x/conn/v3/i2c/i2creg"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/devices/v3/pca9685"
	"periph.io/x/host/v3"
)

// Servo is one calibrated servo on one channel.
type Servo struct {
	Channel int
	servo.Calibration
}

// SG90 is a TowerPro SG90 with its nominal calibration on channel.
func SG90(channel int) Servo { return Servo{Channel: channel, Calibration: servo.SG90} }

// Validate checks the channel and the calibration.
func (s Servo) Validate() error {
	if s.Channel < 0 || s.Channel > 15 {
		return fmt.Errorf("pca9685: channel %d outside [0, 15]", s.Channel)
	}
	if err := s.Calibration.Validate(); err != nil {
		return fmt.Errorf("pca9685: channel %d: %w", s.Channel, err)
	}
	return nil
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

	state servo.Pair // last pose, halted latch, write lock
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
	pp, err := h.cfg.Pan.Pulse(p.Pan)
	if err != nil {
		return fmt.Errorf("pca9685: pan: %w", err)
	}
	tp, err := h.cfg.Tilt.Pulse(p.Tilt)
	if err != nil {
		return fmt.Errorf("pca9685: tilt: %w", err)
	}
	return h.state.Command(p, func() error {
		if err := h.dev.SetPwm(h.cfg.Pan.Channel, 0, h.counts(pp)); err != nil {
			return fmt.Errorf("pca9685: pan: %w", err)
		}
		if err := h.dev.SetPwm(h.cfg.Tilt.Channel, 0, h.counts(tp)); err != nil {
			return fmt.Errorf("pca9685: tilt: %w", err)
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

// Halt stops the pulses on both channels: the servos go limp.
func (h *Head) Halt() error {
	return h.state.Halt(func() error {
		return errors.Join(h.dev.SetFullOff(h.cfg.Pan.Channel), h.dev.SetFullOff(h.cfg.Tilt.Channel))
	})
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
