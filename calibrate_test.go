package fovea

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/physic"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/pca9685"
)

// A head whose pan servo is mounted 3° off and turns the wrong way, whose
// tilt is 2° low: the walkthrough finds trim, inversion and limits.
func TestCalibrateWalkthrough(t *testing.T) {
	bus := &registers{}
	head, err := pca9685.New(bus, 0x40, pca9685.Config{Pan: pca9685.SG90(0), Tilt: pca9685.SG90(1)})
	if err != nil {
		t.Fatal(err)
	}
	input := strings.Join([]string{
		"+", "+", "+", "", // pan centre at raw +3°
		"-2", "", // tilt centre at raw −2°
		"n",                                                 // pan +5° turned the camera left: inverted
		"y",                                                 // tilt +5° turned it up
		"+10", "+10", "+10", "+10", "+10", "+10", "+10", "", // left end at raw +73° (inverted)
		"-10", "-10", "-10", "-10", "-10", "-10", "-5", "", // right end at raw −62°
		"-10", "-10", "-10", "-8", "", // tilt down to raw −40°
		"+55", "+10", "+10", "+10", "+10", "+10", "", // tilt up to raw +58° (the first step capped at 10°)
	}, "\n") + "\n"
	var out strings.Builder
	c, err := Calibrate(strings.NewReader(input), &out, head)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := Calibration{PanTrim: -3, TiltTrim: -2, PanInvert: true, TiltInvert: false,
		PanMin: -70, PanMax: 65, TiltMin: -38, TiltMax: 60,
		PanRawMin: 73, PanRawMax: -62, TiltRawMin: -40, TiltRawMax: 58}
	if c != want {
		t.Fatalf("calibration %+v\nwant        %+v\n%s", c, want, out.String())
	}
	if !strings.Contains(out.String(), "steps are at most 10°") {
		t.Errorf("a 55° step was not capped:\n%s", out.String())
	}
	// The servos were driven over I²C: the walkthrough ends with both axes
	// back at their centres, raw +3° and −2°: pan's off count (LED0_OFF) and
	// tilt's (LED1_OFF) in the controller's registers.
	counts := func(ch int) int { return int(bus.r[0x08+4*ch]) | int(bus.r[0x09+4*ch])<<8 }
	tick := float64(head.Tick())
	for ch, deg := range []float64{3, -2} {
		p, _ := pca9685.SG90(ch).Pulse(device.DegAngle(deg))
		if want := int(float64(p)/tick + 0.5); counts(ch) != want {
			t.Errorf("channel %d: %d counts, want %d (raw %v°)", ch, counts(ch), want, deg)
		}
	}
	if bus.writes < 40 {
		t.Errorf("%d I²C writes", bus.writes)
	}
	// Written into a configuration, the calibration is valid and the head
	// then points straight ahead when commanded 0°.
	doc := []byte("# my robot\nhead:\n  driver: sim   # for now\n")
	b, err := SetConfigValues(doc, c.Values())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "# my robot") || !strings.Contains(string(b), "# for now") {
		t.Errorf("comments lost:\n%s", b)
	}
	if cfg.Head.PanServo.Trim.Deg() != -3 || !cfg.Head.PanServo.Invert || cfg.Head.PanMin.Deg() != -70 || cfg.Head.TiltMax.Deg() != 60 {
		t.Errorf("written configuration: %+v", cfg.Head)
	}
	cal := cfg.Head.PanServo.Calibration()
	p0, _ := cal.Pulse(0)
	cal.Trim, cal.Invert = 0, false
	raw, _ := cal.Pulse(device.DegAngle(3))
	if p0 != raw {
		t.Errorf("pan 0° gives %v, the centre found was %v", p0, raw)
	}
}

func TestCalibrateErrors(t *testing.T) {
	head, err := pca9685.New(&registers{}, 0x40, pca9685.Config{Pan: pca9685.SG90(0), Tilt: pca9685.SG90(1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"q\n", "aborted"},
		{"", "input ended"},
		{"\n\ny\ny\n+5\n\n+3\n\n-5\n\n+5\n\n", "swapped"},
	} {
		var out strings.Builder
		_, err := Calibrate(strings.NewReader(c.in), &out, head)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	// Nonsense input is explained, not obeyed; a move past the travel is refused.
	var out strings.Builder
	_, err = Calibrate(strings.NewReader("x\n+NaN\n+10\n+10\n+10\n+10\n+10\n+10\n+10\n+10\n+10\n+10\nq\n"), &out, head)
	if !errors.Is(err, ErrCalibrationAborted) || !strings.Contains(out.String(), `"x": type`) || !strings.Contains(out.String(), "cannot go there") {
		t.Errorf("%v\n%s", err, out.String())
	}
	if _, err := SetConfigValues([]byte("head: [1, 2]\n"), map[string]string{"head.pan_min": "1deg"}); err == nil {
		t.Error("a list as head accepted")
	}
	if _, err := SetConfigValues([]byte("head:\n  driver: sim\n"), map[string]string{"head.pan_min": "100deg"}); err == nil {
		t.Error("an invalid result accepted")
	}
}

// registers is a PCA9685's register file on a bus: a write sets the
// register pointer and stores the bytes after it (auto-increment), a read
// returns from the pointer on.
type registers struct {
	r      [256]byte
	writes int
}

func (b *registers) Tx(addr uint16, w, r []byte) error {
	if len(w) > 0 {
		p := int(w[0])
		for i, v := range w[1:] {
			b.r[(p+i)&0xFF] = v
		}
		if len(w) > 1 {
			b.writes++
		}
		for i := range r {
			r[i] = b.r[(p+i)&0xFF]
		}
	}
	return nil
}

func (b *registers) SetSpeed(physic.Frequency) error { return nil }
func (b *registers) String() string                  { return "registers" }
