package servo

import (
	"sync"

	"github.com/fovea-vision/fovea/device"
)

// Pair is the state every two-servo head keeps: the last pose commanded
// (hobby servos report nothing back) and whether the head has been halted,
// behind the lock that orders its writes. Drivers hold one and supply only
// the writes to their hardware.
type Pair struct {
	mu     sync.Mutex
	pose   device.Pose
	halted bool
}

// Command calls write, which drives both servos to p, under the lock, and
// records p once write succeeds. A halted pair refuses with device.ErrClosed
// and does not call write; a failed write leaves the recorded pose as it was.
func (s *Pair) Command(p device.Pose, write func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.halted {
		return device.ErrClosed
	}
	if err := write(); err != nil {
		return err
	}
	s.pose = p
	return nil
}

// Pose is the last pose commanded successfully.
func (s *Pair) Pose() device.Pose {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pose
}

// Halt marks the pair halted, so that every later Command fails, and calls
// stop, which takes the pulses off both servos, under the lock.
func (s *Pair) Halt(stop func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.halted = true
	return stop()
}
