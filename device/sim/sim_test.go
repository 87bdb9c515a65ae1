package sim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
)

func testModel(t testing.TB) device.CameraModel {
	m, err := device.NewCameraModel(640, 480, device.DegAngle(60))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTestWorld(t testing.TB, seed uint64) *World {
	cfg := DefaultWorldConfig
	cfg.Seed = seed
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func BenchmarkRender(b *testing.B) {
	w := newTestWorld(b, 1)
	r, _ := NewRenderer(w, testModel(b))
	var f device.Frame
	r.Render(&f, device.Pose{}, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Render(&f, device.PoseDeg(10, 5), time.Duration(i)*time.Millisecond)
	}
}

func TestAtan2(t *testing.T) {
	worst := 0.0
	for i := 0; i < 100000; i++ {
		a := 2 * math.Pi * float64(i) / 100000
		for _, r := range []float64{1e-3, 1, 1e3} {
			y, x := r*math.Sin(a), r*math.Cos(a)
			worst = math.Max(worst, math.Abs(atan2(y, x)-math.Atan2(y, x)))
		}
	}
	if worst > 2e-5 {
		t.Fatalf("atan2 error %.2g rad, want ≤ 2e-5", worst)
	}
}

func TestWorldDeterministic(t *testing.T) {
	a, b, c := newTestWorld(t, 5), newTestWorld(t, 5), newTestWorld(t, 6)
	pa, _, _ := a.Panorama()
	pb, _, _ := b.Panorama()
	pc, _, _ := c.Panorama()
	if string(pa) != string(pb) || len(a.Objects()) != len(b.Objects()) {
		t.Fatal("same seed, different worlds")
	}
	for i := range a.Objects() {
		if a.Objects()[i] != b.Objects()[i] {
			t.Fatalf("object %d differs for the same seed", i)
		}
	}
	if string(pa) == string(pc) || a.Objects()[0] == c.Objects()[0] {
		t.Fatal("different seeds, same world")
	}
}

func TestWorldGroundTruth(t *testing.T) {
	cfg := DefaultWorldConfig
	cfg.Appearance = Shapes
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := testModel(t)
	r, _ := NewRenderer(w, m)
	var f device.Frame
	moving := 0
	for _, o := range w.Objects() {
		if o.Moving() {
			moving++
			p0, t0 := o.At(0)
			p1, t1 := o.At(time.Second)
			if p0 == p1 && t0 == t1 {
				t.Errorf("moving object %d did not move", o.ID)
			}
		}
		// Look just beside the object: its centre pixel has its colour (a
		// little shaded), wherever in the frame it lands.
		pan, tilt := o.At(2 * time.Second)
		pose := device.PoseDeg(pan-12, tilt+7)
		r.Render(&f, pose, 2*time.Second)
		x, y, ok := m.WorldToPixel(pan, tilt, pose)
		if !ok {
			t.Fatalf("object %d not in front", o.ID)
		}
		if o.Shape == Ring {
			continue // hollow
		}
		px := f.Pix[int(y+0.5)*f.Stride+3*int(x+0.5):]
		for c := 0; c < 3; c++ {
			if d := math.Abs(float64(px[c]) - float64(o.BGR[c])); d > 8 {
				t.Errorf("object %d (%s) at pixel (%.0f, %.0f): BGR %v, want %v", o.ID, o.Category, x, y, px[:3], o.BGR)
				break
			}
		}
	}
	if moving != DefaultWorldConfig.Moving {
		t.Errorf("%d moving objects, want %d", moving, DefaultWorldConfig.Moving)
	}
}

func TestRenderAllocs(t *testing.T) {
	w := newTestWorld(t, 1)
	r, _ := NewRenderer(w, testModel(t))
	var f device.Frame
	r.Render(&f, device.Pose{}, 0)
	if a := testing.AllocsPerRun(3, func() { r.Render(&f, device.PoseDeg(5, 5), time.Second) }); a != 0 {
		t.Fatalf("Render allocates %v per frame", a)
	}
}

func TestCameraLockstep(t *testing.T) {
	w := newTestWorld(t, 1)
	clock := &ManualClock{}
	g, _ := NewGimbal(SG90, DefaultLimits, clock)
	cam, err := NewCamera(w, testModel(t), 30, g, clock)
	if err != nil {
		t.Fatal(err)
	}
	g.SetPose(device.PoseDeg(20, 0))
	var f device.Frame
	for i := 1; i <= 10; i++ {
		if err := cam.NextFrame(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		if f.Seq != uint64(i) || f.Sim != time.Duration(i-1)*cam.Period() || clock.Now() != f.Sim {
			t.Fatalf("frame %d: seq %d at %v, clock %v", i, f.Seq, f.Sim, clock.Now())
		}
		if f.Pose != g.Pose() {
			t.Fatalf("frame pose %v, head at %v", f.Pose, g.Pose())
		}
	}
	if p, _ := f.Pose.Deg(); p < 19 {
		t.Fatalf("after 300 ms the head is at %v°, want near 20°", p)
	}
}

// Sprite objects show their held-out image: the rendered card, sampled on
// the sprite's grid, correlates with the sprite; the card's margin has the
// card's colour.
func TestSpriteRendering(t *testing.T) {
	w := newTestWorld(t, 1)
	m := testModel(t)
	r, _ := NewRenderer(w, m)
	var f device.Frame
	for _, o := range w.Objects() {
		if o.Sprite == nil || o.Category != o.Sprite.Category || o.RadiusDeg != SpriteRadiusDeg {
			t.Fatalf("object %d: %+v is not a sprite card", o.ID, o)
		}
		pan, tilt := o.At(time.Second)
		pose := device.PoseDeg(pan+4, tilt-3)
		r.Render(&f, pose, time.Second)
		lum := func(panDeg, tiltDeg float64) float64 {
			x, y, ok := m.WorldToPixel(panDeg, tiltDeg, pose)
			if !ok {
				t.Fatal("behind")
			}
			p := f.Pix[int(y+0.5)*f.Stride+3*int(x+0.5):]
			return 0.114*float64(p[0]) + 0.587*float64(p[1]) + 0.299*float64(p[2])
		}
		card := SpriteDeg / SpriteFill / 2
		cosT := math.Cos(tilt * math.Pi / 180)
		if v := lum(pan+0.9*card/cosT, tilt+0.9*card); math.Abs(v-18) > 3 {
			t.Errorf("object %d: card margin luminance %.1f, want 18", o.ID, v)
		}
		var a, b []float64
		for sy := 2; sy < SpriteSide-2; sy += 2 {
			for sx := 2; sx < SpriteSide-2; sx += 2 {
				dx := ((float64(sx)+0.5)/SpriteSide*2 - 1) * SpriteDeg / 2
				dy := -((float64(sy)+0.5)/SpriteSide*2 - 1) * SpriteDeg / 2
				a = append(a, lum(pan+dx/cosT, tilt+dy))
				b = append(b, float64(o.Sprite.Pix[sy*SpriteSide+sx]))
			}
		}
		if c := correlation(a, b); c < 0.85 {
			t.Errorf("object %d (%s): rendered card correlates %.2f with its sprite", o.ID, o.Category, c)
		}
	}
}

func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb+1e-12)
}
