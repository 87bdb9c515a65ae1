package safety

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// recorder is a head that records what reaches the hardware.
type recorder struct {
	limits device.Limits
	poses  []device.Pose
	halted int
}

func (r *recorder) SetPose(p device.Pose) error {
	if !r.limits.Contains(p) {
		return errors.New("beyond the hardware's limits")
	}
	r.poses = append(r.poses, p)
	return nil
}
func (r *recorder) Pose() device.Pose {
	if len(r.poses) == 0 {
		return device.Pose{}
	}
	return r.poses[len(r.poses)-1]
}
func (r *recorder) Limits() device.Limits { return r.limits }
func (r *recorder) Halt() error           { r.halted++; return nil }

var wide = device.Limits{PanMin: device.DegAngle(-90), PanMax: device.DegAngle(90), TiltMin: device.DegAngle(-45), TiltMax: device.DegAngle(60)}
var tight = device.Limits{PanMin: device.DegAngle(-60), PanMax: device.DegAngle(70), TiltMin: device.DegAngle(-30), TiltMax: device.DegAngle(40)}

const period = 10 * time.Millisecond

func newHead(t testing.TB) (*Head, *recorder) {
	rec := &recorder{limits: wide}
	h, err := New(rec, DefaultConfig(tight))
	if err != nil {
		t.Fatal(err)
	}
	return h, rec
}

// A million random, non-finite and extreme commands at random moments:
// what reaches the hardware never leaves the limits, never exceeds the slew
// limit, and never changes speed faster than the acceleration limit.
func TestEnvelopeProperty(t *testing.T) {
	h, rec := newHead(t)
	r := rand.New(rand.NewPCG(9, 10))
	cfg := h.cfg
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 0, 89.999, -1e-300}
	now := time.Duration(0)
	h.Step(now)
	steps := 0
	for cmd := 0; cmd < 1_000_000; cmd++ {
		p, tl := r.Float64()*400-200, r.Float64()*400-200
		if r.IntN(10) == 0 {
			p = special[r.IntN(len(special))]
		}
		if r.IntN(10) == 0 {
			tl = special[r.IntN(len(special))]
		}
		h.SetPose(device.PoseDeg(p, tl))
		if r.IntN(4) == 0 { // commands come faster than steps
			now += period
			if err := h.Step(now); err != nil {
				t.Fatal(err)
			}
			steps++
		}
	}
	if steps < 200_000 {
		t.Fatalf("only %d steps", steps)
	}
	dt := period.Seconds()
	// Poses are whole nanoradians: speeds measured from them carry up to
	// 2e-5 °/s of rounding, accelerations 4e-3 °/s².
	const vTol, aTol = 1e-4, 1e-2
	var prev [2]float64
	var prevV [2]float64
	for i, q := range rec.poses {
		if !tight.Contains(q) {
			t.Fatalf("output %d: %v beyond the limits", i, q)
		}
		cur := [2]float64{device.AngleDeg(q.Pan), device.AngleDeg(q.Tilt)}
		if i > 0 {
			for a := 0; a < 2; a++ {
				v := (cur[a] - prev[a]) / dt
				if math.Abs(v) > cfg.MaxSlewDegS+vTol {
					t.Fatalf("output %d axis %d: %.3f°/s above the %v°/s limit", i, a, v, cfg.MaxSlewDegS)
				}
				if i > 1 && math.Abs(v-prevV[a])/dt > cfg.MaxAccelDegS2+aTol {
					t.Fatalf("output %d axis %d: %.0f°/s² above the %v°/s² limit", i, a, math.Abs(v-prevV[a])/dt, cfg.MaxAccelDegS2)
				}
				prevV[a] = v
			}
		}
		prev = cur
	}
	t.Logf("%d outputs checked", len(rec.poses))
}

func TestRejectsNonFinite(t *testing.T) {
	h, _ := newHead(t)
	for _, p := range []device.Pose{device.PoseDeg(math.NaN(), 0), device.PoseDeg(0, math.Inf(1))} {
		if err := h.SetPose(p); err == nil {
			t.Errorf("SetPose(%v) accepted", p)
		}
	}
}

// When commands stop (the perception loop stalls), the head holds, then
// parks within the watchdog's time and releases the PWM.
func TestWatchdogParks(t *testing.T) {
	h, rec := newHead(t)
	now := time.Duration(0)
	h.Step(now)
	h.SetPose(device.PoseDeg(40, 20))
	for ; now < time.Second; now += period {
		h.Step(now)
	}
	at := h.Output()
	if p, tl := at.Deg(); math.Abs(p-40) > 0.01 || math.Abs(tl-20) > 0.01 {
		t.Fatalf("did not reach the target: %v", at)
	}
	// No command since t=0: past the watchdog it holds, then it parks.
	cfg := h.cfg
	deadline := cfg.Watchdog + cfg.ParkAfter + time.Second // parking 40° takes < 1 s
	arrived := time.Duration(-1)
	for ; now < deadline && h.State() != Released; now += period {
		if err := h.Step(now); err != nil {
			t.Fatal(err)
		}
		if p, tl := h.Output().Deg(); arrived < 0 && p == 0 && tl == 0 {
			arrived = now
		}
	}
	// The PWM stays on while the servos catch up with the command.
	if arrived < 0 || now-period-arrived < 300*time.Millisecond {
		t.Fatalf("released %v after the command reached the park pose, want ≥ 300ms", now-period-arrived)
	}
	if h.State() != Released || rec.halted != 1 {
		t.Fatalf("state %v, halted %d times after %v without commands", h.State(), rec.halted, now)
	}
	if p, tl := h.Output().Deg(); math.Abs(p) > 1e-9 || math.Abs(tl) > 1e-9 {
		t.Fatalf("released at %v, not the park pose", h.Output())
	}
	// A fresh command wakes it.
	h.SetPose(device.PoseDeg(5, 0))
	h.Step(now + period)
	if h.State() != Active {
		t.Fatalf("state %v after a fresh command", h.State())
	}
}

func TestEStopLatches(t *testing.T) {
	h, rec := newHead(t)
	h.Step(0)
	h.SetPose(device.PoseDeg(30, 0))
	h.Step(period)
	h.Step(2 * period)
	frozen := h.Output()
	if err := h.EStop(); err != nil || rec.halted != 1 {
		t.Fatalf("estop: %v, halted %d", err, rec.halted)
	}
	if err := h.SetPose(device.PoseDeg(-30, 0)); !errors.Is(err, ErrEStopped) {
		t.Fatalf("command during e-stop: %v", err)
	}
	n := len(rec.poses)
	for i := 3; i < 50; i++ {
		h.Step(time.Duration(i) * period)
	}
	if len(rec.poses) != n || h.Output() != frozen {
		t.Fatal("the head moved while e-stopped")
	}
	h.Reset()
	if err := h.SetPose(device.PoseDeg(-30, 0)); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}

func BenchmarkStep(b *testing.B) {
	h, rec := newHead(b)
	h.Step(0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.SetPose(device.PoseDeg(float64(i%80)-40, 0))
		h.Step(time.Duration(i+1) * period)
		rec.poses = rec.poses[:0]
	}
}
