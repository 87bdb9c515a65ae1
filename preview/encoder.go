package preview

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/control"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
)

// Encoder draws the overlay on published frames and JPEG-encodes them for a
// Broadcaster, at most MaxFPS a second and only while a client watches. It
// implements fovea.FrameSink.
type Encoder struct {
	out     *Broadcaster
	period  time.Duration
	quality int

	mu      sync.Mutex
	pending device.Frame
	ov      fovea.Overlay
	fresh   bool
	signal  chan struct{}

	// The retina's view, when enabled: the cortical image reconstructed
	// as a foveated picture at half the frame's size.
	retOut   *Broadcaster
	retina   *foveate.Retina
	im       foveate.Image
	imFx     float64
	imFy     float64
	imW, imH int
	imFresh  bool
	recon    device.Frame

	encoded atomic.Uint64
	skipped atomic.Uint64
	encErr  atomic.Value // last encoding error, see Err
	lastNs  atomic.Int64 // duration of the last draw+encode
}

// NewEncoder returns an encoder feeding out.
func NewEncoder(out *Broadcaster, maxFPS float64, quality int) (*Encoder, error) {
	if !(maxFPS > 0 && maxFPS <= 120) {
		return nil, fmt.Errorf("preview: encoder: %v fps outside (0, 120]", maxFPS)
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("preview: encoder: JPEG quality %d outside [1, 100]", quality)
	}
	return &Encoder{out: out, period: time.Duration(float64(time.Second) / maxFPS), quality: quality,
		signal: make(chan struct{}, 1)}, nil
}

// Publish implements fovea.FrameSink. With no client watching it returns at
// once; otherwise it copies the frame into the pending slot, replacing any
// frame not yet encoded. It never waits for encoding or for clients.
func (e *Encoder) Publish(f *device.Frame, ov *fovea.Overlay) {
	if e.out.Clients() == 0 {
		e.skipped.Add(1)
		return
	}
	e.mu.Lock()
	e.pending.CopyFrom(f)
	e.ov = *ov
	e.fresh = true
	e.mu.Unlock()
	select {
	case e.signal <- struct{}{}:
	default:
	}
}

// EnableRetina also streams what retina r samples to out.
func (e *Encoder) EnableRetina(out *Broadcaster, r *foveate.Retina) {
	e.retOut, e.retina = out, r
}

// PublishRetina implements fovea.RetinaSink: it keeps a copy of the
// cortical image while someone watches the retina stream.
func (e *Encoder) PublishRetina(im *foveate.Image, fx, fy float64, w, h int) {
	if e.retOut == nil || e.retOut.Clients() == 0 {
		return
	}
	e.mu.Lock()
	e.im.Reset(im.Rings, im.Wedges, im.Channels)
	copy(e.im.Pix, im.Pix)
	copy(e.im.Valid, im.Valid)
	e.imFx, e.imFy, e.imW, e.imH, e.imFresh = fx, fy, w, h, true
	e.mu.Unlock()
	select {
	case e.signal <- struct{}{}:
	default:
	}
}

// Encoded is how many frames were encoded so far.
func (e *Encoder) Encoded() uint64 { return e.encoded.Load() }

// Err returns the last encoding error, or nil.
func (e *Encoder) Err() error {
	if err, ok := e.encErr.Load().(error); ok {
		return err
	}
	return nil
}

// LastEncode is how long the last draw and encode took.
func (e *Encoder) LastEncode() time.Duration { return time.Duration(e.lastNs.Load()) }

// Run encodes until ctx ends. It owns the drawing surfaces; run it on one
// goroutine.
func (e *Encoder) Run(ctx context.Context) error {
	var frame, ret surface
	defer frame.close()
	defer ret.close()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-e.signal:
		}
		if wait := e.period - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		last = time.Now()
		jpg, err := e.encodeNext(&frame)
		if err != nil {
			e.encErr.Store(err)
			continue
		}
		if jpg != nil {
			e.out.Set(jpg)
			e.encoded.Add(1)
			e.lastNs.Store(int64(time.Since(last)))
		}
		if rj, err := e.encodeRetina(&ret); err != nil {
			e.encErr.Store(err)
		} else if rj != nil {
			e.retOut.Set(rj)
		}
	}
}

// encodeRetina reconstructs the pending cortical image at half the frame's
// size, marks the fixation and encodes it.
func (e *Encoder) encodeRetina(s *surface) ([]byte, error) {
	e.mu.Lock()
	if !e.imFresh {
		e.mu.Unlock()
		return nil, nil
	}
	e.imFresh = false
	const scale = 2
	err := e.retina.Reconstruct(&e.recon, &e.im, e.imW/scale, e.imH/scale, e.imFx, e.imFy, scale)
	fx, fy := e.imFx/scale, e.imFy/scale
	e.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("preview: retina: %w", err)
	}
	if err := s.load(&e.recon); err != nil {
		return nil, err
	}
	s.circle(image.Pt(int(fx+0.5), int(fy+0.5)), 3, colGaze, -1)
	return s.jpeg(e.quality)
}

// encodeNext loads the pending frame, draws and encodes it.
func (e *Encoder) encodeNext(s *surface) ([]byte, error) {
	e.mu.Lock()
	if !e.fresh {
		e.mu.Unlock()
		return nil, nil
	}
	err := s.load(&e.pending)
	ov := e.ov
	e.fresh = false
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	drawOverlay(s, &ov)
	return s.jpeg(e.quality)
}

var (
	colScan   = color.RGBA{R: 255, G: 220, B: 0, A: 255}
	colGaze   = color.RGBA{R: 0, G: 255, B: 120, A: 255}
	colSacc   = color.RGBA{R: 255, G: 60, B: 60, A: 255}
	colTarget = color.RGBA{R: 0, G: 180, B: 255, A: 255}
	colText   = color.RGBA{R: 255, G: 255, B: 255, A: 255}
)

func pt(p fovea.Point) image.Point { return image.Pt(int(p.X+0.5), int(p.Y+0.5)) }

// drawOverlay draws the scanpath (older fixations thinner), the next target
// and the gaze, with the phase and label as text.
func drawOverlay(m *surface, ov *fovea.Overlay) {
	for i := 1; i < ov.NScan; i++ {
		if ov.ScanIn[i-1] && ov.ScanIn[i] {
			m.line(pt(ov.Scanpath[i-1]), pt(ov.Scanpath[i]), colScan, 1+2*i/ov.NScan)
		}
	}
	for i := 0; i < ov.NScan; i++ {
		if ov.ScanIn[i] {
			m.circle(pt(ov.Scanpath[i]), 4, colScan, -1)
		}
	}
	if ov.HasTarget {
		p := pt(ov.Target)
		m.rect(image.Rect(p.X-10, p.Y-10, p.X+10, p.Y+10), colTarget, 1)
	}
	c := colGaze
	if ov.Phase == control.Saccading {
		c = colSacc
	}
	if ov.GazeIn {
		g := pt(ov.Gaze)
		m.circle(g, 18, c, 2)
		m.line(image.Pt(g.X-28, g.Y), image.Pt(g.X-8, g.Y), c, 2)
		m.line(image.Pt(g.X+8, g.Y), image.Pt(g.X+28, g.Y), c, 2)
		m.line(image.Pt(g.X, g.Y-28), image.Pt(g.X, g.Y-8), c, 2)
		m.line(image.Pt(g.X, g.Y+8), image.Pt(g.X, g.Y+28), c, 2)
		if ov.Label != "" && ov.Phase == control.Fixating {
			m.text(ov.Label, image.Pt(g.X+22, g.Y-22), colText)
		}
	}
	m.text(ov.Phase.String(), image.Pt(10, 24), c)
}

var _ fovea.FrameSink = (*Encoder)(nil)
