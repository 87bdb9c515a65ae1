package servo

import (
	"errors"
	"testing"

	"github.com/fovea-vision/fovea/device"
)

func TestPair(t *testing.T) {
	var s Pair
	want := device.PoseDeg(10, -5)
	if err := s.Command(want, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := s.Pose(); got != want {
		t.Fatalf("pose %v, want %v", got, want)
	}
	bad := errors.New("bus gone")
	if err := s.Command(device.PoseDeg(20, 0), func() error { return bad }); !errors.Is(err, bad) {
		t.Fatalf("failed write: err %v, want %v", err, bad)
	}
	if got := s.Pose(); got != want {
		t.Fatalf("failed write moved the recorded pose to %v", got)
	}
	stopped := 0
	if err := s.Halt(func() error { stopped++; return nil }); err != nil || stopped != 1 {
		t.Fatalf("halt: err %v, stop called %d times", err, stopped)
	}
	called := false
	if err := s.Command(device.PoseDeg(0, 0), func() error { called = true; return nil }); !errors.Is(err, device.ErrClosed) || called {
		t.Fatalf("after halt: err %v, write called %v; want ErrClosed and no write", err, called)
	}
}
