package device

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"periph.io/x/conn/v3/physic"
)

// Errors shared by the cameras and heads of every subpackage.
var (
	// ErrTimeout is returned by a live source that gave no frame within its
	// read timeout.
	ErrTimeout = errors.New("device: read timeout")
	// ErrClosed is returned by a device used after Close or Halt.
	ErrClosed = errors.New("device: closed")
	// ErrEndOfStream is returned by a finite source (a video file without
	// looping) after its last frame.
	ErrEndOfStream = errors.New("device: end of stream")
)

// Pose is a head orientation in world angles.
type Pose struct {
	Pan, Tilt physic.Angle
}

// String prints degrees with three decimals (physic.Angle's own String
// drops zeros after the point: −12.011° prints as −12.11°).
func (p Pose) String() string {
	return fmt.Sprintf("pan %.3f° tilt %.3f°", AngleDeg(p.Pan), AngleDeg(p.Tilt))
}

// Deg returns the pose in float64 degrees, for control maths.
func (p Pose) Deg() (panDeg, tiltDeg float64) {
	return AngleDeg(p.Pan), AngleDeg(p.Tilt)
}

// PoseDeg builds a Pose from degrees.
func PoseDeg(panDeg, tiltDeg float64) Pose {
	return Pose{Pan: DegAngle(panDeg), Tilt: DegAngle(tiltDeg)}
}

// AngleDeg converts a physic.Angle to float64 degrees without going through
// int (which overflows on 32-bit ARM).
func AngleDeg(a physic.Angle) float64 { return float64(a) / float64(physic.Degree) }

// InvalidAngle is what DegAngle gives for NaN, an infinity or a value
// beyond physic.Angle's range: far beyond any limit, so that every
// consumer (the safety envelope first) refuses it.
const InvalidAngle = physic.Angle(math.MinInt64)

// DegAngle converts float64 degrees to a physic.Angle. NaN, infinities and
// out-of-range values give InvalidAngle on every architecture (Go leaves
// their conversion to an integer to the CPU: amd64 gives MinInt64, arm64
// gives 0 for NaN, which would turn a NaN command into a move to 0°).
func DegAngle(deg float64) physic.Angle {
	v := deg * float64(physic.Degree)
	if !(v >= math.MinInt64 && v < math.MaxInt64) {
		return InvalidAngle
	}
	return physic.Angle(v)
}

// Frame is one captured image with the metadata the pipeline needs to place
// it in the world. Pixels are 8-bit, interleaved, in OpenCV's BGR order when
// Channels is 3.
type Frame struct {
	Pix      []byte
	Stride   int // bytes between the starts of two rows
	Width    int
	Height   int
	Channels int // 1 (gray) or 3 (BGR)

	Seq  uint64        // sequence number, from 1, counted by the source
	Time time.Time     // capture timestamp
	Pose Pose          // camera orientation at capture
	Sim  time.Duration // simulated time of capture; zero for real cameras
}

// Reset sizes f for a w×h image of ch channels, reusing Pix when it is large
// enough. It allocates only when the frame grows.
func (f *Frame) Reset(w, h, ch int) {
	n := w * h * ch
	if cap(f.Pix) < n {
		f.Pix = make([]byte, n)
	}
	f.Pix = f.Pix[:n]
	f.Width, f.Height, f.Channels, f.Stride = w, h, ch, w*ch
}

// CopyFrom makes f a deep copy of src, reusing f's buffer.
func (f *Frame) CopyFrom(src *Frame) {
	f.Reset(src.Width, src.Height, src.Channels)
	rowBytes := src.Width * src.Channels
	for y := 0; y < src.Height; y++ {
		copy(f.Pix[y*f.Stride:y*f.Stride+rowBytes], src.Pix[y*src.Stride:y*src.Stride+rowBytes])
	}
	f.Seq, f.Time, f.Pose, f.Sim = src.Seq, src.Time, src.Pose, src.Sim
}

// Validate reports whether the frame's geometry is consistent with its buffer.
func (f *Frame) Validate() error {
	switch {
	case f.Width <= 0 || f.Height <= 0:
		return fmt.Errorf("device: frame: size %dx%d is not positive", f.Width, f.Height)
	case f.Channels != 1 && f.Channels != 3:
		return fmt.Errorf("device: frame: %d channels, want 1 or 3", f.Channels)
	case f.Stride < f.Width*f.Channels:
		return fmt.Errorf("device: frame: stride %d shorter than a row of %d bytes", f.Stride, f.Width*f.Channels)
	case len(f.Pix) < f.Stride*(f.Height-1)+f.Width*f.Channels:
		return fmt.Errorf("device: frame: %d bytes of pixels, need %d", len(f.Pix), f.Stride*(f.Height-1)+f.Width*f.Channels)
	}
	return nil
}

// Camera is a source of frames.
type Camera interface {
	// NextFrame blocks until the next frame is available and fills f with it.
	// It returns ErrEndOfStream after the last frame of a finite source, and
	// ctx.Err() when ctx ends first.
	NextFrame(ctx context.Context, f *Frame) error
	// Close releases the source. NextFrame after Close returns ErrClosed.
	Close() error
}

// PanTilt is a two-axis head.
type PanTilt interface {
	// SetPose commands the head towards p. Implementations clamp nothing
	// silently: a pose outside Limits is an error.
	SetPose(p Pose) error
	// Pose is the head's best estimate of where it points now.
	Pose() Pose
	// Limits are the mechanical limits of the head.
	Limits() Limits
	// Halt makes the head inert (PWM released, motors unpowered).
	Halt() error
}

// Stepper is a head that must be advanced at a fixed rate (the safety
// envelope); the motor loop calls Step every period.
type Stepper interface {
	Step(now time.Duration) error
}

// Limits bound a head's pan and tilt.
type Limits struct {
	PanMin, PanMax   physic.Angle
	TiltMin, TiltMax physic.Angle
}

// Contains reports whether p lies within the limits.
func (l Limits) Contains(p Pose) bool {
	return p.Pan >= l.PanMin && p.Pan <= l.PanMax && p.Tilt >= l.TiltMin && p.Tilt <= l.TiltMax
}

// Clamp returns p moved to the nearest pose within the limits.
func (l Limits) Clamp(p Pose) Pose {
	p.Pan = min(max(p.Pan, l.PanMin), l.PanMax)
	p.Tilt = min(max(p.Tilt, l.TiltMin), l.TiltMax)
	return p
}

// Validate checks that the limits are ordered.
func (l Limits) Validate() error {
	if l.PanMin >= l.PanMax {
		return fmt.Errorf("device: limits: pan min %s not below max %s", l.PanMin, l.PanMax)
	}
	if l.TiltMin >= l.TiltMax {
		return fmt.Errorf("device: limits: tilt min %s not below max %s", l.TiltMin, l.TiltMax)
	}
	return nil
}
