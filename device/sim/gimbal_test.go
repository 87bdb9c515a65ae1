package sim

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
)

func newTestGimbal(t *testing.T) (*Gimbal, *ManualClock) {
	t.Helper()
	c := &ManualClock{}
	g, err := NewGimbal(SG90, DefaultLimits, c)
	if err != nil {
		t.Fatal(err)
	}
	return g, c
}

// trace steps the clock in 1 ms steps for d and returns the pan angle at each.
func trace(g *Gimbal, c *ManualClock, d time.Duration) []float64 {
	var out []float64
	for t := time.Duration(0); t < d; t += time.Millisecond {
		c.Advance(time.Millisecond)
		p, _ := g.Pose().Deg()
		out = append(out, p)
	}
	return out
}

func TestGimbalSlewRateAndSettling(t *testing.T) {
	g, c := newTestGimbal(t)
	if err := g.SetPose(device.PoseDeg(20, 0)); err != nil {
		t.Fatal(err)
	}
	tr := trace(g, c, 300*time.Millisecond)
	maxV, prev := 0.0, 0.0
	for _, p := range tr {
		maxV = math.Max(maxV, math.Abs(p-prev)/0.001)
		prev = p
	}
	if maxV > SG90.SlewDegPerSec+0.01 { // poses are whole nanoradians
		t.Errorf("peak speed %.1f°/s exceeds the %v°/s slew limit", maxV, SG90.SlewDegPerSec)
	}
	if maxV < 0.9*SG90.SlewDegPerSec {
		t.Errorf("peak speed %.1f°/s: a 20° step should reach the slew limit", maxV)
	}
	// 20° at 600°/s takes at least 33 ms after the command reaches the servo.
	first := -1
	for i, p := range tr {
		if p > 0 && first < 0 {
			first = i
		}
	}
	if first < 19 { // next 20 ms PWM period after a 3 ms latency
		t.Errorf("moved %d ms after the command, before the next PWM period", first)
	}
	final := tr[len(tr)-1]
	q := SG90.quantumDeg()
	want := math.Round(20/q) * q
	if math.Abs(final-want) > SG90.DeadBandDeg {
		t.Errorf("settled at %.3f°, want within the dead band of %.3f° (20° quantised)", final, want)
	}
}

func TestGimbalDeadBand(t *testing.T) {
	g, c := newTestGimbal(t)
	if err := g.SetPose(device.PoseDeg(0.3, 0)); err != nil {
		t.Fatal(err)
	}
	tr := trace(g, c, 100*time.Millisecond)
	if tr[len(tr)-1] != 0 {
		t.Fatalf("a 0.3° command inside the 0.45° dead band moved the servo to %v°", tr[len(tr)-1])
	}
	g.SetPose(device.PoseDeg(1.0, 0))
	tr = trace(g, c, 100*time.Millisecond)
	if tr[len(tr)-1] < 0.5 {
		t.Fatalf("a 1° command moved the servo only to %v°", tr[len(tr)-1])
	}
}

func TestGimbalQuantisation(t *testing.T) {
	g, c := newTestGimbal(t)
	q := SG90.quantumDeg()
	if math.Abs(q-0.4395) > 0.001 {
		t.Fatalf("pulse step is %.4f°, want 0.4395° (4.88 µs at 11.1 µs/°)", q)
	}
	g.SetPose(device.PoseDeg(10.2, -7.1))
	trace(g, c, 200*time.Millisecond)
	g.mu.Lock()
	pt, tt := g.pan.targetDeg, g.tilt.targetDeg
	g.mu.Unlock()
	for _, v := range []float64{pt, tt} {
		if r := math.Abs(v/q - math.Round(v/q)); r > 1e-9 {
			t.Errorf("servo target %v° is not a whole number of pulse steps", v)
		}
	}
}

func TestGimbalRejectsBadCommands(t *testing.T) {
	g, _ := newTestGimbal(t)
	for _, p := range []device.Pose{device.PoseDeg(91, 0), device.PoseDeg(0, -46), device.PoseDeg(math.NaN(), 0), device.PoseDeg(0, math.Inf(1))} {
		if err := g.SetPose(p); err == nil {
			t.Errorf("SetPose(%v) accepted", p)
		}
	}
	g.Halt()
	if err := g.SetPose(device.Pose{}); !errors.Is(err, device.ErrClosed) {
		t.Errorf("SetPose after Halt: %v", err)
	}
}

func TestGimbalLatestCommandInAPeriodWins(t *testing.T) {
	g, c := newTestGimbal(t)
	g.SetPose(device.PoseDeg(30, 0))
	g.SetPose(device.PoseDeg(-10, 0)) // same PWM period: replaces the first
	tr := trace(g, c, 200*time.Millisecond)
	for _, p := range tr {
		if p > 0 {
			t.Fatalf("servo moved towards a command replaced before it took effect (%v°)", p)
		}
	}
}
