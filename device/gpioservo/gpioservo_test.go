package gpioservo

import (
	"errors"
	"math"
	"testing"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/servo"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/physic"
)

func TestDutyCycles(t *testing.T) {
	pan, tilt := &gpiotest.Pin{N: "GPIO12"}, &gpiotest.Pin{N: "GPIO13"}
	tcal := servo.SG90
	tcal.Invert = true
	h, err := New(Config{Pan: Servo{Pin: pan, Calibration: servo.SG90}, Tilt: Servo{Pin: tilt, Calibration: tcal}})
	if err != nil {
		t.Fatal(err)
	}
	duty := func(us float64) gpio.Duty { return gpio.Duty(math.Round(us * 1e-6 * 50 * float64(gpio.DutyMax))) }
	for _, c := range []struct{ pan, tilt, panUs, tiltUs float64 }{
		{0, 0, 1500, 1500},
		{90, 30, 2500, 1500 - 30*2000.0/180},
		{-45.5, -10, 1500 - 45.5*2000.0/180, 1500 + 10*2000.0/180},
	} {
		if err := h.SetPose(device.PoseDeg(c.pan, c.tilt)); err != nil {
			t.Fatal(err)
		}
		// One count is 1.2 ns of a 20 ms period: pulses are whole nanoseconds.
		near := func(a, b gpio.Duty) bool { return a-b <= 2 && b-a <= 2 }
		if !near(pan.D, duty(c.panUs)) || !near(tilt.D, duty(c.tiltUs)) || pan.F != 50*physic.Hertz {
			t.Fatalf("pose (%v, %v): duties %d %d at %v, want %d %d", c.pan, c.tilt, pan.D, tilt.D, pan.F, duty(c.panUs), duty(c.tiltUs))
		}
	}
	if h.SetPose(device.PoseDeg(91, 0)) == nil || h.SetPose(device.PoseDeg(math.NaN(), 0)) == nil {
		t.Fatal("out-of-travel or NaN pose accepted")
	}
	if err := h.Halt(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(h.SetPose(device.Pose{}), device.ErrClosed) {
		t.Fatal("halted head accepts poses")
	}
}

func TestConfigErrors(t *testing.T) {
	p := &gpiotest.Pin{N: "GPIO18"}
	for _, c := range []Config{
		{Pan: Servo{Pin: p, Calibration: servo.SG90}, Tilt: Servo{Pin: p, Calibration: servo.SG90}},
		{Pan: Servo{Calibration: servo.SG90}, Tilt: Servo{Pin: p, Calibration: servo.SG90}},
		{Pan: Servo{Pin: p, Calibration: servo.Calibration{}}, Tilt: Servo{Pin: &gpiotest.Pin{N: "GPIO19"}, Calibration: servo.SG90}},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}
