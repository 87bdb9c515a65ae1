package fovea

import (
	"context"
	"encoding/json"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/safety"
	"github.com/fovea-vision/fovea/device/sim"
)

func runLockstep(t *testing.T, seed uint64, d time.Duration) Report {
	t.Helper()
	c := DefaultConfig()
	c.Sim.Seed = seed
	s, err := NewSim(c, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Pipeline.RunLockstep(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return s.Pipeline.Report(d)
}

// The closed loop finds the objects of the simulated world: over 10 s of
// simulated time, at least 5 distinct objects are fixated for several seeds.
func TestLockstepSearch(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		r := runLockstep(t, seed, 10*time.Second)
		t.Logf("seed %d: %d fixations, %d saccades, %d/%d objects, frames %d/%d", seed, r.Fixations, r.Saccades, r.ObjectsFixated, r.ObjectsTotal, r.FramesProcessed, r.FramesCaptured)
		if r.FramesCaptured != 300 && r.FramesCaptured != 301 {
			t.Errorf("seed %d: %d frames in 10 s at 30 fps", seed, r.FramesCaptured)
		}
		if r.FramesProcessed != r.FramesCaptured {
			t.Errorf("seed %d: lock step processed %d of %d frames", seed, r.FramesProcessed, r.FramesCaptured)
		}
		if r.ObjectsFixated < 5 {
			t.Errorf("seed %d: %d distinct objects fixated, want at least 5", seed, r.ObjectsFixated)
		}
		if r.Fixations < 10 || r.Saccades < r.Fixations {
			t.Errorf("seed %d: %d fixations after %d saccades", seed, r.Fixations, r.Saccades)
		}
	}
}

func TestLockstepDeterministic(t *testing.T) {
	a := runLockstep(t, 4, 3*time.Second)
	b := runLockstep(t, 4, 3*time.Second)
	if len(a.FixationList) == 0 || len(a.FixationList) != len(b.FixationList) {
		t.Fatalf("%d and %d fixations", len(a.FixationList), len(b.FixationList))
	}
	for i := range a.FixationList {
		if a.FixationList[i] != b.FixationList[i] {
			t.Fatalf("fixation %d differs: %+v vs %+v", i, a.FixationList[i], b.FixationList[i])
		}
	}
}

func TestReportKeys(t *testing.T) {
	r := runLockstep(t, 1, time.Second)
	b, _ := json.Marshal(r)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"frames_captured", "frames_processed", "fps", "latency_ms", "saccades", "fixations", "objects_total", "objects_fixated"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report has no %q", k)
		}
	}
	lat := m["latency_ms"].(map[string]any)
	for _, k := range []string{"capture", "attention", "control", "frame_to_command"} {
		q, ok := lat[k].(map[string]any)
		if !ok || q["p50"] == nil || q["p99"] == nil {
			t.Errorf("latency_ms.%s missing p50/p99: %v", k, lat[k])
		}
	}
}

type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Publish(f *device.Frame, ov *Overlay) {
	if f.Validate() == nil && ov.GazeIn {
		s.n.Add(1)
	}
}

// In real time the three loops run until the context ends, then the head is
// parked and halted and no goroutine is left behind.
func TestRealtimeRunShutsDownCleanly(t *testing.T) {
	before := runtime.NumGoroutine()
	c := DefaultConfig()
	c.Head.ParkPan = Angle{device.DegAngle(10)}
	s, err := NewSim(c, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	sink := &countingSink{}
	s.Pipeline.Sink = sink
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := s.Pipeline.Run(ctx); err != nil {
		t.Fatal(err)
	}
	r := s.Pipeline.Report(1500 * time.Millisecond)
	if r.FramesProcessed == 0 || sink.n.Load() != int64(r.FramesProcessed) {
		t.Fatalf("processed %d frames, sink saw %d", r.FramesProcessed, sink.n.Load())
	}
	if p, _ := s.Gimbal.Pose().Deg(); p < 9 || p > 11 {
		t.Errorf("head at %.2f° after shutdown, want parked at 10°", p)
	}
	if err := s.Gimbal.SetPose(device.Pose{}); err == nil {
		t.Error("head still accepts commands after shutdown: not halted")
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before the run, %d after", before, after)
	}
}

// When perception stalls, the motor loop stops renewing the set-point and
// the safety watchdog holds the head, then parks it and releases the servos
// within watchdog + park_after (+ the time the move takes).
func TestPerceptionStallParksHead(t *testing.T) {
	c := DefaultConfig()
	c.Head.ParkPan = Angle{device.DegAngle(5)}
	s, err := NewSim(c, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pipeline
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	clock := p.Clock.(*sim.ManualClock)
	// Run the loop normally for 2 s: the head is looking around.
	var f device.Frame
	var ov Overlay
	now := time.Duration(0)
	for ; now < 2*time.Second; now += p.MotorPeriod {
		clock.Set(now)
		if now%(30*time.Millisecond) == 0 {
			if err := s.Camera.NextFrame(context.Background(), &f); err != nil {
				t.Fatal(err)
			}
			if err := p.perceive(&f, f.Pose, false, f.Sim, &ov); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.motorStep(now); err != nil {
			t.Fatal(err)
		}
	}
	if s.Safety.State() != safety.Active {
		t.Fatalf("state %v while perception runs", s.Safety.State())
	}
	// Perception stops; the motor loop goes on.
	stall := now
	limit := stall + c.Safety.Watchdog + c.Safety.ParkAfter + time.Second
	for ; now < limit && s.Safety.State() != safety.Released; now += p.MotorPeriod {
		clock.Set(now)
		if err := p.motorStep(now); err != nil {
			t.Fatal(err)
		}
	}
	if s.Safety.State() != safety.Released {
		t.Fatalf("state %v %v after perception stalled", s.Safety.State(), now-stall)
	}
	t.Logf("released %v after the stall", now-stall)
	if pd, _ := s.Gimbal.Pose().Deg(); math.Abs(pd-5) > 1 {
		t.Fatalf("head at %v, want parked at 5°", s.Gimbal.Pose())
	}
}
