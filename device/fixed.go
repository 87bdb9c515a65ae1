package device

import (
	"fmt"
	"sync"
)

// Mount is implemented by heads whose camera does not move with the gaze.
// The pipeline asks it for the camera's orientation; for every other
// PanTilt the camera points where the head points.
type Mount interface {
	CameraPose() Pose
}

// FixedMount is the PanTilt of a camera without a head: gaze moves within
// the image at once (a digital saccade of the retina over a still frame) and
// the camera itself never moves. Its limits are the camera's field of view.
type FixedMount struct {
	mu     sync.Mutex
	pose   Pose
	limits Limits
	halted bool
}

// NewFixedMount returns a mount for a still camera of the given model.
func NewFixedMount(m CameraModel) *FixedMount {
	h, v := m.HFOV/2, m.VFOV()/2
	return &FixedMount{limits: Limits{PanMin: -h, PanMax: h, TiltMin: -v, TiltMax: v}}
}

// SetPose moves the gaze within the frame.
func (m *FixedMount) SetPose(p Pose) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.halted {
		return ErrClosed
	}
	if !m.limits.Contains(p) {
		return fmt.Errorf("device: fixed mount: pose %v outside the field of view", p)
	}
	m.pose = p
	return nil
}

// Pose is the gaze direction.
func (m *FixedMount) Pose() Pose {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pose
}

// CameraPose is always the centre: the camera does not move.
func (m *FixedMount) CameraPose() Pose { return Pose{} }

// Limits are the camera's field of view.
func (m *FixedMount) Limits() Limits { return m.limits }

// Halt stops accepting poses.
func (m *FixedMount) Halt() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.halted = true
	return nil
}

var (
	_ PanTilt = (*FixedMount)(nil)
	_ Mount   = (*FixedMount)(nil)
)
