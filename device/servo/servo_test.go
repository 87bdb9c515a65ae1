package servo

import (
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/physic"
)

func TestCalibration(t *testing.T) {
	c := SG90
	c.Trim = 5 * physic.Degree
	c.Invert = true
	// Commanded 10°: +5° trim = 15°, inverted = −15° on the servo:
	// 1500 − 15·2000/180 µs.
	p, err := c.Pulse(10 * physic.Degree)
	us := 15 * 2000.0 / 180
	want := 1500*time.Microsecond - time.Duration(us*float64(time.Microsecond))
	if err != nil || p-want > time.Nanosecond || want-p > time.Nanosecond {
		t.Fatalf("pulse %v (%v), want %v", p, err, want)
	}
	lo, hi := c.Travel()
	if lo != -95*physic.Degree || hi != 85*physic.Degree {
		t.Fatalf("travel %s…%s, want −95°…85°", lo, hi)
	}
	for _, a := range []physic.Angle{lo, hi} {
		if _, err := c.Pulse(a); err != nil {
			t.Errorf("the travel's end %s refused: %v", a, err)
		}
	}
	if _, err := c.Pulse(hi + physic.Degree); err == nil {
		t.Error("beyond the travel accepted")
	}
	if _, err := c.Pulse(device.DegAngle(1e300)); err == nil {
		t.Error("a garbage angle accepted")
	}
	if (Calibration{MinPulse: time.Millisecond, MaxPulse: time.Millisecond}).Validate() == nil {
		t.Error("empty pulse range valid")
	}
}
