package pca9685

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/servo"
	"periph.io/x/conn/v3/i2c/i2ctest"
	"periph.io/x/conn/v3/physic"
)

// initOps is the bus traffic of bringing the controller up at 50 Hz:
// all outputs off, totem-pole outputs, wake with auto-increment, then the
// prescaler (122 for 50 Hz) written while asleep, and a restart.
func initOps(addr uint16) []i2ctest.IO {
	return []i2ctest.IO{
		{Addr: addr, W: []byte{0xFA, 0, 0, 0, 0}},
		{Addr: addr, W: []byte{0x01, 0x04}},
		{Addr: addr, W: []byte{0x00, 0x01}},
		{Addr: addr, W: []byte{0x00}, R: []byte{0x11}},
		{Addr: addr, W: []byte{0x00, 0x21}},
		{Addr: addr, W: []byte{0x00}, R: []byte{0x21}},
		{Addr: addr, W: []byte{0x00, 0x31}},
		{Addr: addr, W: []byte{0xFE, 122}},
		{Addr: addr, W: []byte{0x00, 0x21}},
		{Addr: addr, W: []byte{0x00, 0xA1}},
	}
}

// pwm is the write that sets channel ch to off-count n.
func pwm(addr uint16, ch int, n int) i2ctest.IO {
	return i2ctest.IO{Addr: addr, W: []byte{byte(0x06 + 4*ch), 0, 0, byte(n), byte(n >> 8)}}
}

func testConfig() Config {
	pan, tilt := SG90(0), SG90(3)
	tilt.Invert = true
	tilt.Trim = 2 * physic.Degree
	return Config{Pan: pan, Tilt: tilt}
}

func TestRegisterWrites(t *testing.T) {
	const addr = 0x40
	// At 50 Hz the prescaler 122 gives a 123·4096/25 MHz = 20.152 ms
	// period, 123/25 MHz = 4.92 µs a count: centre (1500 µs) is 305 counts.
	// The tilt is inverted with a 2° trim: 10° up is −12° on the servo.
	tick := 123.0 / 25e6
	cnt := func(us float64) int { return int(math.Round(us * 1e-6 / tick)) }
	if cnt(1500) != 305 {
		t.Fatalf("centre is %d counts", cnt(1500))
	}
	want := func(panDeg, tiltDeg float64) []i2ctest.IO {
		tiltServo := -(tiltDeg + 2)
		return []i2ctest.IO{
			pwm(addr, 0, cnt(1500+panDeg*2000/180)),
			pwm(addr, 3, cnt(1500+tiltServo*2000/180)),
		}
	}
	script := initOps(addr)
	poses := [][2]float64{{0, 0}, {45, 10}, {-90, -30}, {12.34, 0.5}}
	for _, p := range poses {
		script = append(script, want(p[0], p[1])...)
	}
	script = append(script, i2ctest.IO{Addr: addr, W: []byte{0x06 + 3, 0x10}}, i2ctest.IO{Addr: addr, W: []byte{0x06 + 12 + 3, 0x10}})
	bus := &i2ctest.Playback{Ops: script, DontPanic: true}
	h, err := New(bus, addr, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	if d := h.Tick() - time.Duration(tick*1e9); d < -time.Nanosecond || d > time.Nanosecond {
		t.Fatalf("tick %v, want %.4g s", h.Tick(), tick)
	}
	for _, p := range poses {
		if err := h.SetPose(device.PoseDeg(p[0], p[1])); err != nil {
			t.Fatalf("pose %v: %v", p, err)
		}
	}
	if got := h.Pose(); got != device.PoseDeg(12.34, 0.5) {
		t.Fatalf("Pose() = %v", got)
	}
	if err := h.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.SetPose(device.Pose{}); !errors.Is(err, device.ErrClosed) {
		t.Fatalf("SetPose after Halt: %v", err)
	}
}

// Bad commands touch no register (the playback holds only the init).
func TestRejectsBadPoses(t *testing.T) {
	bus := &i2ctest.Playback{Ops: initOps(0x41), DontPanic: true}
	h, err := New(bus, 0x41, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	lim := h.Limits()
	if lim.PanMin != -90*physic.Degree || lim.PanMax != 90*physic.Degree || lim.TiltMin != -92*physic.Degree || lim.TiltMax != 88*physic.Degree {
		t.Fatalf("limits %+v", lim)
	}
	for _, p := range []device.Pose{device.PoseDeg(91, 0), device.PoseDeg(0, 89), device.PoseDeg(math.NaN(), 0), device.PoseDeg(0, math.Inf(-1))} {
		if err := h.SetPose(p); err == nil {
			t.Errorf("SetPose(%v) accepted", p)
		}
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Pan: SG90(0), Tilt: SG90(0)},
		{Pan: SG90(16), Tilt: SG90(1)},
		{Pan: Servo{Channel: 0, Calibration: servo.Calibration{MinPulse: 2 * time.Millisecond, MaxPulse: time.Millisecond, MinAngle: -1, MaxAngle: 1}}, Tilt: SG90(1)},
		{Pan: SG90(0), Tilt: SG90(1), Frequency: 1000 * physic.Hertz},
	} {
		if _, err := New(&i2ctest.Playback{DontPanic: true}, 0x40, c); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}
