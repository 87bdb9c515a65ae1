package fovea

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
)

// stillTolDeg is how little the gaze may move between two frames for the
// head to count as still (a stable frame feeds inhibition of return).
const stillTolDeg = 0.15

// captured is one frame with the gaze at its capture.
type captured struct {
	f       device.Frame
	gaze    device.Pose
	simT    time.Duration
	arrived time.Time // when NextFrame returned it
	valid   bool
}

// latest is a three-buffer mailbox: capture writes the back buffer and swaps
// it with the ready one; perception swaps the ready one with its own. Neither
// side waits on the other and no frame is copied.
type latest struct {
	mu     sync.Mutex
	ready  *captured
	fresh  bool
	signal chan struct{}
}

func (l *latest) put(c *captured) *captured {
	l.mu.Lock()
	old := l.ready
	l.ready, l.fresh = c, true
	l.mu.Unlock()
	select {
	case l.signal <- struct{}{}:
	default:
	}
	return old
}

func (l *latest) take(mine *captured) (*captured, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.fresh {
		return mine, false
	}
	got := l.ready
	l.ready, l.fresh = mine, false
	return got, true
}

// Run runs the pipeline in real time until ctx ends or the camera fails for
// good (a finite source ending returns nil). It parks the head on the way out.
func (p *Pipeline) Run(ctx context.Context) (err error) {
	if err := p.Init(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	box := &latest{signal: make(chan struct{}, 1), ready: &captured{}}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); p.captureLoop(ctx, cancel, box) }()
	go func() { defer wg.Done(); p.perceptionLoop(ctx, cancel, box) }()
	go func() { defer wg.Done(); p.motorLoop(ctx, cancel) }()
	wg.Wait()
	p.mu.Lock()
	p.captured = max(p.captured, p.processed)
	p.mu.Unlock()
	cause := context.Cause(ctx)
	parkErr := p.park(func(d time.Duration) { time.Sleep(d) })
	switch {
	case errors.Is(cause, device.ErrEndOfStream), errors.Is(cause, context.Canceled), errors.Is(cause, context.DeadlineExceeded):
		return parkErr
	default:
		return errors.Join(cause, parkErr)
	}
}

func (p *Pipeline) captureLoop(ctx context.Context, fail context.CancelCauseFunc, box *latest) {
	back := &captured{}
	for ctx.Err() == nil {
		if err := p.Camera.NextFrame(ctx, &back.f); err != nil {
			if ctx.Err() == nil {
				fail(fmt.Errorf("fovea: capture: %w", err))
			}
			return
		}
		back.arrived = time.Now()
		if _, isSim := p.Camera.(*sim.Camera); isSim {
			back.simT = back.f.Sim // the camera set the pose at exposure
		} else {
			back.simT = p.Clock.Now()
			back.f.Pose = p.cameraPose()
		}
		p.latCapture.Record(max(0, time.Since(back.f.Time)))
		back.gaze = p.gazeAt(&back.f)
		back.valid = true
		p.mu.Lock()
		p.captured++
		p.mu.Unlock()
		back = box.put(back)
	}
}

func (p *Pipeline) perceptionLoop(ctx context.Context, fail context.CancelCauseFunc, box *latest) {
	front := &captured{}
	var ov Overlay
	var prevGaze device.Pose
	have := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-box.signal:
		}
		var ok bool
		front, ok = box.take(front)
		if !ok || !front.valid {
			continue
		}
		stable := have && gazeStill(prevGaze, front.gaze)
		prevGaze, have = front.gaze, true
		if err := p.perceive(&front.f, front.gaze, stable, front.simT, front.arrived, &ov); err != nil {
			fail(fmt.Errorf("fovea: perception: %w", err))
			return
		}
	}
}

// gazeAt is where the head looked when f was exposed: the camera's pose,
// unless the camera sits on a fixed mount and the gaze moves over its image.
func (p *Pipeline) gazeAt(f *device.Frame) device.Pose {
	if _, ok := p.Head.(device.Mount); ok {
		return p.Head.Pose()
	}
	return f.Pose
}

func gazeStill(a, b device.Pose) bool {
	ap, at := a.Deg()
	bp, bt := b.Deg()
	return device.AngularDistanceDeg(ap, at, bp, bt) <= stillTolDeg
}

func (p *Pipeline) motorLoop(ctx context.Context, fail context.CancelCauseFunc) {
	tick := time.NewTicker(p.MotorPeriod)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-p.wake: // a fresh observation: command now, not at the next tick
		}
		if err := p.motorStep(p.Clock.Now()); err != nil {
			fail(err)
			return
		}
	}
}

// park sends the head to its park pose, waits for it to arrive (at most a
// second), then halts it. sleep waits in the loop's time.
func (p *Pipeline) park(sleep func(time.Duration)) error {
	target := p.Head.Limits().Clamp(p.ParkPose)
	if err := p.Head.SetPose(target); err != nil {
		return errors.Join(fmt.Errorf("fovea: park: %w", err), p.Head.Halt())
	}
	tp, tt := target.Deg()
	stepper, _ := p.Head.(device.Stepper)
	for i := 0; i < 200; i++ {
		if stepper != nil { // the envelope moves only when stepped
			if err := stepper.Step(p.Clock.Now()); err != nil {
				return errors.Join(fmt.Errorf("fovea: park: %w", err), p.Head.Halt())
			}
		}
		hp, ht := p.Head.Pose().Deg()
		if device.AngularDistanceDeg(hp, ht, tp, tt) < 1 {
			break
		}
		sleep(10 * time.Millisecond)
	}
	if err := p.Head.Halt(); err != nil {
		return fmt.Errorf("fovea: park: halt: %w", err)
	}
	p.Log.Info("head parked", "pose", p.Head.Pose().String())
	return nil
}

// RunLockstep runs the pipeline for duration of simulated time on one
// goroutine: motor ticks up to each frame's exposure, the frame, then
// perception. The camera must be a *sim.Camera on the *sim.ManualClock in
// p.Clock. Latencies are the wall time each stage took.
func (p *Pipeline) RunLockstep(ctx context.Context, duration time.Duration) error {
	if err := p.Init(); err != nil {
		return err
	}
	cam, ok := p.Camera.(*sim.Camera)
	clock, ok2 := p.Clock.(*sim.ManualClock)
	if !ok || !ok2 {
		return errors.New("fovea: lockstep needs a sim camera on a manual clock")
	}
	var c captured
	var ov Overlay
	var prevGaze device.Pose
	have := false
	nextTick := clock.Now()
	for ctx.Err() == nil {
		tf := cam.NextFrameTime()
		if tf > duration {
			break
		}
		for ; nextTick <= tf; nextTick += p.MotorPeriod {
			clock.Set(nextTick)
			if err := p.motorStep(nextTick); err != nil {
				return err
			}
		}
		t0 := time.Now()
		if err := cam.NextFrame(ctx, &c.f); err != nil {
			return fmt.Errorf("fovea: capture: %w", err)
		}
		c.f.Time = t0
		arrived := time.Now()
		p.latCapture.Record(arrived.Sub(t0))
		p.mu.Lock()
		p.captured++
		p.mu.Unlock()
		gaze := p.gazeAt(&c.f)
		stable := have && gazeStill(prevGaze, gaze)
		prevGaze, have = gaze, true
		if err := p.perceive(&c.f, gaze, stable, c.f.Sim, arrived, &ov); err != nil {
			return fmt.Errorf("fovea: perception: %w", err)
		}
		// The observation is consumed at the next motor tick; the latency
		// recorded is the wall time of the stages, not simulated waiting.
	}
	now := clock.Now()
	return p.park(func(d time.Duration) { now += d; clock.Set(now) })
}
