package fovea

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/control"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
)

// Point is a position in frame pixels.
type Point struct{ X, Y float64 }

// MaxScanpath is how many recent fixations an Overlay carries.
const MaxScanpath = 12

// Overlay is what the preview draws over a frame, in the frame's pixels.
type Overlay struct {
	Gaze      Point // where the head looks
	GazeIn    bool  // the gaze lies inside the frame
	Target    Point // the next target chosen by attention
	HasTarget bool
	Phase     control.Phase
	Scanpath  [MaxScanpath]Point // oldest first
	ScanIn    [MaxScanpath]bool  // which scanpath points project inside the frame
	NScan     int
	Label     string // what the fixation shows: the categoriser's name, and the truth when known
}

// FrameSink receives every processed frame, for the preview. Publish must
// not block and must not retain f after it returns.
type FrameSink interface {
	Publish(f *device.Frame, ov *Overlay)
}

// RetinaSink is a FrameSink that also shows what the retina sampled: im
// fixated at frame pixel (fx, fy) of a w×h frame. Like Publish, it must not
// block or retain im.
type RetinaSink interface {
	PublishRetina(im *foveate.Image, fx, fy float64, w, h int)
}

// Fixation is one landing of the head, in world angles: where the head
// settled, after any corrective or catch-up saccade.
type Fixation struct {
	Time     time.Duration `json:"-"`
	TimeMs   float64       `json:"t_ms"`
	PanDeg   float64       `json:"pan_deg"`
	TiltDeg  float64       `json:"tilt_deg"`
	ObjectID int           `json:"object_id"`       // -1 when not on a known object
	Label    string        `json:"label,omitempty"` // the simulated world's truth
	// Named is the categoriser's top label for the fixation, NamedScore its
	// score; empty until a settled frame of the fixation was categorised.
	Named      string  `json:"named,omitempty"`
	NamedScore float32 `json:"named_score,omitempty"`
	// ErrorDeg is the angle between the gaze and the object's centre when
	// the fixation ended (the next saccade), settled; -1 when unknown.
	ErrorDeg float64 `json:"error_deg"`
}

// Pipeline is one camera, one head and the stages between them.
type Pipeline struct {
	Camera    device.Camera
	Head      device.PanTilt
	Model     device.CameraModel
	Attention *control.Attention
	Gaze      *control.Gaze
	Clock     sim.Clock  // the loop's time: simulated, or wall time for real cameras
	Sink      FrameSink  // optional
	World     *sim.World // optional ground truth, for scoring
	// Categorizer, optional, names each fixation from the foveal patch, a
	// square of PatchDeg on a side centred on the object under the gaze
	// (foveate.ContrastCentroid), taken from the first frame exposed
	// CategorizeAfter (20 ms when zero) into the fixation.
	Categorizer     *vision.Categorizer
	PatchDeg        float64
	CategorizeAfter time.Duration
	// TaskBias weights, by the label the categoriser gives, the place of
	// each named fixation for attention (control.Attention.Bias).
	TaskBias map[string]float64
	Log      *slog.Logger

	MotorPeriod time.Duration // the motor loop's period; 10 ms (100 Hz) when zero
	ParkPose    device.Pose   // where the head goes at shutdown

	latCapture, latAttention, latControl, latF2C, latCat *Recorder
	patch                                                device.Frame
	top                                                  [3]vision.Label

	mu        sync.Mutex
	captured  uint64
	processed uint64
	saccades  int
	fixations []Fixation // all, in order
	fixated   map[int]bool
	named     map[int]string // object → the name given at its first categorised fixation
	obs       control.Observation
	haveObs   bool
	obsWall   time.Time     // wall time obs's frame arrived
	wake      chan struct{} // a fresh observation: the motor loop steps at once
	obsUsed   bool
	start     time.Time
	rate      rateMeter
	head      device.Pose
	phase     control.Phase
}

// Init checks the wiring and prepares the recorders. Run and RunLockstep
// call it; call it first to query Status before the run starts. It is
// idempotent.
func (p *Pipeline) Init() error {
	switch {
	case p.Camera == nil:
		return errors.New("fovea: pipeline: no camera")
	case p.Head == nil:
		return errors.New("fovea: pipeline: no head")
	case p.Attention == nil || p.Gaze == nil:
		return errors.New("fovea: pipeline: no attention or gaze controller")
	case p.Clock == nil:
		return errors.New("fovea: pipeline: no clock")
	}
	if p.latCapture != nil {
		return nil // already initialised
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	if p.MotorPeriod <= 0 {
		p.MotorPeriod = 10 * time.Millisecond
	}
	if p.MotorPeriod > 10*time.Millisecond {
		return fmt.Errorf("fovea: pipeline: motor period %v slower than 100 Hz", p.MotorPeriod)
	}
	const keep = 8192
	p.latCapture, p.latAttention, p.latControl, p.latF2C, p.latCat = NewRecorder(keep), NewRecorder(keep), NewRecorder(keep), NewRecorder(keep), NewRecorder(keep)
	p.fixated, p.named = map[int]bool{}, map[int]string{}
	p.wake = make(chan struct{}, 1)
	if p.Categorizer != nil && !(p.PatchDeg > 0 && p.PatchDeg < 90) {
		return fmt.Errorf("fovea: pipeline: categoriser patch of %v°", p.PatchDeg)
	}
	if p.CategorizeAfter <= 0 {
		p.CategorizeAfter = 20 * time.Millisecond
	}
	p.start = time.Now()
	return nil
}

// cameraPose is where the camera points: the head's pose, unless the camera
// sits still on a fixed mount.
func (p *Pipeline) cameraPose() device.Pose {
	if m, ok := p.Head.(device.Mount); ok {
		return m.CameraPose()
	}
	return p.Head.Pose()
}

// perceive runs attention on one frame that arrived at the given wall
// time, publishes the observation and wakes the motor loop; only then does
// it do what no command waits for: the retina (for the preview), naming the
// fixation, the preview's overlay.
func (p *Pipeline) perceive(f *device.Frame, gaze device.Pose, stable bool, captured time.Duration, arrived time.Time, o *Overlay) error {
	t0 := time.Now()
	tgt, err := p.Attention.Process(f, gaze, stable, captured)
	if err != nil {
		return err
	}
	p.latAttention.Record(time.Since(t0))
	p.mu.Lock()
	p.processed++
	p.rate.tick(t0)
	p.obs = control.Observation{Seq: f.Seq, Captured: captured, Target: tgt}
	p.obsWall, p.obsUsed, p.haveObs = arrived, false, true
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
	if rs, ok := p.Sink.(RetinaSink); ok {
		im, x, y := p.Attention.Cortical()
		rs.PublishRetina(im, x, y, f.Width, f.Height)
	}
	if p.Categorizer != nil && stable {
		if err := p.categorize(f, gaze, captured); err != nil {
			return err
		}
	}
	if p.Sink != nil {
		p.mu.Lock()
		p.overlayLocked(f, gaze, tgt, o)
		p.mu.Unlock()
		p.Sink.Publish(f, o)
	}
	return nil
}

// categorize names the current fixation from f, once, if f was exposed
// long enough after the fixation began.
func (p *Pipeline) categorize(f *device.Frame, gaze device.Pose, captured time.Duration) error {
	p.mu.Lock()
	n := len(p.fixations)
	due := n > 0 && p.fixations[n-1].Named == "" && captured >= p.fixations[n-1].Time+p.CategorizeAfter
	var at [2]float64 // where the fixation is: a correction landing meanwhile moves it
	if due {
		at = [2]float64{p.fixations[n-1].PanDeg, p.fixations[n-1].TiltDeg}
	}
	p.mu.Unlock()
	if !due {
		return nil
	}
	gp, gt := gaze.Deg()
	x, y, ok := p.Model.WorldToPixel(gp, gt, f.Pose)
	if !ok || !inFrame(x, y, f) {
		return nil
	}
	t0 := time.Now()
	side := max(3, int(p.PatchDeg*math.Pi/180*p.Model.FocalPx()+0.5))
	// Centre the patch on the object the gaze landed on: the centroid of
	// contrast in a window 2.5 patches wide, then twice in one 1.75 wide,
	// kept within a patch of the gaze.
	cx, cy := x, y
	for _, win := range [...]int{side * 5 / 2, side * 7 / 4, side * 7 / 4} {
		nx, ny, err := foveate.ContrastCentroid(f, cx, cy, win)
		if err != nil {
			return fmt.Errorf("fovea: categoriser: %w", err)
		}
		if math.Hypot(nx-x, ny-y) > float64(side) {
			break
		}
		cx, cy = nx, ny
	}
	x, y = cx, cy
	p.patch.Reset(side, side, f.Channels)
	if _, err := foveate.FoveaPatch(p.patch.Pix, side, f, x, y); err != nil {
		return fmt.Errorf("fovea: categoriser: %w", err)
	}
	top, err := p.Categorizer.Categorize(p.top[:1], &p.patch)
	if err != nil {
		return fmt.Errorf("fovea: categoriser: %w", err)
	}
	p.latCat.Record(time.Since(t0))
	p.mu.Lock()
	fx := &p.fixations[n-1]
	if at != [2]float64{fx.PanDeg, fx.TiltDeg} {
		p.mu.Unlock()
		return nil // re-centred meanwhile: the next settled frame names it
	}
	fx.Named, fx.NamedScore = top[0].Name, top[0].Score
	if _, seen := p.named[fx.ObjectID]; fx.ObjectID >= 0 && !seen {
		p.named[fx.ObjectID] = top[0].Name
	}
	truth := fx.Label // the motor loop may re-place the fixation once unlocked
	p.mu.Unlock()
	if w, ok := p.TaskBias[top[0].Name]; ok {
		if err := p.Attention.Bias(gp, gt, w); err != nil {
			return fmt.Errorf("fovea: task bias: %w", err)
		}
	}
	p.Log.Debug("named", "label", top[0].Name, "score", top[0].Score, "truth", truth)
	return nil
}

func (p *Pipeline) overlayLocked(f *device.Frame, gaze device.Pose, tgt control.Target, o *Overlay) {
	gp, gt := gaze.Deg()
	x, y, ok := p.Model.WorldToPixel(gp, gt, f.Pose)
	o.Gaze, o.GazeIn = Point{x, y}, ok && inFrame(x, y, f)
	o.Target, o.HasTarget = Point{tgt.X, tgt.Y}, tgt.Valid
	o.Phase = p.phase
	k := max(0, len(p.fixations)-MaxScanpath)
	o.NScan = 0
	o.Label = ""
	for _, fx := range p.fixations[k:] {
		x, y, ok := p.Model.WorldToPixel(fx.PanDeg, fx.TiltDeg, f.Pose)
		o.Scanpath[o.NScan], o.ScanIn[o.NScan] = Point{x, y}, ok
		o.NScan++
		o.Label = fx.Named
		if fx.Label != "" && fx.Named != "" {
			o.Label += " (truth: " + fx.Label + ")" // ground truth from the simulated world
		} else if fx.Label != "" {
			o.Label = "truth: " + fx.Label
		}
	}
}

func inFrame(x, y float64, f *device.Frame) bool {
	return x >= 0 && y >= 0 && x < float64(f.Width) && y < float64(f.Height)
}

// motorStep runs the gaze controller once and commands the head.
func (p *Pipeline) motorStep(now time.Duration) error {
	t0 := time.Now()
	head := p.Head.Pose()
	p.mu.Lock()
	obs, have, wall := p.obs, p.haveObs, p.obsWall
	fresh := have && !p.obsUsed
	p.obsUsed = true
	p.head = head
	p.mu.Unlock()
	var op *control.Observation
	if have {
		op = &obs
	}
	cmd, send, ev := p.Gaze.Update(now, head, op)
	p.mu.Lock()
	p.phase = p.Gaze.Phase()
	p.mu.Unlock()
	// While perception is alive the set-point is re-sent every period: a
	// heartbeat for the safety watchdog, which holds and then parks the head
	// when perception stalls.
	// Without fresh perception nothing is sent, not even a pursuit's
	// extrapolation: the watchdog must see the stall.
	alive := have && now-obs.Captured < perceptionTimeout
	if alive && (send || p.Gaze.Moved()) {
		if !send {
			cmd = p.Gaze.Target()
		}
		if err := p.Head.SetPose(p.Head.Limits().Clamp(cmd)); err != nil {
			return fmt.Errorf("fovea: motor: %w", err)
		}
	}
	if s, ok := p.Head.(device.Stepper); ok {
		if err := s.Step(now); err != nil {
			return fmt.Errorf("fovea: motor: %w", err)
		}
	}
	p.record(ev, head)
	p.latControl.Record(time.Since(t0))
	if fresh {
		p.latF2C.Record(time.Since(wall))
	}
	return nil
}

// record keeps the gaze events and scores fixations against ground truth.
func (p *Pipeline) record(ev control.Event, head device.Pose) {
	switch ev.Kind {
	case control.SaccadeStart:
		p.mu.Lock()
		p.saccades++
		if n := len(p.fixations); n > 0 && p.World != nil {
			p.fixations[n-1].ErrorDeg = fixationError(p.World, &p.fixations[n-1], head, ev.Time)
		}
		p.mu.Unlock()
	case control.FixationStart:
		pd, td := ev.Pose.Deg()
		fx := Fixation{Time: ev.Time, TimeMs: ms(ev.Time), ErrorDeg: -1}
		p.mu.Lock()
		p.placeLocked(&fx, ev)
		p.fixations = append(p.fixations, fx)
		p.mu.Unlock()
		p.Log.Debug("fixation", "pan_deg", pd, "tilt_deg", td, "object", fx.Label)
	case control.FixationRecentred:
		// The fixation goes on where the correction landed: it is on what
		// is there, and the categoriser names that.
		p.mu.Lock()
		if n := len(p.fixations); n > 0 {
			fx := &p.fixations[n-1]
			fx.Named, fx.NamedScore = "", 0
			p.placeLocked(fx, ev)
		}
		p.mu.Unlock()
	}
}

// placeLocked puts fixation fx where event ev left the head, on the
// world's object there, if any.
func (p *Pipeline) placeLocked(fx *Fixation, ev control.Event) {
	fx.PanDeg, fx.TiltDeg = ev.Pose.Deg()
	fx.ObjectID, fx.Label = -1, ""
	if p.World == nil {
		return
	}
	if o := objectAt(p.World, fx.PanDeg, fx.TiltDeg, ev.Time); o != nil {
		fx.ObjectID, fx.Label = o.ID, o.Category
		p.fixated[o.ID] = true
	}
}

// perceptionTimeout is how old the newest observation may be for the motor
// loop to keep the head's set-point alive.
const perceptionTimeout = 250 * time.Millisecond

// FixationMarginDeg is how far beyond an object's radius a fixation still
// counts as on the object.
const FixationMarginDeg = 1.0

// fixationError is the angle from the gaze to the fixated object's centre
// at time t, or -1 when the fixation was on no object.
func fixationError(w *sim.World, fx *Fixation, head device.Pose, t time.Duration) float64 {
	if fx.ObjectID < 0 || fx.ObjectID >= len(w.Objects()) {
		return -1
	}
	o := &w.Objects()[fx.ObjectID]
	op, ot := o.At(t)
	hp, ht := head.Deg()
	return device.AngularDistanceDeg(hp, ht, op, ot)
}

// objectAt returns the object the direction falls on at time t, if any.
func objectAt(w *sim.World, panDeg, tiltDeg float64, t time.Duration) *sim.Object {
	objs := w.Objects()
	var best *sim.Object
	bestD := 0.0
	for i := range objs {
		op, ot := objs[i].At(t)
		d := device.AngularDistanceDeg(panDeg, tiltDeg, op, ot)
		if d <= objs[i].RadiusDeg+FixationMarginDeg && (best == nil || d < bestD) {
			best, bestD = &objs[i], d
		}
	}
	return best
}

// rateMeter measures the processing rate over the last second.
type rateMeter struct {
	times [256]time.Time
	n     int
}

func (r *rateMeter) tick(t time.Time) {
	r.times[r.n%len(r.times)] = t
	r.n++
}

func (r *rateMeter) fps(now time.Time) float64 {
	k := 0
	for i := 1; i <= min(r.n, len(r.times)); i++ {
		if now.Sub(r.times[(r.n-i)%len(r.times)]) > time.Second {
			break
		}
		k++
	}
	return float64(k)
}
