package fovea

import (
	"context"
	"testing"
	"time"
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

func TestLockstepSearch(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		r := runLockstep(t, seed, 10*time.Second)
		t.Logf("seed %d: %d fixations, %d saccades, %d/%d objects, frames %d/%d", seed, r.Fixations, r.Saccades, r.ObjectsFixated, r.ObjectsTotal, r.FramesProcessed, r.FramesCaptured)
		for _, f := range r.FixationList {
			t.Logf("  %6.0fms %7.2f %7.2f %d %s", float64(f.Time)/1e6, f.PanDeg, f.TiltDeg, f.ObjectID, f.Label)
		}
	}
}
