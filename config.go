package fovea

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"periph.io/x/conn/v3/physic"

	"github.com/fovea-vision/fovea/device/servo"
	"github.com/fovea-vision/fovea/device/sim"
)

// Angle is a physic.Angle that reads from YAML as "60deg", "60°" or "1.2rad".
type Angle struct{ physic.Angle }

// Deg returns the angle in degrees.
func (a Angle) Deg() float64 { return float64(a.Angle) / float64(physic.Degree) }

// Config is the whole configuration of a run: one YAML file.
type Config struct {
	LogLevel    string            `yaml:"log_level"` // debug, info, warn, error
	Camera      CameraConfig      `yaml:"camera"`
	Head        HeadConfig        `yaml:"head"`
	Sim         SimConfig         `yaml:"sim"`
	Safety      SafetyConfig      `yaml:"safety"`
	Retina      RetinaConfig      `yaml:"retina"`
	Attention   AttentionConfig   `yaml:"attention"`
	Gaze        GazeConfig        `yaml:"gaze"`
	Categorizer CategorizerConfig `yaml:"categorizer"`
	Preview     PreviewConfig     `yaml:"preview"`
}

// CameraConfig selects and sizes the camera.
type CameraConfig struct {
	// Source is "sim", a V4L2 index ("0") or device path ("/dev/video0"), an
	// RTSP/HTTP URL, a video file, or a GStreamer pipeline ending in appsink.
	Source      string        `yaml:"source"`
	Width       int           `yaml:"width"`
	Height      int           `yaml:"height"`
	FPS         float64       `yaml:"fps"`
	HFOV        Angle         `yaml:"hfov"` // horizontal field of view
	Loop        bool          `yaml:"loop"` // replay a video file forever
	ReadTimeout time.Duration `yaml:"read_timeout"`
}

// HeadConfig selects the pan-tilt head.
type HeadConfig struct {
	// Driver is "sim" (simulated gimbal), "fixed" (no head: the gaze moves
	// over a still camera), "pca9685" (two servos on a PCA9685 over I²C) or
	// "gpio" (two servos on PWM-capable GPIO pins).
	Driver   string `yaml:"driver"`
	PanMin   Angle  `yaml:"pan_min"`
	PanMax   Angle  `yaml:"pan_max"`
	TiltMin  Angle  `yaml:"tilt_min"`
	TiltMax  Angle  `yaml:"tilt_max"`
	ParkPan  Angle  `yaml:"park_pan"`
	ParkTilt Angle  `yaml:"park_tilt"`

	I2CBus    string      `yaml:"i2c_bus"`  // periph bus name or number; "" takes the first
	I2CAddr   int         `yaml:"i2c_addr"` // the PCA9685's address (64 = 0x40)
	PanPin    string      `yaml:"pan_pin"`  // gpio: the pan servo's pin, e.g. GPIO12
	TiltPin   string      `yaml:"tilt_pin"` // gpio: the tilt servo's pin
	PanServo  ServoConfig `yaml:"pan_servo"`
	TiltServo ServoConfig `yaml:"tilt_servo"`
}

// ServoConfig calibrates one servo of a PCA9685 head.
type ServoConfig struct {
	Channel  int           `yaml:"channel"`
	MinPulse time.Duration `yaml:"min_pulse"` // pulse at min_angle
	MaxPulse time.Duration `yaml:"max_pulse"` // pulse at max_angle
	MinAngle Angle         `yaml:"min_angle"`
	MaxAngle Angle         `yaml:"max_angle"`
	Trim     Angle         `yaml:"trim"`
	Invert   bool          `yaml:"invert"`
}

// Calibration is the servo's calibration in device/servo's terms.
func (s ServoConfig) Calibration() servo.Calibration {
	return servo.Calibration{MinPulse: s.MinPulse, MaxPulse: s.MaxPulse,
		MinAngle: s.MinAngle.Angle, MaxAngle: s.MaxAngle.Angle, Trim: s.Trim.Angle, Invert: s.Invert}
}

// SimConfig sets up the simulated world and its servos.
type SimConfig struct {
	Seed          uint64        `yaml:"seed"`
	Appearance    string        `yaml:"appearance"` // digits, fashion (held-out images on cards) or shapes
	Objects       int           `yaml:"objects"`
	Moving        int           `yaml:"moving"`
	SlewDegPerSec float64       `yaml:"slew_deg_per_s"`
	DeadBand      Angle         `yaml:"dead_band"`
	Lag           time.Duration `yaml:"lag"`
	Latency       time.Duration `yaml:"latency"`
}

// SafetyConfig is the motion envelope every head sits behind.
type SafetyConfig struct {
	MaxSlewDegPerSec  float64       `yaml:"max_slew_deg_per_s"`
	MaxAccelDegPerSec float64       `yaml:"max_accel_deg_per_s2"`
	Watchdog          time.Duration `yaml:"watchdog"`   // no fresh perception this long: hold
	ParkAfter         time.Duration `yaml:"park_after"` // then park and release the servos
}

// RetinaConfig sets up the log-polar retina sampled at the gaze.
type RetinaConfig struct {
	Wedges int `yaml:"wedges"` // samples per ring
}

// AttentionConfig tunes saliency and inhibition of return.
type AttentionConfig struct {
	// Coarse is how many retina samples, each way, one saliency cell
	// averages: attention works on the retina's coarse periphery.
	Coarse   int           `yaml:"coarse"`
	IORSigma Angle         `yaml:"ior_sigma"`
	IORDecay time.Duration `yaml:"ior_decay"`
	// Novelty raises the saliency of directions the head has not looked
	// from, up to 1+novelty times (0: off).
	Novelty float64 `yaml:"novelty"`
	// Explore: directions in view draw the head, even where they are blank,
	// by this fraction of the frame's strongest saliency times the share of
	// a view there that would show reach not in view for a minute (0: off).
	Explore float64 `yaml:"explore"`
	// Habituation multiplies the saliency of what each fixation looked at;
	// it recovers like inhibition of return, and repeated looks compound
	// (1: off).
	Habituation float64 `yaml:"habituation"`
	// ChannelGains weight intensity, red–green and blue–yellow contrast:
	// a top-down bias toward features.
	ChannelGains []float64 `yaml:"channel_gains"`
	// TaskBias weights the places of objects the categoriser named: a
	// class's weight above 1 brings attention back to them, below 1 keeps
	// it away. It multiplies with habituation: to outweigh one look, a
	// weight must exceed 1/habituation.
	TaskBias map[string]float64 `yaml:"task_bias"`
}

// GazeConfig tunes the oculomotor state machine.
type GazeConfig struct {
	Dwell time.Duration `yaml:"dwell"`
	// PursuitMinSpeed: a fixated blob moving faster (°/s) is pursued; 0 turns
	// smooth pursuit off.
	PursuitMinSpeed float64 `yaml:"pursuit_min_speed_deg_per_s"`
	// ServoDeadBand is the servos' dead band: corrective saccades smaller
	// than 1.5 times it go beyond their target first, so that a resting
	// servo moves at all (0: no compensation).
	ServoDeadBand Angle `yaml:"servo_dead_band"`
}

// CategorizerConfig names what each fixation shows.
type CategorizerConfig struct {
	Enabled bool   `yaml:"enabled"`
	Model   string `yaml:"model"`  // an embedded model (digits, fashion, fashion-raw) or a .tflite file
	Labels  string `yaml:"labels"` // a file of class names, one per line; empty: the model's own
	Patch   Angle  `yaml:"patch"`  // side of the square foveal patch it sees
}

// PreviewConfig sets up the browser preview.
type PreviewConfig struct {
	Enabled bool    `yaml:"enabled"`
	Listen  string  `yaml:"listen"`
	MaxFPS  float64 `yaml:"max_fps"`
	Quality int     `yaml:"quality"` // JPEG quality, 1-100
}

// DefaultConfig is the configuration of `fovea sim` with no file.
func DefaultConfig() Config {
	// Parsed as a file would be, so that a file repeating a default gives
	// the very same value.
	deg := func(d float64) Angle {
		var a physic.Angle
		if err := a.Set(strconv.FormatFloat(d, 'f', -1, 64) + "deg"); err != nil {
			panic(err) // a programmer error in the defaults
		}
		return Angle{a}
	}
	return Config{
		LogLevel: "info",
		Camera:   CameraConfig{Source: "sim", Width: 640, Height: 480, FPS: 30, HFOV: deg(60), ReadTimeout: 2 * time.Second},
		Head: HeadConfig{Driver: "sim", PanMin: deg(-90), PanMax: deg(90), TiltMin: deg(-45), TiltMax: deg(60),
			I2CAddr: 0x40, PanPin: "GPIO12", TiltPin: "GPIO13",
			PanServo:  ServoConfig{Channel: 0, MinPulse: 500 * time.Microsecond, MaxPulse: 2500 * time.Microsecond, MinAngle: deg(-90), MaxAngle: deg(90)},
			TiltServo: ServoConfig{Channel: 1, MinPulse: 500 * time.Microsecond, MaxPulse: 2500 * time.Microsecond, MinAngle: deg(-90), MaxAngle: deg(90)}},
		Sim: SimConfig{Seed: 1, Appearance: "digits", Objects: 14, Moving: 4, SlewDegPerSec: 600, DeadBand: deg(0.45),
			Lag: 12 * time.Millisecond, Latency: 3 * time.Millisecond},
		Safety:      SafetyConfig{MaxSlewDegPerSec: 500, MaxAccelDegPerSec: 30000, Watchdog: 500 * time.Millisecond, ParkAfter: 2 * time.Second},
		Retina:      RetinaConfig{Wedges: 128},
		Attention:   AttentionConfig{Coarse: 2, IORSigma: deg(4.5), IORDecay: 20 * time.Second, Novelty: 1, Explore: 1.5, Habituation: 0.3, ChannelGains: []float64{1, 1, 1}},
		Gaze:        GazeConfig{Dwell: 200 * time.Millisecond, PursuitMinSpeed: 8, ServoDeadBand: deg(0.45)},
		Categorizer: CategorizerConfig{Enabled: true, Model: "digits", Patch: deg(3.2)},
		Preview:     PreviewConfig{Enabled: true, Listen: "127.0.0.1:8080", MaxFPS: 25, Quality: 80},
	}
}

// LoadConfig reads a YAML file over the defaults and validates the result.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// maxConfigBytes bounds what ParseConfig reads: a configuration is small.
const maxConfigBytes = 1 << 20

// ParseConfig parses YAML over the defaults and validates the result. Every
// error names the key (as a dotted path) and the problem; unknown keys are
// errors.
func ParseConfig(b []byte) (Config, error) {
	c := DefaultConfig()
	if len(b) > maxConfigBytes {
		return c, fmt.Errorf("%d bytes, more than %d", len(b), maxConfigBytes)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return c, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return c, c.Validate() // empty file: defaults
	}
	if err := decode(doc.Content[0], reflect.ValueOf(&c).Elem(), ""); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// KeyError is a configuration error at one key.
type KeyError struct {
	Key  string // dotted path, e.g. camera.width
	Line int    // 0 when not from a file
	Msg  string
}

func (e *KeyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Key, e.Msg)
}

var (
	angleType    = reflect.TypeOf(Angle{})
	durationType = reflect.TypeOf(time.Duration(0))
)

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode walks a YAML node into v, naming the path in every error.
func decode(n *yaml.Node, v reflect.Value, path string) error {
	bad := func(format string, a ...any) error {
		return &KeyError{Key: path, Line: n.Line, Msg: fmt.Sprintf(format, a...)}
	}
	if n.Kind == yaml.AliasNode {
		return bad("aliases are not supported")
	}
	switch {
	case v.Type() == angleType:
		if n.Kind != yaml.ScalarNode {
			return bad("want an angle such as 60deg")
		}
		var a physic.Angle
		if err := a.Set(strings.TrimSpace(n.Value)); err != nil {
			return bad("%q is not an angle (write 60deg, 60° or 1.05rad): %v", n.Value, err)
		}
		v.Set(reflect.ValueOf(Angle{a}))
		return nil
	case v.Type() == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(n.Value))
		if n.Kind != yaml.ScalarNode || err != nil {
			return bad("%q is not a duration (write 300ms or 2s)", n.Value)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad("want a mapping of keys")
		}
		t := v.Type()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			found := false
			for j := 0; j < t.NumField(); j++ {
				if tag := strings.Split(t.Field(j).Tag.Get("yaml"), ",")[0]; tag == k.Value {
					if err := decode(val, v.Field(j), join(path, k.Value)); err != nil {
						return err
					}
					found = true
					break
				}
			}
			if !found {
				return &KeyError{Key: join(path, k.Value), Line: k.Line, Msg: "unknown key"}
			}
		}
		return nil
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return bad("want a string")
		}
		v.SetString(n.Value)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			return bad("%q is not true or false", n.Value)
		}
		v.SetBool(b)
	case reflect.Int:
		i, err := strconv.ParseInt(n.Value, 10, 32)
		if n.Kind != yaml.ScalarNode || err != nil {
			return bad("%q is not a whole number", n.Value)
		}
		v.SetInt(i)
	case reflect.Uint64:
		u, err := strconv.ParseUint(n.Value, 10, 64)
		if n.Kind != yaml.ScalarNode || err != nil {
			return bad("%q is not a non-negative whole number", n.Value)
		}
		v.SetUint(u)
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if n.Kind != yaml.ScalarNode || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%q is not a finite number", n.Value)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("want a list such as [1, 1, 1]")
		}
		if len(n.Content) > 64 {
			return bad("%d items, at most 64", len(n.Content))
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode || v.Type().Key().Kind() != reflect.String {
			return bad("want a mapping of names to values")
		}
		if len(n.Content)/2 > 1024 {
			return bad("%d entries, at most 1024", len(n.Content)/2)
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return &KeyError{Key: path, Line: k.Line, Msg: "want a name as key"}
			}
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				return &KeyError{Key: join(path, k.Value), Line: k.Line, Msg: "given twice"}
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := decode(val, e, join(path, k.Value)); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k.Value), e)
		}
		v.Set(m)
	default:
		return bad("unsupported type %s", v.Type()) // a programmer error in Config
	}
	return nil
}

// Validate checks every value, naming the key of each problem.
func (c *Config) Validate() error {
	var errs []error
	check := func(ok bool, key, format string, a ...any) bool {
		if !ok {
			errs = append(errs, &KeyError{Key: key, Msg: fmt.Sprintf(format, a...)})
		}
		return ok
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		check(false, "log_level", "%q is not one of debug, info, warn, error", c.LogLevel)
	}
	cam := &c.Camera
	check(strings.TrimSpace(cam.Source) != "", "camera.source", "empty (use sim, a device, a URL, a file or a GStreamer pipeline)")
	check(cam.Width >= 64 && cam.Width <= 8192, "camera.width", "%d outside [64, 8192]", cam.Width)
	check(cam.Height >= 48 && cam.Height <= 8192, "camera.height", "%d outside [48, 8192]", cam.Height)
	check(cam.FPS >= 1 && cam.FPS <= 240, "camera.fps", "%v outside [1, 240]", cam.FPS)
	check(cam.HFOV.Deg() > 1 && cam.HFOV.Deg() < 170, "camera.hfov", "%s outside (1°, 170°)", cam.HFOV.Angle)
	check(cam.ReadTimeout >= 100*time.Millisecond && cam.ReadTimeout <= time.Minute, "camera.read_timeout", "%v outside [100ms, 1m]", cam.ReadTimeout)
	h := &c.Head
	switch h.Driver {
	case "sim", "fixed":
	case "pca9685", "gpio":
		check(cam.Source != "sim", "head.driver", "%s drives real servos: camera.source cannot be sim", h.Driver)
		check(h.I2CAddr >= 0x03 && h.I2CAddr <= 0x77, "head.i2c_addr", "%d outside the 7-bit range [3, 119]", h.I2CAddr)
		check(h.Driver != "gpio" || (h.PanPin != "" && h.TiltPin != "" && h.PanPin != h.TiltPin), "head.pan_pin", "gpio needs two different pins, has %q and %q", h.PanPin, h.TiltPin)
		for _, sv := range []struct {
			key string
			s   ServoConfig
		}{{"head.pan_servo", h.PanServo}, {"head.tilt_servo", h.TiltServo}} {
			check(sv.s.Channel >= 0 && sv.s.Channel <= 15, sv.key+".channel", "%d outside [0, 15]", sv.s.Channel)
			check(sv.s.MinPulse >= 100*time.Microsecond && sv.s.MinPulse < sv.s.MaxPulse && sv.s.MaxPulse <= 5*time.Millisecond,
				sv.key+".min_pulse", "%v–%v: want 100µs ≤ min_pulse < max_pulse ≤ 5ms", sv.s.MinPulse, sv.s.MaxPulse)
			check(sv.s.MinAngle.Angle < sv.s.MaxAngle.Angle, sv.key+".min_angle", "%s not below max_angle %s", sv.s.MinAngle.Angle, sv.s.MaxAngle.Angle)
		}
		check(h.PanServo.Channel != h.TiltServo.Channel, "head.tilt_servo.channel", "same channel as the pan servo")
	default:
		check(false, "head.driver", "%q is not one of sim, fixed, pca9685, gpio", h.Driver)
	}
	check(h.PanMin.Angle < h.PanMax.Angle, "head.pan_min", "%s not below head.pan_max %s", h.PanMin.Angle, h.PanMax.Angle)
	check(h.TiltMin.Angle < h.TiltMax.Angle, "head.tilt_min", "%s not below head.tilt_max %s", h.TiltMin.Angle, h.TiltMax.Angle)
	check(h.PanMin.Deg() >= -180 && h.PanMax.Deg() <= 180, "head.pan_max", "pan range beyond ±180°")
	check(h.TiltMin.Deg() >= -90 && h.TiltMax.Deg() <= 90, "head.tilt_max", "tilt range beyond ±90°")
	check(h.ParkPan.Angle >= h.PanMin.Angle && h.ParkPan.Angle <= h.PanMax.Angle, "head.park_pan", "%s outside the pan range", h.ParkPan.Angle)
	check(h.ParkTilt.Angle >= h.TiltMin.Angle && h.ParkTilt.Angle <= h.TiltMax.Angle, "head.park_tilt", "%s outside the tilt range", h.ParkTilt.Angle)
	if h.Driver == "sim" {
		check(cam.Source == "sim", "head.driver", "the simulated gimbal needs camera.source: sim")
	}
	s := &c.Sim
	check(s.Appearance == sim.Digits || s.Appearance == sim.Fashion || s.Appearance == sim.Shapes, "sim.appearance", "%q is not one of digits, fashion, shapes", s.Appearance)
	check(s.Objects >= 0 && s.Objects <= 200, "sim.objects", "%d outside [0, 200]", s.Objects)
	check(s.Moving >= 0 && s.Moving <= s.Objects, "sim.moving", "%d outside [0, sim.objects]", s.Moving)
	check(s.SlewDegPerSec > 0 && s.SlewDegPerSec <= 10000, "sim.slew_deg_per_s", "%v outside (0, 10000]", s.SlewDegPerSec)
	check(s.DeadBand.Deg() >= 0 && s.DeadBand.Deg() <= 10, "sim.dead_band", "%s outside [0°, 10°]", s.DeadBand.Angle)
	check(s.Lag > 0 && s.Lag <= time.Second, "sim.lag", "%v outside (0, 1s]", s.Lag)
	check(s.Latency >= 0 && s.Latency <= time.Second, "sim.latency", "%v outside [0, 1s]", s.Latency)
	check(strings.TrimSpace(c.Categorizer.Model) != "", "categorizer.model", "empty (digits, fashion, fashion-raw or a .tflite file)")
	check(c.Categorizer.Patch.Deg() > 0.1 && c.Categorizer.Patch.Deg() < 60, "categorizer.patch", "%s outside (0.1°, 60°)", c.Categorizer.Patch.Angle)
	sf := &c.Safety
	check(sf.MaxSlewDegPerSec > 0 && sf.MaxSlewDegPerSec <= 5000, "safety.max_slew_deg_per_s", "%v outside (0, 5000]", sf.MaxSlewDegPerSec)
	check(sf.MaxAccelDegPerSec > 0 && sf.MaxAccelDegPerSec <= 1e6, "safety.max_accel_deg_per_s2", "%v outside (0, 1e6]", sf.MaxAccelDegPerSec)
	check(sf.Watchdog >= 20*time.Millisecond && sf.Watchdog <= time.Minute, "safety.watchdog", "%v outside [20ms, 1m]", sf.Watchdog)
	check(sf.ParkAfter >= 0 && sf.ParkAfter <= 10*time.Minute, "safety.park_after", "%v outside [0, 10m]", sf.ParkAfter)
	check(c.Retina.Wedges >= 8 && c.Retina.Wedges <= 4096, "retina.wedges", "%d outside [8, 4096]", c.Retina.Wedges)
	a := &c.Attention
	if check(a.Coarse >= 1 && a.Coarse <= 16, "attention.coarse", "%d outside [1, 16]", a.Coarse) && c.Retina.Wedges > 0 {
		check(c.Retina.Wedges%a.Coarse == 0 && c.Retina.Wedges/a.Coarse >= 16, "attention.coarse",
			"%d must divide retina.wedges (%d) into at least 16 saliency wedges", a.Coarse, c.Retina.Wedges)
	}
	check(a.IORSigma.Deg() > 0 && a.IORSigma.Deg() <= 45, "attention.ior_sigma", "%s outside (0°, 45°]", a.IORSigma.Angle)
	check(a.IORDecay > 0, "attention.ior_decay", "%v is not positive", a.IORDecay)
	check(a.Novelty >= 0 && a.Novelty <= 100, "attention.novelty", "%v outside [0, 100]", a.Novelty)
	check(a.Explore >= 0 && a.Explore <= 10, "attention.explore", "%v outside [0, 10]", a.Explore)
	check(a.Habituation >= 0.02 && a.Habituation <= 1, "attention.habituation", "%v outside [0.02, 1]", a.Habituation)
	if check(len(a.ChannelGains) == 3, "attention.channel_gains", "%d values, want 3 (intensity, red–green, blue–yellow)", len(a.ChannelGains)) {
		check(a.ChannelGains[0] >= 0 && a.ChannelGains[1] >= 0 && a.ChannelGains[2] >= 0 &&
			a.ChannelGains[0] <= 100 && a.ChannelGains[1] <= 100 && a.ChannelGains[2] <= 100 &&
			a.ChannelGains[0]+a.ChannelGains[1]+a.ChannelGains[2] > 0,
			"attention.channel_gains", "%v: each in [0, 100], not all 0", a.ChannelGains)
	}
	for _, label := range slices.Sorted(maps.Keys(a.TaskBias)) {
		w := a.TaskBias[label]
		check(w > 0 && w <= 50, "attention.task_bias."+label, "%v outside (0, 50]", w)
	}
	check(c.Gaze.Dwell > 0 && c.Gaze.Dwell <= 10*time.Second, "gaze.dwell", "%v outside (0, 10s]", c.Gaze.Dwell)
	check(c.Gaze.ServoDeadBand.Deg() >= 0 && c.Gaze.ServoDeadBand.Deg() <= 10, "gaze.servo_dead_band", "%s outside [0°, 10°]", c.Gaze.ServoDeadBand.Angle)
	check(c.Gaze.PursuitMinSpeed >= 0 && c.Gaze.PursuitMinSpeed <= 1000, "gaze.pursuit_min_speed_deg_per_s", "%v outside [0, 1000]", c.Gaze.PursuitMinSpeed)
	p := &c.Preview
	if p.Enabled {
		check(validListen(p.Listen), "preview.listen", "%q is not host:port", p.Listen)
	}
	check(p.MaxFPS > 0 && p.MaxFPS <= 120, "preview.max_fps", "%v outside (0, 120]", p.MaxFPS)
	check(p.Quality >= 1 && p.Quality <= 100, "preview.quality", "%d outside [1, 100]", p.Quality)
	return errors.Join(errs...)
}

func validListen(s string) bool {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return false
	}
	port, err := strconv.Atoi(s[i+1:])
	return err == nil && port >= 0 && port <= 65535
}
