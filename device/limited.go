package device

import "fmt"

// Limited narrows a head to tighter limits (a bracket's mechanical stops
// inside the servos' travel): poses outside are refused before they reach
// the head, and Limits reports the intersection.
type Limited struct {
	PanTilt
	limits Limits
}

// Limit wraps h with limits l, intersected with h's own.
func Limit(h PanTilt, l Limits) (*Limited, error) {
	hl := h.Limits()
	in := Limits{
		PanMin: max(l.PanMin, hl.PanMin), PanMax: min(l.PanMax, hl.PanMax),
		TiltMin: max(l.TiltMin, hl.TiltMin), TiltMax: min(l.TiltMax, hl.TiltMax),
	}
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("device: limits %+v do not overlap the head's %+v: %w", l, hl, err)
	}
	return &Limited{PanTilt: h, limits: in}, nil
}

// SetPose refuses poses outside the limits.
func (l *Limited) SetPose(p Pose) error {
	if !l.limits.Contains(p) {
		return fmt.Errorf("device: pose %v outside the head's limits", p)
	}
	return l.PanTilt.SetPose(p)
}

// Limits are the intersected limits.
func (l *Limited) Limits() Limits { return l.limits }
