package control

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
)

var wide = device.Limits{PanMin: device.DegAngle(-90), PanMax: device.DegAngle(90), TiltMin: device.DegAngle(-60), TiltMax: device.DegAngle(60)}

// newAttention is NewAttention seeing through a 128-wedge retina that
// reaches the frame's far corner from any fixation.
func newAttention(cfg AttentionConfig, m device.CameraModel, limits device.Limits) (*Attention, error) {
	rc := foveate.DefaultConfig
	rc.MaxRadius = math.Hypot(float64(m.Width), float64(m.Height))
	g, err := foveate.NewGeometry(rc)
	if err != nil {
		return nil, err
	}
	return NewAttention(cfg, m, limits, foveate.New(g))
}

// vga is the simulated camera's model: 640×480, 60° wide.
func vga(t testing.TB) device.CameraModel {
	m, err := device.NewCameraModel(640, 480, device.DegAngle(60))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// headReach is a pan-tilt head's reach: ±90° of pan, −45° to 60° of tilt.
var headReach = device.Limits{PanMin: device.DegAngle(-90), PanMax: device.DegAngle(90), TiltMin: device.DegAngle(-45), TiltMax: device.DegAngle(60)}

func model(t testing.TB) device.CameraModel {
	m, err := device.NewCameraModel(320, 240, device.DegAngle(60))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// scene is a textured gray frame with red discs of radius 12 at the given
// pixels.
func scene(m device.CameraModel, discs ...[2]int) *device.Frame {
	var f device.Frame
	f.Reset(m.Width, m.Height, 3)
	texture(&f, 20, 7, 5)
	for _, d := range discs {
		disc(&f, d[0], d[1], 12, [3]byte{30, 40, 230})
	}
	return &f
}

// plain is a frame of uniform gray v.
func plain(m device.CameraModel, v byte) *device.Frame {
	var f device.Frame
	f.Reset(m.Width, m.Height, 3)
	for i := range f.Pix {
		f.Pix[i] = v
	}
	return &f
}

// texture paints f gray: 110 plus amp·sin(x/px)·cos(y/py).
func texture(f *device.Frame, amp, px, py float64) {
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			v := byte(110 + amp*math.Sin(float64(x)/px)*math.Cos(float64(y)/py))
			p := f.Pix[y*f.Stride+3*x:]
			p[0], p[1], p[2] = v, v, v
		}
	}
}

// disc paints a disc of radius r centred on pixel (cx, cy) in colour bgr.
func disc(f *device.Frame, cx, cy, r int, bgr [3]byte) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
				copy(f.Pix[y*f.Stride+3*x:], bgr[:])
			}
		}
	}
}

func TestAttentionFindsTheSalientObject(t *testing.T) {
	m := model(t)
	a, err := newAttention(DefaultAttention, m, wide)
	if err != nil {
		t.Fatal(err)
	}
	f := scene(m, [2]int{230, 70})
	tgt, err := a.Process(f, device.Pose{}, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !tgt.Valid || math.Hypot(tgt.X-230, tgt.Y-70) > 6 {
		t.Fatalf("target %+v, want near the disc at (230, 70)", tgt)
	}
	wp, wt := m.PixelToWorld(230, 70, device.Pose{})
	tp, tt := tgt.Pose.Deg()
	if d := device.AngularDistanceDeg(wp, wt, tp, tt); d > 1.5 {
		t.Fatalf("target %.2f° from the disc", d)
	}
}

// Inhibition of return is kept in world angles: once the head has looked at
// a disc it prefers the other one, even after the head has moved so that
// the first disc lies elsewhere in the image.
func TestInhibitionOfReturnInWorldAngles(t *testing.T) {
	m := model(t)
	a, _ := newAttention(DefaultAttention, m, wide)
	f := scene(m, [2]int{100, 120}, [2]int{240, 120})
	first, _ := a.Process(f, device.Pose{}, false, 0)
	// Fixate the winner for a few frames.
	for i := 1; i <= 4; i++ {
		a.Process(f, first.Pose, true, time.Duration(i)*33*time.Millisecond)
	}
	second, _ := a.Process(f, first.Pose, false, 200*time.Millisecond)
	if math.Abs(second.X-first.X) < 60 {
		t.Fatalf("after fixating (%.0f, %.0f) attention still picks (%.0f, %.0f)", first.X, first.Y, second.X, second.Y)
	}
	// The same world, seen from a head turned 5° right: the discs move left
	// in the image, and the inhibited one is still avoided.
	cam := device.PoseDeg(5, 0)
	shift := m.FocalPx() * math.Tan(5*math.Pi/180)
	g := scene(m, [2]int{100 - int(shift+0.5), 120}, [2]int{240 - int(shift+0.5), 120})
	g.Pose = cam
	third, _ := a.Process(g, cam, false, 250*time.Millisecond)
	sp, st := second.Pose.Deg()
	tp, tt := third.Pose.Deg()
	if d := device.AngularDistanceDeg(sp, st, tp, tt); d > 1.5 {
		t.Fatalf("after the head moved attention picks %.1f° away from the uninhibited disc", d)
	}
	// Inhibition decays: long after, the first disc is as good as new.
	if v := a.IOR().At(first.Pose.Deg()); v < 0.5 {
		t.Fatalf("inhibition at the fixated disc is only %.2f", v)
	}
	a.IOR().Decay(200*time.Millisecond + 10*DefaultAttention.IORDecay)
	if v := a.IOR().At(first.Pose.Deg()); v > 1e-3 {
		t.Fatalf("inhibition %.3f after ten decay times", v)
	}
}

// A long fixation inhibits what it looked at, not an ever wider disc: the
// inhibition keeps its Gaussian spread however long the head stays, so an
// object two spreads away stays a candidate.
func TestInhibitionKeepsItsSpread(t *testing.T) {
	m := model(t)
	a, _ := newAttention(DefaultAttention, m, wide)
	f := scene(m)
	a.Process(f, device.Pose{}, false, 0) // the rest pose
	at := device.PoseDeg(20, 5)
	f.Pose = at
	for i := 1; i <= 60; i++ { // 2 s still at 30 frames/s
		a.Process(f, at, true, time.Duration(i)*33*time.Millisecond)
	}
	sigma := device.AngleDeg(DefaultAttention.IORSigma)
	if v := a.IOR().At(20, 5); v < 0.99 {
		t.Errorf("inhibition %.2f at the fixation, want 1", v)
	}
	for _, d := range [][2]float64{{sigma, 0}, {0, sigma}, {2 * sigma, 0}, {0, -2 * sigma}} {
		want := math.Exp(-(d[0]*d[0] + d[1]*d[1]) / (2 * sigma * sigma))
		p, q := 20+d[0]/math.Cos(5*math.Pi/180), 5+d[1]
		if v := a.IOR().At(p, q); math.Abs(v-want) > 0.05 {
			t.Errorf("inhibition %.2f at (%.1f°, %.1f°), %.1f° from the fixation; want %.2f", v, p, q, math.Hypot(d[0], d[1]), want)
		}
	}
}

// The head following a moving object leaves inhibition along its path, so
// the object does not draw the head straight back once pursuit ends; a
// saccade's path is not inhibited.
func TestInhibitionFollowsPursuit(t *testing.T) {
	m := model(t)
	a, _ := newAttention(DefaultAttention, m, wide)
	f := scene(m)
	a.Process(f, device.Pose{}, false, 0)
	step := 33 * time.Millisecond
	now := step
	for i := 0; i <= 30; i++ { // 1 s of pursuit at 20°/s from (10°, 0°)
		g := device.PoseDeg(10+20*float64(i)*step.Seconds(), 0)
		f.Pose = g
		a.Process(f, g, false, now)
		now += step
	}
	for _, p := range []float64{12, 20, 29} {
		if v := a.IOR().At(p, 0); v < 0.5 {
			t.Errorf("inhibition %.2f at %v° on the pursuit's path, want at least 0.5", v, p)
		}
	}
	// A saccade: 40° in two frames.
	for _, p := range []float64{50, 70} {
		g := device.PoseDeg(p, 0)
		f.Pose = g
		a.Process(f, g, false, now)
		now += step
	}
	if v := a.IOR().At(50, 0); v > 0.01 {
		t.Errorf("inhibition %.2f mid-saccade", v)
	}
}

func TestAttentionUnreachableIsIgnored(t *testing.T) {
	m := model(t)
	narrow := device.Limits{PanMin: device.DegAngle(-5), PanMax: device.DegAngle(5), TiltMin: device.DegAngle(-5), TiltMax: device.DegAngle(5)}
	a, _ := newAttention(DefaultAttention, m, narrow)
	f := scene(m, [2]int{290, 120}) // about 24° right: beyond the pan limit
	tgt, _ := a.Process(f, device.Pose{}, false, 0)
	if tgt.Valid && tgt.X > 250 {
		t.Fatalf("picked an unreachable target at x=%.0f", tgt.X)
	}
}

func TestAttentionRejectsWrongFrames(t *testing.T) {
	m := model(t)
	a, _ := newAttention(DefaultAttention, m, wide)
	var f device.Frame
	f.Reset(100, 100, 3)
	if _, err := a.Process(&f, device.Pose{}, false, 0); err == nil {
		t.Fatal("a frame of the wrong size was accepted")
	}
	g := scene(m)
	g.Pix = g.Pix[:100]
	if _, err := a.Process(g, device.Pose{}, false, 0); err == nil {
		t.Fatal("a truncated frame was accepted")
	}
}

func TestAttentionAllocs(t *testing.T) {
	m := model(t)
	a, _ := newAttention(DefaultAttention, m, wide)
	f := scene(m, [2]int{100, 100})
	a.Process(f, device.Pose{}, false, 0) // the rest pose: fixations away from it inhibit and habituate
	n := 0
	if allocs := testing.AllocsPerRun(20, func() {
		n++
		gaze := device.PoseDeg(float64(5+n%3), 0) // a new fixation every other frame
		a.Process(f, gaze, n%2 == 0, time.Duration(n)*time.Millisecond)
	}); allocs != 0 {
		t.Fatalf("Process allocates %v per frame", allocs)
	}
}

func TestGazeStateMachine(t *testing.T) {
	g, err := NewGaze(DefaultGaze)
	if err != nil {
		t.Fatal(err)
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	obs := &Observation{Seq: 1, Captured: ms(100), Target: Target{Valid: true, Pose: device.PoseDeg(20, 5)}}
	// Before the dwell time nothing happens.
	if _, send, _ := g.Update(ms(100), device.Pose{}, obs); send {
		t.Fatal("saccade before the dwell time")
	}
	cmd, send, ev := g.Update(ms(310), device.Pose{}, obs)
	if !send || ev.Kind != SaccadeStart || ev.Pose != device.PoseDeg(20, 5) || g.Phase() != Saccading {
		t.Fatalf("no saccade after dwell: %v %v %+v", cmd, send, ev)
	}
	// In flight: set-points follow the minimum-jerk trajectory to the
	// target, whatever attention says meanwhile.
	obs2 := &Observation{Seq: 2, Captured: ms(320), Target: Target{Valid: true, Pose: device.PoseDeg(-30, 0)}}
	cmd, send, _ = g.Update(ms(340), device.PoseDeg(10, 2), obs2)
	if p, _ := cmd.Deg(); !send || p <= 0 || p >= 20 {
		t.Fatalf("in flight: set-point %v (%v), want on the way to 20°", cmd, send)
	}
	// Landing: the trajectory (77 ms for 20.6° at 500°/s) is over and the
	// head is there.
	_, _, ev = g.Update(ms(400), device.PoseDeg(19.8, 5.1), obs2)
	if ev.Kind != FixationStart || g.Phase() != Fixating {
		t.Fatalf("no fixation on landing: %+v", ev)
	}
	// Saccadic suppression: obs2 was captured mid-flight, so it never
	// triggers the next saccade.
	if _, send, _ := g.Update(ms(740), device.PoseDeg(19.8, 5.1), obs2); send {
		t.Fatal("a frame taken during the saccade drove the next one")
	}
	obs3 := &Observation{Seq: 3, Captured: ms(410), Target: Target{Valid: true, Pose: device.PoseDeg(20.5, 5)}}
	if _, send, _ := g.Update(ms(750), device.PoseDeg(19.8, 5.1), obs3); send {
		t.Fatal("saccade smaller than the minimum")
	}
	// A saccade that never lands is abandoned after the limit.
	obs4 := &Observation{Seq: 4, Captured: ms(760), Target: Target{Valid: true, Pose: device.PoseDeg(-40, 0)}}
	g.Update(ms(770), device.PoseDeg(19.8, 5.1), obs4)
	_, _, ev = g.Update(ms(770)+DefaultGaze.SaccadeLimit, device.PoseDeg(19.8, 5.1), obs4)
	if ev.Kind != FixationStart {
		t.Fatalf("stuck saccade not abandoned: %+v", ev)
	}
}

func BenchmarkAttention(b *testing.B) {
	for _, size := range [][2]int{{320, 240}, {640, 480}, {1280, 720}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			m, _ := device.NewCameraModel(size[0], size[1], device.DegAngle(60))
			a, _ := newAttention(DefaultAttention, m, wide)
			f := scene(m, [2]int{size[0] / 3, size[1] / 2})
			a.Process(f, device.Pose{}, false, 0) // the rest pose: fixations away from it inhibit and habituate
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				gaze := device.PoseDeg(float64(5+i%3), 0) // a new fixation every other frame
				a.Process(f, gaze, i%2 == 0, time.Duration(i+1)*time.Millisecond)
			}
		})
	}
}

// After landing, one corrective saccade re-centres the fixated blob; its
// landing continues the same fixation, re-centred.
func TestGazeCorrectiveSaccade(t *testing.T) {
	g, _ := NewGaze(DefaultGaze)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	obs := &Observation{Seq: 1, Captured: 0, Target: Target{Valid: true, Pose: device.PoseDeg(20, 0)}}
	g.Update(ms(0), device.Pose{}, obs)
	if _, send, _ := g.Update(ms(310), device.Pose{}, obs); !send {
		t.Fatal("no primary saccade")
	}
	if _, _, ev := g.Update(ms(400), device.PoseDeg(20, 0), obs); ev.Kind != FixationStart {
		t.Fatal("no landing")
	}
	// The blob's centre is 1.2° off the gaze: correct once, 60 ms in.
	near := &Observation{Seq: 2, Captured: ms(420), Target: Target{Valid: true, Pose: device.PoseDeg(-40, 0),
		LocalValid: true, Local: device.PoseDeg(21.2, 0)}}
	if _, send, _ := g.Update(ms(430), device.PoseDeg(20, 0), near); send {
		t.Fatal("corrected before the delay")
	}
	_, send, ev := g.Update(ms(460), device.PoseDeg(20, 0), near)
	if !send || ev.Kind != CorrectionStart || ev.Pose != device.PoseDeg(21.2, 0) {
		t.Fatalf("no correction: %v %+v", send, ev)
	}
	if _, _, ev := g.Update(ms(520), device.PoseDeg(21.1, 0), near); ev.Kind != FixationRecentred || ev.Pose != device.PoseDeg(21.1, 0) || g.Phase() != Fixating {
		t.Fatalf("correction landing: %+v, phase %v", ev, g.Phase())
	}
	// Only one correction per fixation.
	again := &Observation{Seq: 3, Captured: ms(530), Target: Target{Valid: true, Pose: device.PoseDeg(21.1, 0),
		LocalValid: true, Local: device.PoseDeg(22.5, 0)}}
	if _, send, _ := g.Update(ms(600), device.PoseDeg(21.1, 0), again); send {
		t.Fatal("a second correction in the same fixation")
	}
}

// The first fixation begins with the first observation, however late
// vision starts: the head does not leave before it has looked for a dwell
// time (and long enough to see whether the blob at the gaze moves).
func TestGazeFirstFixationStartsWithVision(t *testing.T) {
	g, _ := NewGaze(DefaultGaze)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for now := 0; now < 500; now += 10 {
		if _, send, _ := g.Update(ms(now), device.Pose{}, nil); send {
			t.Fatal("a command without any observation")
		}
	}
	far := func(seq, captured int) *Observation {
		return &Observation{Seq: uint64(seq), Captured: ms(captured), Target: Target{Valid: true, Pose: device.PoseDeg(20, 0)}}
	}
	for k := 0; k < 6; k++ { // frames from 500 ms on, 33 ms apart
		now := 505 + 33*k
		if _, send, _ := g.Update(ms(now), device.Pose{}, far(k+1, 500+33*k)); send {
			t.Fatalf("saccade at %d ms, %d ms after vision started", now, now-505)
		}
	}
	if _, send, ev := g.Update(ms(505+33*6+20), device.Pose{}, far(7, 500+33*6)); !send || ev.Kind != SaccadeStart {
		t.Fatalf("no saccade after the dwell: %v %+v", send, ev)
	}
}

// A correction smaller than the servos' dead band on an axis goes beyond
// its target on that axis first, then back: both moves are large enough
// for a resting servo to make, and the last set-point is the target.
func TestGazeCorrectionBeatsDeadBand(t *testing.T) {
	g, _ := NewGaze(DefaultGaze)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	head := device.PoseDeg(20, 0)
	g.Update(0, head, &Observation{})
	near := &Observation{Seq: 1, Captured: ms(10), Target: Target{Valid: true, Pose: head,
		LocalValid: true, Local: device.PoseDeg(20.6, 0.2)}}
	_, send, ev := g.Update(ms(70), head, near)
	if !send || ev.Kind != CorrectionStart || ev.Pose != near.Target.Local {
		t.Fatalf("no correction: %v %+v", send, ev)
	}
	db := device.AngleDeg(DefaultGaze.DeadBand)
	var maxP, maxT float64
	last := head
	for now := 80; now < 400; now += 10 {
		cmd, send, _ := g.Update(ms(now), head, near)
		if send {
			last = cmd
			head = cmd // a head that follows its set-points
			p, tl := cmd.Deg()
			maxP, maxT = max(maxP, p), max(maxT, tl)
		}
	}
	if maxP < 20.6+db || maxT < 0.2+db {
		t.Errorf("set-points reached (%.2f°, %.2f°), want beyond (%.2f°, %.2f°)", maxP, maxT, 20.6+db, 0.2+db)
	}
	// The loop holds Target once the trajectory is over.
	if lp, lt := last.Deg(); math.Abs(lp-20.6) > 0.05 || math.Abs(lt-0.2) > 0.05 || g.Target() != near.Target.Local || g.Phase() != Fixating {
		t.Errorf("last set-point (%v°, %v°), held %v, phase %v; want the target, fixating", lp, lt, g.Target(), g.Phase())
	}
}

// A correction is a set-point too: the motor loop must keep it alive.
func TestGazeCorrectionCountsAsMoved(t *testing.T) {
	g, _ := NewGaze(DefaultGaze)
	g.Update(0, device.Pose{}, &Observation{}) // vision starts
	near := &Observation{Seq: 1, Captured: 70 * time.Millisecond, Target: Target{Valid: true, Pose: device.PoseDeg(0.2, 0),
		LocalValid: true, Local: device.PoseDeg(1, 0)}}
	if _, send, ev := g.Update(80*time.Millisecond, device.Pose{}, near); !send || ev.Kind != CorrectionStart {
		t.Fatalf("no correction: %v %+v", send, ev)
	}
	if !g.Moved() {
		t.Fatal("a corrective saccade does not count as a set-point")
	}
	// No landing announced the fixation at the rest pose: this correction's
	// landing does, so that the object it centres counts as fixated.
	var ev Event
	for now := 90; now < 400 && ev.Kind == NoEvent; now += 10 {
		_, _, ev = g.Update(time.Duration(now)*time.Millisecond, device.PoseDeg(1, 0), near)
	}
	if ev.Kind != FixationStart || ev.Pose != device.PoseDeg(1, 0) {
		t.Fatalf("the first correction's landing: %+v, want a fixation", ev)
	}
}

func TestMinimumJerkTrajectory(t *testing.T) {
	from, to := device.PoseDeg(0, 0), device.PoseDeg(20, 0)
	tr := NewTrajectory(from, to, 0, 500, 30000)
	// Velocity-limited: 1.875·20/500 = 75 ms (the main sequence says 65 ms).
	if tr.Duration < 74*time.Millisecond || tr.Duration > 76*time.Millisecond {
		t.Fatalf("duration %v, want 75 ms", tr.Duration)
	}
	if free := NewTrajectory(from, to, 0, 0, 0); free.Duration != MainSequence(20) {
		t.Fatalf("unlimited duration %v, want the main sequence %v", free.Duration, MainSequence(20))
	}
	// Smooth and within the envelope: speed at most 500°/s, monotone,
	// ends exactly on the target.
	prev := 0.0
	for ms := 1; ms <= 80; ms++ {
		p, _ := tr.At(time.Duration(ms) * time.Millisecond).Deg()
		if v := (p - prev) / 0.001; v > 500*(1+1e-6) || v < -1e-9 {
			t.Fatalf("at %d ms: %.1f°/s", ms, v)
		}
		prev = p
	}
	if tr.At(time.Second) != to || !tr.Done(75*time.Millisecond) {
		t.Fatal("trajectory does not end on the target")
	}
	// Mid-way the profile is symmetric: half the amplitude at half the time.
	if p, _ := tr.At(tr.Duration / 2).Deg(); math.Abs(p-10) > 1e-6 {
		t.Fatalf("half-way at %v°", p)
	}
}

// A fixated blob moving at 20°/s is pursued: the set-point leads its last
// seen position by its velocity times the frame's age plus the lead.
func TestGazePursuit(t *testing.T) {
	g, _ := NewGaze(DefaultGaze)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var cmd device.Pose
	var send bool
	for i := 1; i <= 6; i++ {
		captured := ms(33 * i)
		pan := 20 * captured.Seconds() // 20°/s
		obs := &Observation{Seq: uint64(i), Captured: captured, Target: Target{Valid: true, Pose: device.PoseDeg(0.1, 0),
			LocalValid: true, Local: device.PoseDeg(pan, 0)}}
		cmd, send, _ = g.Update(captured+ms(5), device.PoseDeg(pan, 0), obs)
	}
	if !g.Pursuing() || !send {
		t.Fatal("not pursuing a blob moving at 20°/s")
	}
	// Last blob at 20·0.198 = 3.96° seen 5 ms ago, lead 40 ms: 3.96 + 20·0.045.
	if p, _ := cmd.Deg(); math.Abs(p-(3.96+20*0.045)) > 0.05 {
		t.Fatalf("set-point %.3f°, want %.3f°", p, 3.96+20*0.045)
	}
	// A still blob is not pursued.
	h, _ := NewGaze(DefaultGaze)
	for i := 1; i <= 6; i++ {
		obs := &Observation{Seq: uint64(i), Captured: ms(33 * i), Target: Target{Valid: true, Pose: device.PoseDeg(0.1, 0),
			LocalValid: true, Local: device.PoseDeg(0.05*float64(i%2), 0)}} // centroid jitter
		h.Update(ms(33*i+5), device.Pose{}, obs)
	}
	if h.Pursuing() {
		t.Fatal("pursuing a still blob")
	}
}

// A saccade is not motion: the blob fixated before it and the one fixated
// after it are different blobs, so a still blob after a saccade is not
// pursued, however soon after the last frame before it the first frame
// after it comes.
func TestGazeSaccadeIsNotMotion(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, speed := range []float64{0} {
		g, _ := NewGaze(DefaultGaze)
		head := device.Pose{}
		seq := uint64(0)
		local := func(c time.Duration) float64 { return 0 }
		jumped := false
		for i := 1; i <= 40; i++ {
			captured := ms(33 * i)
			seq++
			obs := &Observation{Seq: seq, Captured: captured, Target: Target{Valid: true, Pose: device.PoseDeg(10, 0),
				LocalValid: true, Local: device.PoseDeg(local(captured), 0)}}
			if jumped {
				obs.Target.Pose = device.PoseDeg(local(captured), 0) // nothing else to look at
			}
			cmd, send, ev := g.Update(captured+ms(2), head, obs)
			if ev.Kind == SaccadeStart {
				t0 := captured
				local = func(c time.Duration) float64 { return 10 + speed*(c-t0).Seconds() }
				jumped = true
			}
			if send {
				head = cmd // an ideal head
			}
			if jumped && g.Phase() == Fixating && g.Pursuing() != (speed > 0) && (speed == 0 || i > 20) {
				t.Fatalf("blob moving at %v°/s after a 10° saccade: pursuing %v at %v", speed, g.Pursuing(), captured)
			}
		}
		if !jumped {
			t.Fatal("no saccade")
		}
	}
}

// A task bias on the place of one of two like discs makes attention
// prefer it (weight above 1) or the other one (below 1).
func TestAttentionTaskBias(t *testing.T) {
	m := model(t)
	f := scene(m, [2]int{90, 120}, [2]int{230, 120})
	first := func(bias func(a *Attention)) Target {
		t.Helper()
		a, err := newAttention(DefaultAttention, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		if bias != nil {
			bias(a)
		}
		tgt, err := a.Process(f, device.Pose{}, false, 0)
		if err != nil || !tgt.Valid {
			t.Fatalf("%+v, %v", tgt, err)
		}
		return tgt
	}
	plain := first(nil)
	otherX := 90.0
	if plain.X < 160 {
		otherX = 230
	}
	op, ot := m.PixelToWorld(otherX, 120, device.Pose{})
	pp, pt := plain.Pose.Deg()
	for _, c := range []struct {
		name    string
		p, t, w float64
	}{{"avoid the winner", pp, pt, 0.2}, {"prefer the other", op, ot, 5}} {
		tgt := first(func(a *Attention) {
			if err := a.Bias(c.p, c.t, c.w); err != nil {
				t.Fatal(err)
			}
		})
		if math.Abs(tgt.X-otherX) > 10 {
			t.Errorf("%s: attention picks x=%.0f, want the disc at x=%.0f", c.name, tgt.X, otherX)
		}
	}
	// A bias set long after the start counts in full when it is set: a
	// small disc, which loses to a large one, wins once biased at 100 s.
	g := scene(m, [2]int{90, 120})
	disc(g, 230, 120, 7, [3]byte{30, 40, 230})
	late, _ := newAttention(DefaultAttention, m, wide)
	if tgt, _ := late.Process(g, device.Pose{}, false, 0); math.Abs(tgt.X-90) > 10 {
		t.Fatalf("unbiased, attention picks x=%.0f, want the large disc at x=90", tgt.X)
	}
	late.Process(g, device.Pose{}, false, 99900*time.Millisecond)
	sp, st := m.PixelToWorld(230, 120, device.Pose{})
	if err := late.Bias(sp, st, 5); err != nil {
		t.Fatal(err)
	}
	if tgt, _ := late.Process(g, device.Pose{}, false, 100*time.Second); math.Abs(tgt.X-230) > 10 {
		t.Errorf("a bias set at 100 s: attention picks x=%.0f, want the small disc at x=230", tgt.X)
	}
	a, _ := newAttention(DefaultAttention, m, wide)
	for _, w := range []float64{0, -1, math.NaN(), math.Inf(1), 51} {
		if a.Bias(0, 0, w) == nil {
			t.Errorf("bias weight %v accepted", w)
		}
	}
	if a.Bias(math.NaN(), 0, 2) == nil {
		t.Error("a NaN direction accepted")
	}
}

// Channel gains are a top-down feature bias: with colour alone a red disc
// wins over a bright grey one, with intensity alone the grey one does.
func TestAttentionChannelGains(t *testing.T) {
	m := model(t)
	f := scene(m, [2]int{90, 120})
	disc(f, 230, 120, 12, [3]byte{240, 240, 240}) // bright grey
	for _, c := range []struct {
		gains [3]float64
		wantX float64
	}{{[3]float64{0, 1, 1}, 90}, {[3]float64{1, 0, 0}, 230}} {
		cfg := DefaultAttention
		cfg.ChannelGains = c.gains
		a, err := newAttention(cfg, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		tgt, _ := a.Process(f, device.Pose{}, false, 0)
		if math.Abs(tgt.X-c.wantX) > 10 {
			t.Errorf("gains %v: attention picks x=%.0f, want %.0f", c.gains, tgt.X, c.wantX)
		}
	}
	cfg := DefaultAttention
	cfg.ChannelGains = [3]float64{}
	if _, err := newAttention(cfg, m, wide); err == nil {
		t.Error("all-zero gains accepted")
	}
}

// Novelty: once the head has looked from around the plain-texture
// winner, attention turns elsewhere; the drive alone (no novelty gain) is
// enough, and with neither the winner stays. The texture is coarse enough
// for the retina's periphery to see it everywhere (the fine texture of
// scene is averaged out beyond a few degrees, and only the inner rings
// would see it).
func TestAttentionNovelty(t *testing.T) {
	m := model(t)
	f := scene(m)
	texture(f, 30, 13, 11)
	pick := func(gain float64, seen *device.Pose) device.Pose {
		t.Helper()
		cfg := DefaultAttention
		cfg.Novelty, cfg.Explore = gain, 0
		a, err := newAttention(cfg, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		if seen != nil {
			sp, st := seen.Deg()
			for dp := -12.0; dp <= 12; dp += 3 {
				for dt := -12.0; dt <= 12; dt += 3 {
					a.seen.Inhibit(sp+dp, st+dt, 1)
				}
			}
		}
		tgt, err := a.Process(f, device.Pose{}, false, 0)
		if err != nil || !tgt.Valid {
			t.Fatalf("%+v, %v", tgt, err)
		}
		return tgt.Pose
	}
	plain := pick(0, nil)
	pp, pt := plain.Deg()
	for _, gain := range []float64{3, 1, 0} {
		p, tl := pick(gain, &plain).Deg()
		d := device.AngularDistanceDeg(pp, pt, p, tl)
		if moved := d > 10; moved != (gain > 0) {
			t.Errorf("gain %v: the winner is %.1f° from the looked-at one", gain, d)
		}
	}
}

// Habituation compounds over looks: after three looks at one disc and,
// later, one at another, the head returns to the one it has looked at
// less, although inhibition of return alone prefers the one it left
// longer ago.
func TestAttentionHabituates(t *testing.T) {
	m := model(t)
	f := scene(m, [2]int{90, 120}, [2]int{230, 120})
	ap, at := m.PixelToWorld(90, 120, device.Pose{})
	bp, bt := m.PixelToWorld(230, 120, device.Pose{})
	for _, h := range []float64{DefaultAttention.Habituation, 1} {
		cfg := DefaultAttention
		cfg.Novelty, cfg.Explore, cfg.Habituation = 0, 0, h
		a, err := newAttention(cfg, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		look := func(p, tl float64, at time.Duration) {
			t.Helper()
			for i, stable := range []bool{true, true, true, false} {
				if _, err := a.Process(f, device.PoseDeg(p, tl), stable, at+time.Duration(i)*33*time.Millisecond); err != nil {
					t.Fatal(err)
				}
			}
		}
		a.Process(f, device.Pose{}, false, 0) // the head's rest pose
		look(ap, at, 100*time.Millisecond)
		look(ap, at, time.Second)
		look(ap, at, 2*time.Second)
		look(bp, bt, 10*time.Second)
		tgt, err := a.Process(f, device.Pose{}, false, 30*time.Second)
		if err != nil || !tgt.Valid {
			t.Fatalf("habituation %v: %+v, %v", h, tgt, err)
		}
		want := 230.0 // the disc looked at once
		if h == 1 {
			want = 90 // the disc left longer ago
		}
		if math.Abs(tgt.X-want) > 10 {
			t.Errorf("habituation %v: attention picks x=%.0f, want the disc at x=%.0f", h, tgt.X, want)
		}
	}
	bad := DefaultAttention
	for _, h := range []float64{0, 0.01, 1.5, math.NaN()} {
		bad.Habituation = h
		if bad.Validate() == nil {
			t.Errorf("habituation %v accepted", h)
		}
	}
}

// Exploration carries the view toward reach it has not shown: with the
// only object in view inhibited, on a blank frame, the head is drawn up,
// where the reach extends far beyond the view's top edge, and never down,
// where it ends just below the view. Without exploration nothing draws it.
func TestAttentionExplores(t *testing.T) {
	m := model(t)
	f := plain(m, 120)
	disc(f, 185, 120, 12, [3]byte{30, 40, 230}) // the disc alone, 5° right (outside the fovea), on a blank frame
	reach := device.Limits{PanMin: device.DegAngle(-20), PanMax: device.DegAngle(20), TiltMin: device.DegAngle(-5), TiltMax: device.DegAngle(60)}
	for _, explore := range []float64{1.5, 0} {
		cfg := DefaultAttention
		cfg.Novelty, cfg.Explore = 0, explore
		a, err := newAttention(cfg, m, reach)
		if err != nil {
			t.Fatal(err)
		}
		for dp := -6.0; dp <= 6; dp += 3 {
			for dt := -6.0; dt <= 6; dt += 3 {
				a.ior.Inhibit(dp, dt, 1)
			}
		}
		var tgt Target
		for k := range 2 { // the first frame, still, marks what is in view as explored
			if tgt, err = a.Process(f, device.Pose{}, true, time.Duration(k)*33*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
		_, tl := tgt.Pose.Deg()
		if up := tgt.Valid && tl > 10; up != (explore > 0) {
			t.Errorf("explore %v: target %+v", explore, tgt)
		}
	}
}

// A blob seen in the periphery stays a candidate once the head has turned
// away from it: attention targets its remembered direction, out of view,
// over the plain texture in view; without that glimpse it picks something
// in view, and so it does after glimpsing a faint blob, no more salient
// than background.
func TestAttentionRemembersOutOfView(t *testing.T) {
	m := model(t)
	seenPan, seenTilt := m.PixelToWorld(280, 120, device.Pose{})
	glimpse := scene(m, [2]int{280, 120})
	faint := scene(m)
	disc(faint, 280, 120, 12, [3]byte{104, 104, 122})
	away := scene(m)
	away.Pose = device.PoseDeg(-40, 0)
	cfg := DefaultAttention
	cfg.Explore = 0 // the memory alone: exploring would draw the head elsewhere too
	for _, c := range []struct {
		name     string
		seen     *device.Frame
		remember bool
	}{{"after the glimpse", glimpse, true}, {"without a glimpse", nil, false}, {"after a faint glimpse", faint, false}} {
		a, err := newAttention(cfg, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		if c.seen != nil {
			if _, err := a.Process(c.seen, device.Pose{}, true, 0); err != nil {
				t.Fatal(err)
			}
		}
		tgt, err := a.Process(away, away.Pose, true, 100*time.Millisecond)
		if err != nil || !tgt.Valid {
			t.Fatalf("%s: %+v, %v", c.name, tgt, err)
		}
		p, tl := tgt.Pose.Deg()
		d := device.AngularDistanceDeg(p, tl, seenPan, seenTilt)
		inView := tgt.X >= 0 && tgt.X < float64(m.Width)
		if c.remember && (d > 1.5 || inView) {
			t.Errorf("%s: target %+v, %.1f° from the disc at (%.1f°, %.1f°)", c.name, tgt, d, seenPan, seenTilt)
		}
		if !c.remember && !inView {
			t.Errorf("%s: target %+v out of view", c.name, tgt)
		}
	}
}

// Saliency compares between frames: a faint disc is the most salient thing
// in its frame, as a strong one is in its own, but its frame's saliency is
// a fraction of the other's; two strong discs, of different colours, are
// as salient as each alone.
func TestAttentionSalienceIsAbsolute(t *testing.T) {
	m := model(t)
	peak := func(f *device.Frame) (float32, Target) {
		t.Helper()
		cfg := DefaultAttention
		cfg.Explore = 0
		a, err := newAttention(cfg, m, wide)
		if err != nil {
			t.Fatal(err)
		}
		tgt, err := a.Process(f, device.Pose{}, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, _, _ := a.Saliency()
		var mx float32
		for _, v := range s {
			mx = max(mx, v)
		}
		return mx, tgt
	}
	strong, st := peak(scene(m, [2]int{230, 70}))
	faint := scene(m)
	disc(faint, 230, 70, 12, [3]byte{104, 104, 122})
	weak, wt := peak(faint)
	for _, c := range []struct {
		name string
		tgt  Target
	}{{"strong", st}, {"faint", wt}} {
		if !c.tgt.Valid || math.Hypot(c.tgt.X-230, c.tgt.Y-70) > 6 {
			t.Errorf("%s disc: target %+v, want it at (230, 70)", c.name, c.tgt)
		}
	}
	if !(strong >= 0.9 && weak < 0.5*strong) {
		t.Errorf("peak saliency %.2f with a strong disc, %.2f with a faint one", strong, weak)
	}
	two := scene(m, [2]int{230, 70})
	disc(two, 90, 170, 12, [3]byte{200, 60, 40}) // blue
	if both, _ := peak(two); both < 0.8*strong {
		t.Errorf("peak saliency %.2f with two discs, %.2f with one", both, strong)
	}
}

// Coverage: the whole reach is unexplored at first; a still view marks
// what it shows, a view beside it overlaps by half, one above shows
// mostly reach beyond the first view's top edge, and after a minute all
// of it is unexplored again.
func TestCoverageGain(t *testing.T) {
	m := vga(t)
	c := newCoverage(headReach, time.Minute)
	const hp, ht = 28.0, 20.0
	check := func(what string, pan, tilt, lo, hi float64) {
		t.Helper()
		if g := c.gain(pan, tilt, hp, ht); g < lo || g > hi {
			t.Errorf("%s: gain at (%v°, %v°) is %.2f, want [%v, %v]", what, pan, tilt, g, lo, hi)
		}
	}
	c.table(0)
	check("nothing seen", 0, 0, 1, 1)
	check("nothing seen, at the reach's corner", 90, 60, 0.2, 0.3) // a quarter of the window is reach
	c.mark(m, device.Pose{}, 16, time.Second)
	c.table(time.Second)
	check("where it looked", 0, 0, 0, 0.03)
	check("half a view aside", 28, 0, 0.4, 0.6)
	check("above", 0, 30, 0.6, 0.8)      // the first view ends near 22°: its window spans 10° to 50°
	check("far away", -60, -15, 0.95, 1) // its window ends at −30°, beside the first view's
	c.table(time.Second + time.Minute + time.Millisecond)
	check("a minute later", 0, 0, 1, 1)
}

// The local blob is the object, not a faint distractor beside it: a dark
// disc and, 6° from it, a disc only slightly bluer and brighter than the
// grey around it, the gaze between them. Each channel counts in proportion
// to its contrast (the distractor's weak colour contrast is not inflated
// to match the disc's strong intensity contrast), and the blob's centre is
// taken over the cells connected to its peak, so the distractor does not
// pull it aside either.
func TestLocalBlobIsTheObject(t *testing.T) {
	m := vga(t)
	f := plain(m, 128)
	disc(f, 352, 240, 20, [3]byte{60, 60, 60})
	disc(f, 288, 240, 20, [3]byte{150, 128, 118})
	l := newLocalMap(m, m.FocalPx()*math.Tan(localRadiusDeg*math.Pi/180))
	x, y, ok := l.blob(f, 320, 240, [3]float64{1, 1, 1})
	if !ok || math.Hypot(x-352, y-240) > 4 {
		t.Fatalf("local blob at (%.1f, %.1f), want the dark disc at (352, 240)", x, y)
	}
}

// A marked object whose mean colour matches its background — a card of fine
// black and white marks averaging to the grey around it — stands out by its
// edges: the local blob finds it, not a plain patch a little lighter than
// the background at the same distance from the gaze.
func TestLocalBlobSeesMarks(t *testing.T) {
	m := vga(t)
	f := plain(m, 110)
	for y := 220; y < 260; y++ {
		for x := 340; x < 380; x++ {
			v := byte(0)
			if (x/2+y/2)%2 == 0 {
				v = 220
			}
			p := f.Pix[y*f.Stride+3*x:]
			p[0], p[1], p[2] = v, v, v
		}
	}
	disc(f, 280, 240, 20, [3]byte{140, 140, 140})
	l := newLocalMap(m, m.FocalPx()*math.Tan(localRadiusDeg*math.Pi/180))
	x, y, ok := l.blob(f, 320, 240, [3]float64{1, 1, 1})
	if !ok || math.Hypot(x-359.5, y-239.5) > 4 {
		t.Fatalf("local blob at (%.1f, %.1f), want the marked card at (359.5, 239.5)", x, y)
	}
	// Without the intensity gain (a search for colour alone) marks do not count.
	if x, y, ok = l.blob(f, 320, 240, [3]float64{0, 1, 1}); ok && math.Hypot(x-359.5, y-239.5) < 10 {
		t.Fatalf("local blob at (%.1f, %.1f) on the grey card though intensity has no gain", x, y)
	}
}

// The coverage table is rebuilt only when it changes: after any sequence of
// marks and times it equals one built afresh.
func TestCoverageTableHolds(t *testing.T) {
	m := vga(t)
	c := newCoverage(headReach, 2*time.Second)
	ref := newCoverage(headReach, 2*time.Second)
	rng := rand.New(rand.NewPCG(1, 2))
	now, rebuilt := time.Duration(0), 0
	for step := 0; step < 400; step++ {
		now += time.Duration(rng.IntN(200)) * time.Millisecond
		if rng.IntN(3) > 0 {
			pose := device.PoseDeg(-90+180*rng.Float64(), -45+105*rng.Float64())
			if rng.IntN(2) == 0 { // a still head looks again where it was
				pose = device.PoseDeg(10, 5)
			}
			c.mark(m, pose, 16, now)
			ref.mark(m, pose, 16, now)
		}
		if !c.fresh || now > c.until {
			rebuilt++
		}
		c.table(now)
		ref.fresh = false
		ref.table(now)
		if !slices.Equal(c.sat, ref.sat) {
			t.Fatalf("step %d at %v: the kept table differs from one built afresh", step, now)
		}
	}
	if rebuilt == 400 {
		t.Error("the table was rebuilt at every step")
	}
	t.Logf("rebuilt %d of 400 times", rebuilt)
}
