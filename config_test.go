package fovea

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigValid(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`
log_level: debug
camera:
  width: 320
  height: 240
  hfov: 75deg
head:
  pan_min: -60°
  pan_max: 60deg
sim:
  seed: 7
  objects: 9
  lag: 20ms
gaze:
  dwell: 250ms
preview:
  listen: 127.0.0.1:9000
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Camera.Width != 320 || c.Camera.HFOV.Deg() != 75 || c.Head.PanMin.Deg() != -60 ||
		c.Sim.Seed != 7 || c.Sim.Objects != 9 || c.Sim.Lag != 20*time.Millisecond ||
		c.Gaze.Dwell != 250*time.Millisecond || c.Preview.Listen != "127.0.0.1:9000" || c.LogLevel != "debug" {
		t.Fatalf("parsed %+v", c)
	}
	// Unset keys keep their defaults.
	if c.Camera.FPS != 30 || c.Head.TiltMax.Deg() != 60 {
		t.Fatalf("defaults lost: %+v", c)
	}
}

func TestParseConfigErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"camera:\n  widht: 3\n", "line 2: camera.widht: unknown key"},
		{"camera:\n  width: wide\n", `line 2: camera.width: "wide" is not a whole number`},
		{"camera:\n  hfov: 60\n", `camera.hfov: "60" is not an angle`},
		{"camera:\n  width: 10\n", "camera.width: 10 outside [64, 8192]"},
		{"gaze:\n  dwell: soon\n", `gaze.dwell: "soon" is not a duration`},
		{"head:\n  pan_min: 10deg\n  pan_max: -10deg\n", "head.pan_min: 10.00° not below head.pan_max"},
		{"preview:\n  listen: nowhere\n", `preview.listen: "nowhere" is not host:port`},
		{"log_level: loud\n", `log_level: "loud" is not one of`},
		{"sim:\n  moving: 30\n", "sim.moving: 30 outside [0, sim.objects]"},
		{"sim:\n  seed: -1\n", `sim.seed: "-1" is not a non-negative whole number`},
		{"camera: [1, 2]\n", "camera: want a mapping"},
		{"camera:\n  fps: .nan\n", "camera.fps"},
		{"attention:\n  channel_gains: [1, 1]\n", "attention.channel_gains: 2 values, want 3"},
		{"attention:\n  channel_gains: [0, 0, 0]\n", "attention.channel_gains: [0 0 0]: each in [0, 100], not all 0"},
		{"attention:\n  task_bias:\n    \"7\": 0\n", "attention.task_bias.7: 0 outside (0, 50]"},
		{"attention:\n  novelty: -1\n", "attention.novelty: -1 outside [0, 100]"},
		{"attention:\n  habituation: 0\n", "attention.habituation: 0 outside [0.02, 1]"},
		{"attention:\n  explore: 11\n", "attention.explore: 11 outside [0, 10]"},
		{"attention:\n  coarse: 3\n", "attention.coarse: 3 must divide retina.wedges (128)"},
		{"attention:\n  coarse: 0\n", "attention.coarse: 0 outside [1, 16]"},
		{"retina:\n  wedges: 0\n", "retina.wedges: 0 outside [8, 4096]"},
		{"gaze:\n  servo_dead_band: -1deg\n", "gaze.servo_dead_band: -1.000° outside [0°, 10°]"},
		{"camera: &a {}\nhead: *a\n", "aliases are not supported"},
		{"\t- :", "yaml:"},
	} {
		_, err := ParseConfig([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseConfig(%q) = %v, want an error containing %q", c.yaml, err, c.want)
		}
	}
}

func TestParseConfigEmpty(t *testing.T) {
	for _, s := range []string{"", "\n", "# only a comment\n"} {
		c, err := ParseConfig([]byte(s))
		if err != nil || !reflect.DeepEqual(c, DefaultConfig()) {
			t.Errorf("ParseConfig(%q) = %+v, %v; want the defaults", s, c, err)
		}
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "config: ") {
		t.Fatalf("got %v", err)
	}
}

// FuzzParseConfig: no input panics or hangs; whatever parses validates.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("camera:\n  width: 320\n  hfov: 75deg\n"))
	f.Add([]byte("head:\n  pan_min: -60°\n  park_tilt: 1.2rad\n"))
	f.Add([]byte("sim: {seed: 3, objects: 5, moving: 2}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("preview:\n  listen: ':0'\n  quality: 101\n"))
	f.Add([]byte("retina:\n  wedges: 96\nattention:\n  coarse: 3\ngaze:\n  servo_dead_band: 0.3deg\n"))
	f.Add([]byte("attention:\n  novelty: 2\n  explore: 0.5\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return
		}
		c, err := ParseConfig(b)
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("ParseConfig accepted an invalid config: %v", verr)
			}
		}
	})
}

// The example configuration shipped with the repository is the defaults.
func TestExampleConfig(t *testing.T) {
	c, err := LoadConfig("fovea.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, DefaultConfig()) {
		t.Fatalf("fovea.example.yaml differs from DefaultConfig:\n%+v\n%+v", c, DefaultConfig())
	}
}
