package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/fovea-vision/fovea/control"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
	"github.com/fovea-vision/fovea/foveate"
)

// stageResult is one stage's cost on one frame size.
type stageResult struct {
	NsPerFrame     float64 `json:"ns_per_frame"`
	AllocsPerFrame float64 `json:"allocs_per_frame"`
}

// measure runs fn repeatedly for about d and reports ns and allocations
// per call.
func measure(d time.Duration, fn func()) stageResult {
	fn() // warm up: scratch buffers grow here
	var ms0, ms1 runtime.MemStats
	n := 0
	runtime.ReadMemStats(&ms0)
	t0 := time.Now()
	for time.Since(t0) < d || n < 3 {
		fn()
		n++
	}
	el := time.Since(t0)
	runtime.ReadMemStats(&ms1)
	return stageResult{NsPerFrame: float64(el.Nanoseconds()) / float64(n), AllocsPerFrame: float64(ms1.Mallocs-ms0.Mallocs) / float64(n)}
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.String("json", "", "also write the results as JSON to `file`")
	per := fs.Duration("time", 300*time.Millisecond, "time spent on each stage and size")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	if *per <= 0 {
		return errors.New("bench: --time must be positive")
	}
	results := map[string]map[string]stageResult{} // size → "stage" → result
	fmt.Fprintf(stdout, "%-14s %-34s %14s %10s\n", "frame", "stage", "ns/frame", "allocs")
	for _, sz := range [][3]int{{640, 480, 1}, {640, 480, 3}, {1280, 720, 1}, {1280, 720, 3}} {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w, h, ch := sz[0], sz[1], sz[2]
		key := fmt.Sprintf("%dx%dx%d", w, h, ch)
		res, err := benchSize(w, h, ch, *per)
		if err != nil {
			return err
		}
		results[key] = res
		for _, name := range []string{"retina", "retina.cv_remap", "retina.cv_logpolar", "fovea_patch", "precortical", "attention"} {
			if r, ok := res[name]; ok {
				fmt.Fprintf(stdout, "%-14s %-34s %14.0f %10.1f\n", key, name, r.NsPerFrame, r.AllocsPerFrame)
			}
		}
	}
	if *jsonOut != "" {
		// Flat keys as well, for scripts: size.stage.ns_per_frame, and the
		// 640x480 gray figures under the bare stage names.
		flat := map[string]float64{}
		for size, stages := range results {
			for stage, r := range stages {
				flat[size+"."+stage+".ns_per_frame"] = r.NsPerFrame
				flat[size+"."+stage+".allocs_per_frame"] = r.AllocsPerFrame
			}
		}
		base := results["640x480x1"]
		flat["retina.ns_per_frame"] = base["retina"].NsPerFrame
		flat["retina.cv_remap_ns_per_frame"] = base["retina.cv_remap"].NsPerFrame
		flat["retina.cv_logpolar_ns_per_frame"] = base["retina.cv_logpolar"].NsPerFrame
		flat["precortical.ns_per_frame"] = base["precortical"].NsPerFrame
		flat["attention.ns_per_frame"] = base["attention"].NsPerFrame
		b, err := json.MarshalIndent(flat, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	return nil
}

// benchSize measures every stage on one real frame of the simulated world.
func benchSize(w, h, ch int, per time.Duration) (map[string]stageResult, error) {
	frame, err := benchFrame(w, h, ch)
	if err != nil {
		return nil, err
	}
	cfg := foveate.DefaultConfig
	cfg.MaxRadius = math.Hypot(float64(w), float64(h)) / 2
	g, err := foveate.NewGeometry(cfg)
	if err != nil {
		return nil, err
	}
	ret := foveate.New(g)
	fx, fy := float64(w)/2, float64(h)/2
	out := map[string]stageResult{}
	var im foveate.Image
	out["retina"] = measure(per, func() { ret.Sample(&im, frame, fx, fy) })

	patch := make([]byte, 64*64*ch)
	out["fovea_patch"] = measure(per, func() { foveate.FoveaPatch(patch, 64, frame, fx, fy) })

	pc := foveate.DefaultPrecortical
	pc.WrapX = true
	pre, err := foveate.NewPrecortical(pc, g.Wedges, g.Rings)
	if err != nil {
		return nil, err
	}
	ret.Sample(&im, frame, fx, fy)
	resp := make([]float32, g.Samples())
	out["precortical"] = measure(per, func() { pre.ApplyImage(resp, &im) })

	m, _ := device.NewCameraModel(w, h, device.DegAngle(60))
	limits := device.Limits{PanMin: device.DegAngle(-90), PanMax: device.DegAngle(90), TiltMin: device.DegAngle(-60), TiltMax: device.DegAngle(60)}
	full := foveate.DefaultConfig
	full.MaxRadius = math.Hypot(float64(w), float64(h)) // the pipeline's: any fixation reaches the far corner
	fg, err := foveate.NewGeometry(full)
	if err != nil {
		return nil, err
	}
	att, err := control.NewAttention(control.DefaultAttention, m, limits, foveate.New(fg))
	if err != nil {
		return nil, err
	}
	k := 0
	out["attention"] = measure(per, func() {
		k++
		att.Process(frame, device.Pose{}, false, time.Duration(k)*time.Millisecond)
	})

	if err := benchOpenCV(out, frame, g, cfg.MaxRadius, per); err != nil {
		return nil, err
	}
	return out, nil
}

// benchFrame is a real rendered view of the simulated world.
func benchFrame(w, h, ch int) (*device.Frame, error) {
	world, err := sim.NewWorld(sim.DefaultWorldConfig)
	if err != nil {
		return nil, err
	}
	m, err := device.NewCameraModel(w, h, device.DegAngle(60))
	if err != nil {
		return nil, err
	}
	r, err := sim.NewRenderer(world, m)
	if err != nil {
		return nil, err
	}
	var f device.Frame
	r.Render(&f, device.PoseDeg(10, 5), 0)
	if ch == 3 {
		return &f, nil
	}
	var g device.Frame
	g.Reset(w, h, 1)
	for i := 0; i < w*h; i++ {
		p := f.Pix[3*i:]
		g.Pix[i] = uint8((29*int(p[0]) + 150*int(p[1]) + 77*int(p[2])) >> 8)
	}
	return &g, nil
}
