package sim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// PoseSource gives the camera's orientation at the moment of exposure.
type PoseSource interface {
	Pose() device.Pose
}

// Camera is a virtual camera on a head in the simulated world, producing
// frames at a fixed rate of simulated time.
type Camera struct {
	r      *Renderer
	head   PoseSource
	clock  Clock
	manual *ManualClock // non-nil in lock step: NextFrame moves it
	base   time.Time    // wall time of simulated zero
	period time.Duration

	mu     sync.Mutex
	next   time.Duration
	seq    uint64
	closed bool
}

// NewCamera returns a camera rendering w through model m at fps frames per
// second of simulated time, at the pose of head. With a *ManualClock, each
// NextFrame advances the clock to the frame's time (lock step); with any
// other clock NextFrame waits for real time to reach it.
func NewCamera(w *World, m device.CameraModel, fps float64, head PoseSource, clock Clock) (*Camera, error) {
	if !(fps >= 1 && fps <= 1000) {
		return nil, fmt.Errorf("sim: camera: %v fps outside [1, 1000]", fps)
	}
	r, err := NewRenderer(w, m)
	if err != nil {
		return nil, err
	}
	c := &Camera{r: r, head: head, clock: clock, period: time.Duration(float64(time.Second) / fps)}
	switch k := clock.(type) {
	case *ManualClock:
		c.manual = k
		c.base = time.Unix(0, 0).UTC()
	case *WallClock:
		c.base = k.Start()
	default:
		c.base = time.Now().Add(-clock.Now())
	}
	c.next = clock.Now()
	return c, nil
}

// Model is the camera's pinhole model.
func (c *Camera) Model() device.CameraModel { return c.r.Model() }

// Period is the time between frames.
func (c *Camera) Period() time.Duration { return c.period }

// NextFrameTime is the simulated time of the next exposure.
func (c *Camera) NextFrameTime() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.next
}

// NextFrame renders the next frame into f. In real time it first waits for
// the frame's exposure time; a consumer that falls behind skips frames, as
// with a real camera that keeps capturing.
func (c *Camera) NextFrame(ctx context.Context, f *device.Frame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return device.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t := c.next
	if c.manual != nil {
		c.manual.Set(t)
	} else {
		now := c.clock.Now()
		if now > t+c.period {
			// Missed exposures: resume at the next one due.
			t += (now - t) / c.period * c.period
		}
		if d := t - now; d > 0 {
			timer := time.NewTimer(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				return ctx.Err()
			}
		}
	}
	c.next = t + c.period
	pose := c.head.Pose()
	c.r.Render(f, pose, t)
	f.Pose = pose
	f.Sim = t
	f.Time = c.base.Add(t)
	c.seq++
	f.Seq = c.seq
	return nil
}

// Close stops the camera.
func (c *Camera) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

var _ device.Camera = (*Camera)(nil)
