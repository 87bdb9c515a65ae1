package fovea

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
)

// CodecCheck round-trips a BGR frame through an image codec and returns
// the PSNR in dB and the codec's name and version (cvcam.CheckCodec: the
// machine's OpenCV libraries, or Go's image/jpeg in a build without cgo).
// It is injected so that this package needs no cgo.
type CodecCheck func(f *device.Frame) (psnr float64, version string, err error)

// SelfTest checks, on the machine it runs on, that every stage works and
// gives the results it gives on the build machine: the embedded models on
// held-out images, the retina and its inverse on a rendered frame, the
// precortical stage's light invariance, the image codec (OpenCV's where
// it is linked), and the closed loop in
// the simulated world. It writes one line per check and returns an error
// naming every check that failed. `fovea selftest` runs it; deployment
// images run it under emulation before they ship.
func SelfTest(w io.Writer, codec CodecCheck) error {
	var failed []string
	check := func(name string, f func() (string, error)) {
		t0 := time.Now()
		detail, err := f()
		d := time.Since(t0).Round(time.Millisecond)
		if err != nil {
			failed = append(failed, name)
			fmt.Fprintf(w, "FAIL %-12s %v (%v)\n", name, err, d)
			return
		}
		fmt.Fprintf(w, "ok   %-12s %s (%v)\n", name, detail, d)
	}
	m, err := device.NewCameraModel(640, 480, device.DegAngle(60))
	if err != nil {
		return err
	}
	world, err := sim.NewWorld(sim.DefaultWorldConfig)
	if err != nil {
		return fmt.Errorf("selftest: %w", err)
	}
	r, err := sim.NewRenderer(world, m)
	if err != nil {
		return fmt.Errorf("selftest: %w", err)
	}
	var frame device.Frame
	o := world.Objects()[0]
	op, ot := o.At(0)
	pose := device.PoseDeg(op+5, ot+3)
	r.Render(&frame, pose, 0)

	for _, c := range []struct {
		name, sprites string
		model         []byte
		min           float64
	}{{"digits", sim.Digits, vision.DigitsModel, 0.95}, {"fashion", sim.Fashion, vision.FashionModel, 0.80}} {
		check("model "+c.name, func() (string, error) { return checkModel(c.model, c.sprites, c.min) })
	}
	// The retina fixates object 0 (a textured card), not the frame's centre
	// (often plain sky, which any sampling draws back).
	ox, oy, _ := m.WorldToPixel(op, ot, pose)
	check("retina", func() (string, error) { return checkRetina(&frame, ox, oy) })
	check("precortical", func() (string, error) { return checkPrecortical(&frame) })
	if codec != nil {
		check("codec", func() (string, error) {
			psnr, v, err := codec(&frame)
			if err != nil {
				return "", err
			}
			if psnr < 30 {
				return "", fmt.Errorf("JPEG round trip at %.1f dB, want ≥ 30", psnr)
			}
			return fmt.Sprintf("%s: JPEG round trip %.1f dB", v, psnr), nil
		})
	}
	check("closed loop", checkLoop)
	if len(failed) > 0 {
		return fmt.Errorf("selftest: %d check(s) failed: %v", len(failed), failed)
	}
	return nil
}

// checkModel names the embedded held-out sprites of a model's classes.
func checkModel(model []byte, appearance string, want float64) (string, error) {
	cat, err := vision.NewCategorizer(model, vision.Options{})
	if err != nil {
		return "", err
	}
	sprites, err := sim.Sprites(appearance)
	if err != nil {
		return "", err
	}
	var p device.Frame
	var top [1]vision.Label
	correct := 0
	t0 := time.Now()
	for _, s := range sprites {
		p.Reset(sim.SpriteSide, sim.SpriteSide, 1)
		copy(p.Pix, s.Pix)
		got, err := cat.Categorize(top[:], &p)
		if err != nil {
			return "", err
		}
		if got[0].Name == s.Category {
			correct++
		}
	}
	per := time.Since(t0) / time.Duration(len(sprites))
	acc := float64(correct) / float64(len(sprites))
	if acc < want {
		return "", fmt.Errorf("%d of %d held-out images named, want ≥ %.0f %%", correct, len(sprites), 100*want)
	}
	return fmt.Sprintf("%d of %d held-out images named correctly, %.2f ms each", correct, len(sprites), float64(per)/1e6), nil
}

// checkRetina samples the frame fixating (cx, cy) and draws it back:
// inside the fovea the reconstruction matches the frame.
func checkRetina(f *device.Frame, cx, cy float64) (string, error) {
	g, err := foveate.NewGeometry(foveate.DefaultConfig)
	if err != nil {
		return "", err
	}
	ret := foveate.New(g)
	var im foveate.Image
	if err := ret.Sample(&im, f, cx, cy); err != nil {
		return "", err
	}
	var back device.Frame
	if err := ret.Reconstruct(&back, &im, f.Width, f.Height, cx, cy, 1); err != nil {
		return "", err
	}
	var sum float64
	n := 0
	rf := g.FoveaRadius * 0.8
	for y := int(cy - rf); y <= int(cy+rf); y++ {
		for x := int(cx - rf); x <= int(cx+rf); x++ {
			if math.Hypot(float64(x)-cx+0.5, float64(y)-cy+0.5) > rf {
				continue
			}
			for c := 0; c < 3; c++ {
				sum += math.Abs(float64(f.Pix[y*f.Stride+3*x+c]) - float64(back.Pix[y*back.Stride+3*x+c]))
				n++
			}
		}
	}
	mae := sum / float64(n)
	if mae > 6 {
		return "", fmt.Errorf("fovea drawn back with a mean error of %.2f grey levels, want ≤ 6", mae)
	}
	return fmt.Sprintf("%d rings × %d wedges; fovea drawn back within %.2f grey levels", g.Rings, g.Wedges, mae), nil
}

// checkPrecortical: halving the light changes the stage's output by under 5 %.
func checkPrecortical(f *device.Frame) (string, error) {
	const side = 64
	pc, err := foveate.NewPrecortical(foveate.DefaultPrecortical, side, side)
	if err != nil {
		return "", err
	}
	a, b := make([]float32, side*side), make([]float32, side*side)
	x0, y0 := f.Width/2-side/2, f.Height/2-side/2
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			p := f.Pix[(y0+y)*f.Stride+3*(x0+x):]
			a[y*side+x] = (0.114*float32(p[0]) + 0.587*float32(p[1]) + 0.299*float32(p[2])) / 255
			b[y*side+x] = a[y*side+x] / 2
		}
	}
	if err := pc.Apply(a, a); err != nil {
		return "", err
	}
	if err := pc.Apply(b, b); err != nil {
		return "", err
	}
	var num, den float64
	for i := range a {
		num += math.Abs(float64(a[i] - b[i]))
		den += math.Abs(float64(a[i]))
	}
	if den == 0 || num/den > 0.05 || math.IsNaN(num) {
		return "", fmt.Errorf("half the light changes the output by %.1f %%, want < 5 %%", 100*num/den)
	}
	return fmt.Sprintf("half the light changes the output by %.2f %%", 100*num/den), nil
}

// checkLoop runs the closed loop for 3 s of simulated time, in lock step.
func checkLoop() (string, error) {
	s, err := NewSim(DefaultConfig(), true, nil)
	if err != nil {
		return "", err
	}
	const d = 3 * time.Second
	if err := s.Pipeline.RunLockstep(context.Background(), d); err != nil {
		return "", err
	}
	r := s.Pipeline.Report(d)
	if r.ObjectsFixated < 1 || r.ObjectsNamedCorrectly == nil || *r.ObjectsNamedCorrectly < 1 {
		return "", errors.New("no object fixated and named in 3 s")
	}
	return fmt.Sprintf("3 s simulated: %d frames, %d fixations, %d objects fixated, %d named correctly",
		r.FramesProcessed, r.Fixations, r.ObjectsFixated, *r.ObjectsNamedCorrectly), nil
}
