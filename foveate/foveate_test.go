package foveate

import (
	"math"
	"testing"

	"github.com/fovea-vision/fovea/device"
)

func geometry(t testing.TB) *Geometry {
	g, err := NewGeometry(DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// frameOf fills a w×h gray frame with f(x, y) at pixel centres.
func frameOf(w, h int, f func(x, y float64) float64) *device.Frame {
	var fr device.Frame
	fr.Reset(w, h, 1)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fr.Pix[y*fr.Stride+x] = uint8(math.Max(0, math.Min(255, math.Round(f(float64(x), float64(y))))))
		}
	}
	return &fr
}

func TestGeometryFormulas(t *testing.T) {
	g := geometry(t)
	W := float64(g.Wedges)
	lambda := (1 + math.Sin(math.Pi/W)) / (1 - math.Sin(math.Pi/W))
	if math.Abs(g.Lambda-lambda) > 1e-12 || g.FoveaRings != int(lambda/(lambda-1)) {
		t.Fatalf("λ %v F %d, want %v and %d", g.Lambda, g.FoveaRings, lambda, int(lambda/(lambda-1)))
	}
	F := g.FoveaRings
	for i := 0; i < F; i++ {
		if want := (float64(i) + 0.5) * g.FoveaRadius / float64(F); math.Abs(g.Radius[i]-want) > 1e-9 {
			t.Fatalf("fovea ring %d at %v, want %v", i, g.Radius[i], want)
		}
	}
	for i := F + 1; i < g.Rings; i++ {
		if r := g.Radius[i] / g.Radius[i-1]; math.Abs(r-lambda) > 1e-9 {
			t.Fatalf("rings %d/%d ratio %v, want λ", i, i-1, r)
		}
		// Isotropy: tangential spacing 2πr/W matches the radial spacing.
		if tan := 2 * math.Pi * g.Radius[i] / W; math.Abs(tan/g.Spacing[i]-1) > 0.03 {
			t.Fatalf("ring %d: tangential %v vs radial %v", i, tan, g.Spacing[i])
		}
	}
	if g.radiusAt(float64(g.Rings)) < g.MaxRadius || g.radiusAt(float64(g.Rings-1)) >= g.MaxRadius {
		t.Fatalf("outer ring edges %v…%v do not bracket r_max %v", g.radiusAt(float64(g.Rings-1)), g.radiusAt(float64(g.Rings)), g.MaxRadius)
	}
	for _, r := range []float64{0.3, 5, g.FoveaRadius, 77, 399} {
		if got := g.radiusAt(g.RingCoord(r)); math.Abs(got-r) > 1e-9 {
			t.Fatalf("RingCoord(%v) round trip %v", r, got)
		}
	}
	dx, dy := g.Offset(g.Rings-1, 0)
	if a := math.Atan2(-dy, dx); math.Abs(a-math.Pi/W) > 1e-12 {
		t.Fatalf("wedge 0 at %v rad, want π/W", a)
	}
	if ratio := 640.0 * 480 / float64(g.Samples()); ratio < 8 || ratio > 60 {
		t.Fatalf("%d samples for a 640x480 frame: %.1f× fewer, want 8-30×", g.Samples(), ratio)
	}
	t.Logf("default: %d rings (%d foveal) × %d wedges = %d samples, %.1f× fewer than 640x480", g.Rings, F, g.Wedges, g.Samples(), 640.0*480/float64(g.Samples()))
}

// On a linear ramp, the mean over a receptive field is the ramp at its
// centre: every sample must land where the formulas put it.
func TestSamplesLandOnTheirCentres(t *testing.T) {
	g := geometry(t)
	r := New(g)
	ramp := func(x, y float64) float64 { return 20 + 0.2*x + 0.15*y }
	// Exact ramp values (not rounded to bytes): build the frame at 1/8
	// slope resolution via a gray frame would round, so compare within ½.
	src := frameOf(640, 480, ramp)
	var im Image
	fx, fy := 300.0, 200.0
	if err := r.Sample(&im, src, fx, fy); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i := 0; i < g.Rings; i++ {
		h := g.Overlap * g.Spacing[i] / 2
		for j := 0; j < g.Wedges; j++ {
			dx, dy := g.Offset(i, j)
			u, v := fx+0.5+dx, fy+0.5+dy
			if u-h < 0 || v-h < 0 || u+h > 640 || v+h > 480 {
				continue // clipped fields are not centred
			}
			// The piecewise-constant frame's mean over the box equals the
			// ramp at the box centre (shifted half a pixel), within the
			// byte rounding of the frame.
			want := ramp(u-0.5, v-0.5)
			if got := float64(im.At(i, j, 0)); math.Abs(got-want) > 0.51 {
				t.Fatalf("ring %d wedge %d: %.3f, want %.3f", i, j, got, want)
			}
			checked++
		}
	}
	if checked < g.Samples()/2 {
		t.Fatalf("only %d samples checked", checked)
	}
}

func TestForwardInverseInsideFovea(t *testing.T) {
	g := geometry(t)
	r := New(g)
	smooth := func(x, y float64) float64 {
		return 128 + 60*math.Sin(x/9)*math.Cos(y/13) + 30*math.Sin((x+y)/17)
	}
	src := frameOf(640, 480, smooth)
	var im Image
	var back device.Frame
	fx, fy := 320.0, 240.0
	if err := r.Sample(&im, src, fx, fy); err != nil {
		t.Fatal(err)
	}
	if err := r.Reconstruct(&back, &im, 640, 480, fx, fy, 1); err != nil {
		t.Fatal(err)
	}
	var sum float64
	n := 0
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			if math.Hypot(float64(x)-fx, float64(y)-fy) < g.FoveaRadius {
				sum += math.Abs(float64(back.Pix[y*back.Stride+x]) - float64(src.Pix[y*src.Stride+x]))
				n++
			}
		}
	}
	// Stated bound: inside the fovea the reconstruction is within 2 gray
	// levels on average of a smooth image (amplitude 90).
	if mae := sum / float64(n); mae > 2 {
		t.Fatalf("mean error %.2f gray levels inside the fovea, want ≤ 2", mae)
	} else {
		t.Logf("inside the fovea: mean abs error %.3f gray levels over %d pixels", mae, n)
	}
}

// A grating near the frame's Nyquist frequency cannot be represented by
// the coarse periphery: averaging receptive fields must remove it, where
// point sampling (nearest or bilinear remapping) turns it into a false,
// strong low-frequency pattern.
func TestPeripheryDoesNotAlias(t *testing.T) {
	g := geometry(t)
	r := New(g)
	grating := func(x, y float64) float64 { return 128 + 100*math.Cos(2*math.Pi*0.45*x) }
	src := frameOf(640, 480, grating)
	var im Image
	fx, fy := 320.0, 240.0
	if err := r.Sample(&im, src, fx, fy); err != nil {
		t.Fatal(err)
	}
	bilinear := func(u, v float64) float64 {
		x0, y0 := math.Floor(u), math.Floor(v)
		a, b := u-x0, v-y0
		p := func(x, y float64) float64 { return float64(src.Pix[int(y)*src.Stride+int(x)]) }
		return (1-a)*(1-b)*p(x0, y0) + a*(1-b)*p(x0+1, y0) + (1-a)*b*p(x0, y0+1) + a*b*p(x0+1, y0+1)
	}
	var ours, naive []float64
	for i := 0; i < g.Rings; i++ {
		if g.Radius[i] < 60 { // periphery: spacing above 3 px
			continue
		}
		for j := 0; j < g.Wedges; j++ {
			if !im.Valid[i*g.Wedges+j] {
				continue
			}
			dx, dy := g.Offset(i, j)
			u, v := fx+dx, fy+dy
			if u < 0 || v < 0 || u >= 639 || v >= 479 {
				continue
			}
			ours = append(ours, float64(im.At(i, j, 0)))
			naive = append(naive, bilinear(u, v))
		}
	}
	std := func(v []float64) float64 {
		m, s := 0.0, 0.0
		for _, x := range v {
			m += x
		}
		m /= float64(len(v))
		for _, x := range v {
			s += (x - m) * (x - m)
		}
		return math.Sqrt(s / float64(len(v)))
	}
	so, sn := std(ours), std(naive)
	t.Logf("periphery: std %.2f gray levels with receptive fields, %.2f with bilinear point sampling (%d samples)", so, sn, len(ours))
	if sn < 30 {
		t.Fatalf("bilinear sampling std %.1f: the grating should alias strongly", sn)
	}
	if so > 3.5 { // under 1% of the energy point sampling aliases into the periphery
		t.Fatalf("aliased energy: std %.2f gray levels in the periphery, want ≤ 3.5", so)
	}
}

func TestFixationAtTheEdges(t *testing.T) {
	g := geometry(t)
	r := New(g)
	src := frameOf(320, 240, func(x, y float64) float64 { return 200 })
	var im Image
	for _, f := range [][2]float64{{0, 0}, {319, 239}, {-50, 120}, {160, 1000}, {-1e6, 1e6}} {
		if err := r.Sample(&im, src, f[0], f[1]); err != nil {
			t.Fatal(err)
		}
		valid := 0
		for k, ok := range im.Valid {
			if ok {
				valid++
				if v := im.Pix[k]; math.Abs(float64(v)-200) > 1e-3 {
					t.Fatalf("fixation %v: valid sample %d = %v, want 200", f, k, v)
				}
			} else if im.Pix[k] != 0 {
				t.Fatalf("fixation %v: invalid sample %d not zeroed", f, k)
			}
		}
		if valid == len(im.Valid) {
			t.Fatalf("fixation %v: every sample valid on a 320x240 frame", f)
		}
		t.Logf("fixation %v: %d of %d samples valid", f, valid, len(im.Valid))
	}
	if err := r.Sample(&im, src, math.NaN(), 3); err == nil {
		t.Fatal("NaN fixation accepted")
	}
}

func TestSampleAllocs(t *testing.T) {
	r := New(geometry(t))
	src := frameOf(640, 480, func(x, y float64) float64 { return x })
	var im Image
	r.Sample(&im, src, 100, 100)
	if a := testing.AllocsPerRun(10, func() { r.Sample(&im, src, 300, 200) }); a != 0 {
		t.Fatalf("Sample allocates %v", a)
	}
}

func TestFoveaPatch(t *testing.T) {
	src := frameOf(64, 48, func(x, y float64) float64 { return x + 64*y/8 })
	dst := make([]byte, 16*16)
	n, err := FoveaPatch(dst, 16, src, 32, 24)
	if err != nil || n != 256 {
		t.Fatalf("%d inside, %v", n, err)
	}
	if dst[8*16+8] != src.Pix[24*src.Stride+32] || dst[0] != src.Pix[16*src.Stride+24] {
		t.Fatal("patch not centred on the fixation")
	}
	n, _ = FoveaPatch(dst, 16, src, 0, 0)
	if n != 8*8 || dst[0] != 0 || dst[8*16+8] != src.Pix[0] {
		t.Fatalf("corner patch: %d inside", n)
	}
	if _, err := FoveaPatch(dst[:10], 16, src, 0, 0); err == nil {
		t.Fatal("short buffer accepted")
	}
}

func BenchmarkSample(b *testing.B) {
	for _, size := range [][3]int{{640, 480, 1}, {640, 480, 3}, {1280, 720, 1}, {1280, 720, 3}} {
		b.Run(fmtSize(size), func(b *testing.B) {
			cfg := DefaultConfig
			cfg.MaxRadius = math.Hypot(float64(size[0]), float64(size[1])) / 2
			g, _ := NewGeometry(cfg)
			r := New(g)
			var src device.Frame
			src.Reset(size[0], size[1], size[2])
			for i := range src.Pix {
				src.Pix[i] = uint8(i * 7)
			}
			var im Image
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.Sample(&im, &src, float64(size[0])/2, float64(size[1])/2)
			}
		})
	}
}

func TestConfigForCamera(t *testing.T) {
	m, _ := device.NewCameraModel(640, 480, device.DegAngle(60))
	c, err := ConfigForCamera(m, 128, device.DegAngle(30), device.DegAngle(2))
	if err != nil {
		t.Fatal(err)
	}
	// 30° is the frame's edge: half the width.
	if math.Abs(c.MaxRadius-320) > 1e-6 {
		t.Fatalf("30° → %v px, want 320", c.MaxRadius)
	}
	if want := m.FocalPx() * math.Tan(2*math.Pi/180); math.Abs(c.FoveaRadius-want) > 1e-9 {
		t.Fatalf("fovea %v px, want %v", c.FoveaRadius, want)
	}
	if _, err := ConfigForCamera(m, 128, device.DegAngle(90), 0); err == nil {
		t.Fatal("90° eccentricity accepted")
	}
}

func TestCoarsePeriphery(t *testing.T) {
	g := geometry(t)
	r := New(g)
	src := frameOf(640, 480, func(x, y float64) float64 { return 50 + 100*float64(int(x)/160%2) })
	var im, co Image
	r.Sample(&im, src, 320, 240)
	if err := Coarse(&co, &im, g, 4); err != nil {
		t.Fatal(err)
	}
	if co.Wedges != g.Wedges/4 || co.Rings != (g.Rings-g.FoveaRings+3)/4 {
		t.Fatalf("coarse %d×%d", co.Rings, co.Wedges)
	}
	// Each coarse value is the mean of its valid block.
	for r := 0; r < co.Rings; r++ {
		for w := 0; w < co.Wedges; w++ {
			if !co.Valid[r*co.Wedges+w] {
				continue
			}
			if v := co.At(r, w, 0); v < 50-1e-3 || v > 150+1e-3 {
				t.Fatalf("coarse (%d,%d) = %v outside the frame's range", r, w, v)
			}
		}
	}
	if err := Coarse(&co, &im, g, 3); err == nil {
		t.Fatal("factor 3 of 128 wedges accepted")
	}
}

// ContrastCentroid finds the centre of a square card from anywhere on it,
// whatever lies inside, and leaves a blank frame alone.
func TestContrastCentroid(t *testing.T) {
	f := &device.Frame{}
	f.Reset(200, 150, 3)
	for i := range f.Pix {
		f.Pix[i] = 120
	}
	// A dark card centred on (90, 70), 41 px wide, with a bright bar
	// across its middle.
	for y := 50; y <= 90; y++ {
		for x := 70; x <= 110; x++ {
			v := byte(15)
			if y >= 66 && y <= 74 && x >= 80 && x <= 100 {
				v = 230
			}
			copy(f.Pix[y*f.Stride+3*x:], []byte{v, v, v})
		}
	}
	for _, start := range [][2]float64{{90, 70}, {97, 64}, {84, 76}} {
		x, y := start[0], start[1]
		for i := 0; i < 2; i++ {
			var err error
			if x, y, err = ContrastCentroid(f, x, y, 61); err != nil {
				t.Fatal(err)
			}
		}
		if math.Abs(x-90) > 1 || math.Abs(y-70) > 1 {
			t.Errorf("from %v: centroid (%.1f, %.1f), want near (90, 70)", start, x, y)
		}
	}
	blank := &device.Frame{}
	blank.Reset(50, 50, 1)
	if x, y, err := ContrastCentroid(blank, 20, 30, 21); err != nil || x != 20 || y != 30 {
		t.Errorf("blank frame: (%v, %v) %v", x, y, err)
	}
	if _, _, err := ContrastCentroid(blank, math.NaN(), 3, 21); err == nil {
		t.Error("NaN position accepted")
	}
	if a := testing.AllocsPerRun(20, func() { ContrastCentroid(f, 90, 70, 61) }); a != 0 {
		t.Errorf("%v allocations", a)
	}
}
