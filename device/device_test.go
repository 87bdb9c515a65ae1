package device

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

func TestCameraModelRoundTrip(t *testing.T) {
	m, err := NewCameraModel(640, 480, DegAngle(60))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.FocalPx(); math.Abs(got-320/math.Tan(math.Pi/6)) > 1e-9 {
		t.Fatalf("focal %v px", got)
	}
	for _, pose := range []Pose{{}, PoseDeg(30, 10), PoseDeg(-85, -40), PoseDeg(90, 60)} {
		for _, px := range [][2]float64{{0, 0}, {319.5, 239.5}, {639, 479}, {100, 400}} {
			p, tl := m.PixelToWorld(px[0], px[1], pose)
			x, y, ok := m.WorldToPixel(p, tl, pose)
			if !ok || math.Abs(x-px[0]) > 1e-6 || math.Abs(y-px[1]) > 1e-6 {
				t.Errorf("pose %v pixel %v → (%.3f°, %.3f°) → (%.6f, %.6f) %v", pose, px, p, tl, x, y, ok)
			}
		}
		// The image centre looks where the head points.
		cx, cy := m.Centre()
		p, tl := m.PixelToWorld(cx, cy, pose)
		pp, pt := pose.Deg()
		if math.Abs(p-pp) > 1e-9 || math.Abs(tl-pt) > 1e-9 {
			t.Errorf("centre of %v looks at (%v, %v)", pose, p, tl)
		}
	}
	// Half the field of view away is the image's edge: the outer side of
	// the last pixel, whose centre is at 639.
	x, _, _ := m.WorldToPixel(30, 0, Pose{})
	if math.Abs(x-639.5) > 1e-6 {
		t.Errorf("30° right projects to x=%v, want the right edge 639.5", x)
	}
	if _, _, ok := m.WorldToPixel(180, 0, Pose{}); ok {
		t.Error("a direction behind the camera projects")
	}
}

func TestAngularDistance(t *testing.T) {
	for _, c := range []struct{ p1, t1, p2, t2, want float64 }{
		{0, 0, 10, 0, 10}, {0, 0, 0, -20, 20}, {170, 0, -170, 0, 20}, {0, 89, 180, 89, 2}, {5, 5, 5, 5, 0},
	} {
		if got := AngularDistanceDeg(c.p1, c.t1, c.p2, c.t2); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("distance (%v,%v)-(%v,%v) = %v, want %v", c.p1, c.t1, c.p2, c.t2, got, c.want)
		}
	}
}

func TestFrameValidate(t *testing.T) {
	var f Frame
	f.Reset(4, 3, 3)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := f
	bad.Pix = bad.Pix[:10]
	if bad.Validate() == nil {
		t.Error("short buffer accepted")
	}
	bad = f
	bad.Channels = 2
	if bad.Validate() == nil {
		t.Error("2 channels accepted")
	}
	if allocs := testing.AllocsPerRun(100, func() { f.Reset(4, 3, 3) }); allocs != 0 {
		t.Errorf("Reset of a big enough frame allocates %v", allocs)
	}
}

func TestLimits(t *testing.T) {
	l := Limits{PanMin: DegAngle(-90), PanMax: DegAngle(90), TiltMin: DegAngle(-45), TiltMax: DegAngle(60)}
	if !l.Contains(PoseDeg(90, 60)) || l.Contains(PoseDeg(90.1, 0)) {
		t.Error("Contains")
	}
	if got := l.Clamp(PoseDeg(120, -50)); got != PoseDeg(90, -45) {
		t.Errorf("Clamp = %v", got)
	}
	if (Limits{}).Validate() == nil {
		t.Error("empty limits valid")
	}
}

// flaky is a live source that fails in a scripted way: each open either
// fails or yields a source that gives some frames and then fails.
type flaky struct {
	script []int // frames per open; -1: the open fails
	opens  int
}

type scripted struct {
	left   int
	closed bool
}

func (s *scripted) NextFrame(ctx context.Context, f *Frame) error {
	if s.closed {
		return ErrClosed
	}
	if s.left == 0 {
		return fmt.Errorf("dropped: %w", ErrTimeout)
	}
	s.left--
	f.Reset(2, 2, 1)
	return nil
}
func (s *scripted) Close() error { s.closed = true; return nil }

func (fl *flaky) open(ctx context.Context) (Camera, error) {
	i := fl.opens
	fl.opens++
	if i >= len(fl.script) {
		return &scripted{left: 1 << 30}, nil
	}
	if fl.script[i] < 0 {
		return nil, errors.New("connection refused")
	}
	return &scripted{left: fl.script[i]}, nil
}

func TestReconnectingBackoff(t *testing.T) {
	fl := &flaky{script: []int{3, -1, -1, -1, 2}}
	r := NewReconnecting(fl.open, Backoff{Initial: 100 * time.Millisecond, Max: 300 * time.Millisecond}, nil)
	var waits []time.Duration
	r.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	var f Frame
	for i := 1; i <= 8; i++ {
		if err := r.NextFrame(context.Background(), &f); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.Seq != uint64(i) {
			t.Fatalf("frame %d has seq %d", i, f.Seq)
		}
	}
	// 3 frames, a drop, three refused opens, 2 frames, a drop, then for good.
	want := []time.Duration{100, 200, 300, 300, 100}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v ms", waits, want)
	}
	for i := range want {
		if waits[i] != want[i]*time.Millisecond {
			t.Fatalf("waits %v, want %v ms", waits, want)
		}
	}
	if r.Reconnects() != 2 {
		t.Fatalf("Reconnects = %d, want 2", r.Reconnects())
	}
}

func TestReconnectingStops(t *testing.T) {
	// A source that never opens: NextFrame returns when ctx ends, not before.
	r := NewReconnecting(func(context.Context) (Camera, error) { return nil, errors.New("refused") }, Backoff{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	r.sleep = func(ctx context.Context, d time.Duration) error {
		if n++; n == 5 {
			cancel()
		}
		return ctx.Err()
	}
	var f Frame
	if err := r.NextFrame(ctx, &f); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// End of a finite source is passed through, not retried.
	r = NewReconnecting(func(context.Context) (Camera, error) { return eos{}, nil }, Backoff{}, nil)
	if err := r.NextFrame(context.Background(), &f); !errors.Is(err, ErrEndOfStream) {
		t.Fatalf("got %v, want ErrEndOfStream", err)
	}
	r.Close()
	if err := r.NextFrame(context.Background(), &f); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

type eos struct{}

func (eos) NextFrame(context.Context, *Frame) error { return ErrEndOfStream }
func (eos) Close() error                            { return nil }

func TestFixedMount(t *testing.T) {
	m, _ := NewCameraModel(640, 480, DegAngle(60))
	h := NewFixedMount(m)
	if err := h.SetPose(PoseDeg(20, 10)); err != nil {
		t.Fatal(err)
	}
	if h.Pose() != PoseDeg(20, 10) || h.CameraPose() != (Pose{}) {
		t.Fatal("gaze moves, the camera does not")
	}
	if h.SetPose(PoseDeg(40, 0)) == nil {
		t.Fatal("gaze outside the field of view accepted")
	}
	h.Halt()
	if !errors.Is(h.SetPose(Pose{}), ErrClosed) {
		t.Fatal("halted mount accepts poses")
	}
}

func TestLimited(t *testing.T) {
	m, _ := NewCameraModel(640, 480, DegAngle(60))
	inner := NewFixedMount(m) // ±30° × ±23.4°
	l, err := Limit(inner, Limits{PanMin: DegAngle(-10), PanMax: DegAngle(50), TiltMin: DegAngle(-50), TiltMax: DegAngle(5)})
	if err != nil {
		t.Fatal(err)
	}
	got := l.Limits()
	if got.PanMin != DegAngle(-10) || got.PanMax != DegAngle(30) || got.TiltMax != DegAngle(5) || got.TiltMin != inner.Limits().TiltMin {
		t.Fatalf("intersection %+v", got)
	}
	if l.SetPose(PoseDeg(-20, 0)) == nil || l.SetPose(PoseDeg(0, 10)) == nil {
		t.Fatal("poses beyond the narrowed limits accepted")
	}
	if err := l.SetPose(PoseDeg(20, -3)); err != nil || inner.Pose() != PoseDeg(20, -3) {
		t.Fatalf("pose within limits: %v", err)
	}
	if _, err := Limit(inner, Limits{PanMin: DegAngle(40), PanMax: DegAngle(50), TiltMin: DegAngle(-1), TiltMax: DegAngle(1)}); err == nil {
		t.Fatal("disjoint limits accepted")
	}
}

// NaN, infinities and huge values become InvalidAngle whatever the CPU
// (arm64 converts NaN to 0, which would make a NaN command a move to 0°).
func TestDegAngleNonFinite(t *testing.T) {
	for _, d := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300} {
		if a := DegAngle(d); a != InvalidAngle {
			t.Errorf("DegAngle(%v) = %v, want InvalidAngle", d, a)
		}
	}
	if a := DegAngle(-90); AngleDeg(a) != -90 {
		t.Errorf("DegAngle(-90) = %v", a)
	}
}
