package control

import (
	"fmt"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/physic"
)

// GazeConfig tunes the fixation state machine.
type GazeConfig struct {
	Dwell        time.Duration // time spent on a fixation before the next saccade
	SettleTol    physic.Angle  // a saccade has landed when the head is this close to its target
	SaccadeLimit time.Duration // a saccade that has not landed by then is abandoned
	MinSaccade   physic.Angle  // targets closer than this are not worth a saccade
	// A corrective saccade re-centres the object once per fixation when the
	// local blob lies between CorrectMin and MinSaccade·4 from the gaze, a
	// CorrectDelay after landing.
	CorrectMin   physic.Angle
	CorrectDelay time.Duration
	// Saccades are minimum-jerk trajectories on the main sequence, no
	// faster than these (the head's envelope; 0: unlimited).
	MaxSpeedDegS, MaxAccelDegS2 float64
	// Smooth pursuit: a fixated blob seen moving faster than
	// PursuitMinSpeedDegS (its velocity fitted over at least four frames
	// of the last 250 ms since the fixation began) is followed, the
	// set-point led by PursuitLead to make up for the head's latency; a lag
	// beyond CatchUp triggers a catch-up saccade; after PursuitMax the
	// search resumes.
	PursuitMinSpeedDegS float64
	PursuitLead         time.Duration
	CatchUp             physic.Angle
	PursuitMax          time.Duration
	// DeadBand is the servos' dead band: a hobby servo at rest ignores a
	// new set-point closer than this (an SG90 about 5 µs of pulse, 0.45°),
	// but once moving it drives to within a tenth of it. A corrective
	// saccade smaller than 1.5 dead bands on an axis therefore goes first
	// 1.5 dead bands beyond its target on that axis, then back, so that the
	// servo moves both times and stops on the target (0: no compensation).
	DeadBand physic.Angle
}

// DefaultGaze is the configuration of `fovea sim`.
var DefaultGaze = GazeConfig{
	Dwell:        200 * time.Millisecond,
	SettleTol:    physic.Degree * 6 / 10,
	SaccadeLimit: time.Second,
	MinSaccade:   physic.Degree * 3 / 2,
	CorrectMin:   physic.Degree / 2,
	CorrectDelay: 60 * time.Millisecond,
	MaxSpeedDegS: 500, MaxAccelDegS2: 30000,
	PursuitMinSpeedDegS: 8, PursuitLead: 40 * time.Millisecond,
	CatchUp: 10 * physic.Degree, PursuitMax: 3 * time.Second,
	DeadBand: 45 * physic.Degree / 100,
}

// Validate checks the configuration.
func (c GazeConfig) Validate() error {
	switch {
	case c.Dwell <= 0:
		return fmt.Errorf("control: gaze: dwell %v is not positive", c.Dwell)
	case c.SettleTol <= 0:
		return fmt.Errorf("control: gaze: settle tolerance %s is not positive", c.SettleTol)
	case c.SaccadeLimit <= 0:
		return fmt.Errorf("control: gaze: saccade limit %v is not positive", c.SaccadeLimit)
	case c.MinSaccade < 0:
		return fmt.Errorf("control: gaze: minimum saccade %s is negative", c.MinSaccade)
	case c.DeadBand < 0 || c.DeadBand > 10*physic.Degree:
		return fmt.Errorf("control: gaze: dead band %s outside [0°, 10°]", c.DeadBand)
	case !(c.PursuitMinSpeedDegS > 0):
		return fmt.Errorf("control: gaze: pursuit speed threshold %v°/s is not positive (+Inf turns pursuit off)", c.PursuitMinSpeedDegS)
	}
	return nil
}

// Phase is the state of the gaze state machine.
type Phase int

// The phases.
const (
	Fixating Phase = iota
	Saccading
)

func (p Phase) String() string {
	if p == Saccading {
		return "saccading"
	}
	return "fixating"
}

// Observation is what perception publishes for the motor loop: the target
// computed from one frame.
type Observation struct {
	Seq      uint64
	Captured time.Duration // capture time, on the loop's clock
	Target   Target
}

// EventKind tells what a gaze event is.
type EventKind int

// Event kinds.
const (
	NoEvent         EventKind = iota
	SaccadeStart              // a saccade was commanded to Event.Pose
	FixationStart             // the head landed; Event.Pose is where it is
	CorrectionStart           // a corrective saccade within the fixation, to Event.Pose
	// FixationRecentred: a corrective or catch-up saccade landed, and the
	// fixation goes on where the head is, Event.Pose.
	FixationRecentred
)

// Event is something the state machine did, for telemetry and scoring.
type Event struct {
	Kind EventKind
	Time time.Duration
	Pose device.Pose
}

// A head that moved less than stillDeg for stillTime after its set-points
// ended has stopped.
const (
	stillDeg  = 0.05
	stillTime = 40 * time.Millisecond
)

// Gaze is the fixate-then-saccade state machine.
type Gaze struct {
	cfg    GazeConfig
	phase  Phase
	target device.Pose
	since  time.Duration // start of the current phase
	moved  bool          // a saccade has been commanded
	// correcting: the saccade in flight is a correction; corrected: this
	// fixation has had its correction.
	correcting, corrected bool
	traj                  Trajectory
	seen                  bool // an observation has arrived
	announced             bool // the current fixation began with a FixationStart
	// via: the saccade in flight goes beyond its target to beat the
	// servos' dead band, and then on to final.
	via      bool
	final    device.Pose
	lastHead device.Pose
	lastT    time.Duration
	stillFor time.Duration // how long the head has not moved, in flight

	// Pursuit: the fixated blob's positions since the fixation (or the
	// last catch-up saccade) began, a ring of the last len(hist) of
	// histN, and the line fitted through those of the last trackWindow:
	// its position at the newest one's time, lastLocal at lastLocalT, and
	// velocity vel (°/s). velN counts the frames the line was fitted to,
	// less one.
	hist        [8]localSample
	histN       int
	lastLocal   [2]float64
	lastLocalT  time.Duration
	lastSeq     uint64
	vel         [2]float64
	velN        int
	pursuing    bool
	pursueSince time.Duration
}

// localSample is where the fixated blob was seen, and when.
type localSample struct {
	t        time.Duration
	pan, tlt float64
}

// trackWindow is how far back the blob's motion is fitted: long enough to
// average out the jitter of its centroid, short enough to follow a change
// of speed.
const trackWindow = 250 * time.Millisecond

// Pursuing reports whether the head is following a moving blob.
func (g *Gaze) Pursuing() bool { return g.pursuing }

// resetPursuit forgets the blob's motion (a new fixation begins): a blob
// seen before a saccade and another after it are not one blob moving.
func (g *Gaze) resetPursuit() {
	g.velN, g.histN, g.pursuing, g.vel = 0, 0, false, [2]float64{}
}

// track adds a fresh observation of the blob and fits its motion: the
// least-squares line through its positions over the last trackWindow.
func (g *Gaze) track(obs *Observation) {
	if obs.Seq == g.lastSeq || !obs.Target.LocalValid {
		return
	}
	g.lastSeq = obs.Seq
	lp, lt := obs.Target.Local.Deg()
	g.hist[g.histN%len(g.hist)] = localSample{obs.Captured, lp, lt}
	g.histN++
	// The samples within the window, the newest first, relative to it.
	var n, st, sp, sq, stt, stp, stq float64
	for k := 0; k < min(g.histN, len(g.hist)); k++ {
		h := g.hist[(g.histN-1-k)%len(g.hist)]
		t := (h.t - obs.Captured).Seconds()
		if -t > trackWindow.Seconds() {
			break
		}
		p, q := h.pan-lp, h.tlt-lt
		n, st, sp, sq, stt, stp, stq = n+1, st+t, sp+p, sq+q, stt+t*t, stp+t*p, stq+t*q
	}
	g.lastLocalT = obs.Captured
	if d := n*stt - st*st; n >= 2 && d > 1e-12 {
		g.vel = [2]float64{(n*stp - st*sp) / d, (n*stq - st*sq) / d}
		// The line at the newest sample's time (t = 0).
		g.lastLocal = [2]float64{lp + (sp-g.vel[0]*st)/n, lt + (sq-g.vel[1]*st)/n}
		g.velN = int(n) - 1
		return
	}
	g.vel, g.velN, g.lastLocal = [2]float64{}, 0, [2]float64{lp, lt}
}

// NewGaze returns a state machine that starts fixating at its first
// observation.
func NewGaze(cfg GazeConfig) (*Gaze, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Gaze{cfg: cfg}, nil
}

// Phase returns the current phase.
func (g *Gaze) Phase() Phase { return g.phase }

// Target returns the current saccade target (or fixation).
func (g *Gaze) Target() device.Pose { return g.target }

// Moved reports whether a saccade (primary or corrective) has ever been
// commanded: before that there is no set-point to hold.
func (g *Gaze) Moved() bool { return g.moved }

// Update advances the state machine to now, given the head's pose and the
// latest observation (nil if none). It returns the pose to command when send
// is true, and what happened.
func (g *Gaze) Update(now time.Duration, head device.Pose, obs *Observation) (cmd device.Pose, send bool, ev Event) {
	switch g.phase {
	case Saccading:
		// Landed: the set-points are done and the head is on target, or has
		// stopped short (a servo does not execute moves inside its dead band
		// and pulse quantum: waiting for them would block for SaccadeLimit).
		lp, lt := g.lastHead.Deg()
		hp, ht := head.Deg()
		if device.AngularDistanceDeg(lp, lt, hp, ht) < stillDeg {
			g.stillFor += now - g.lastT
		} else {
			g.stillFor = 0
		}
		g.lastHead, g.lastT = head, now
		onTarget := device.AngularDistanceDeg(g.targetDeg(head)) <= device.AngleDeg(g.cfg.SettleTol)
		landed := g.traj.Done(now) && (onTarget || g.stillFor >= stillTime)
		if !landed && now-g.since < g.cfg.SaccadeLimit {
			return g.traj.At(now), true, Event{} // the next set-point of the trajectory
		}
		if landed && g.via { // beyond the target: now back onto it
			g.via, g.target, g.stillFor = false, g.final, 0
			g.traj = NewTrajectory(head, g.final, now, g.cfg.MaxSpeedDegS, g.cfg.MaxAccelDegS2)
			return g.traj.At(now), true, Event{}
		}
		if landed || now-g.since >= g.cfg.SaccadeLimit {
			g.phase, g.since, g.via = Fixating, now, false
			if g.correcting && g.announced { // the same fixation goes on, re-centred
				g.correcting = false
				return device.Pose{}, false, Event{Kind: FixationRecentred, Time: now, Pose: head}
			}
			// A landing begins a fixation; so does the first correction
			// from where the head rested before its first saccade, which
			// no landing announced.
			g.correcting, g.announced = false, true
			return device.Pose{}, false, Event{Kind: FixationStart, Time: now, Pose: head}
		}
	case Fixating:
		if obs != nil && !g.seen {
			// The first fixation begins when vision does: dwell and the
			// wait for a moving blob count from the first frame.
			g.seen = true
			if !g.moved {
				g.since = now
			}
		}
		if obs != nil && obs.Captured >= g.since {
			g.track(obs)
		}
		speed := math.Hypot(g.vel[0], g.vel[1])
		if !g.pursuing && g.velN >= 3 && speed >= g.cfg.PursuitMinSpeedDegS && now-g.since < g.cfg.PursuitMax {
			g.pursuing, g.pursueSince = true, now
		}
		if g.pursuing && (now-g.pursueSince >= g.cfg.PursuitMax || speed < g.cfg.PursuitMinSpeedDegS/2) {
			g.pursuing = false
		}
		if g.pursuing {
			ahead := (now - g.lastLocalT + g.cfg.PursuitLead).Seconds()
			sp := device.PoseDeg(g.lastLocal[0]+g.vel[0]*ahead, g.lastLocal[1]+g.vel[1]*ahead)
			hp, ht := head.Deg()
			pp, pt := sp.Deg()
			if device.AngularDistanceDeg(hp, ht, pp, pt) > device.AngleDeg(g.cfg.CatchUp) {
				// Catch-up saccade to where the blob will be on arrival.
				tr := NewTrajectory(head, sp, now, g.cfg.MaxSpeedDegS, g.cfg.MaxAccelDegS2)
				T := tr.Duration.Seconds()
				to := device.PoseDeg(pp+g.vel[0]*T, pt+g.vel[1]*T)
				g.phase, g.since, g.target, g.correcting, g.stillFor = Saccading, now, to, true, 0
				g.traj = NewTrajectory(head, to, now, g.cfg.MaxSpeedDegS, g.cfg.MaxAccelDegS2)
				g.resetPursuit()
				return g.traj.At(now), true, Event{Kind: CorrectionStart, Time: now, Pose: to}
			}
			g.target = sp
			return sp, true, Event{}
		}
		if obs != nil && !g.corrected && now-g.since >= g.cfg.CorrectDelay && obs.Captured >= g.since && obs.Target.LocalValid {
			hp, ht := head.Deg()
			lp, lt := obs.Target.Local.Deg()
			d := device.AngularDistanceDeg(hp, ht, lp, lt)
			g.corrected = true
			if d >= device.AngleDeg(g.cfg.CorrectMin) && d <= 4*device.AngleDeg(g.cfg.MinSaccade) {
				g.phase, g.since, g.target, g.correcting, g.moved, g.stillFor = Saccading, now, obs.Target.Local, true, true, 0
				g.final = g.target
				g.target, g.via = g.beyondDeadBand(head, g.final)
				g.traj = NewTrajectory(head, g.target, now, g.cfg.MaxSpeedDegS, g.cfg.MaxAccelDegS2)
				return g.traj.At(now), true, Event{Kind: CorrectionStart, Time: now, Pose: g.final}
			}
		}
		if now-g.since < g.cfg.Dwell || obs == nil || !obs.Target.Valid {
			break
		}
		// Before leaving, know whether the blob moves (two velocity
		// estimates), and stay while it seems to: pursuit may be starting.
		if obs.Target.LocalValid && (g.velN < 2 || speed >= g.cfg.PursuitMinSpeedDegS) && now-g.since < 2*g.cfg.Dwell {
			break
		}
		// Saccadic suppression: only a frame taken after landing counts.
		if obs.Captured < g.since {
			break
		}
		t := obs.Target.Pose
		hp, ht := head.Deg()
		tp, tt := t.Deg()
		if device.AngularDistanceDeg(hp, ht, tp, tt) < device.AngleDeg(g.cfg.MinSaccade) {
			break
		}
		g.phase, g.since, g.target, g.moved, g.corrected, g.stillFor = Saccading, now, t, true, false, 0
		g.traj = NewTrajectory(head, t, now, g.cfg.MaxSpeedDegS, g.cfg.MaxAccelDegS2)
		g.resetPursuit()
		return g.traj.At(now), true, Event{Kind: SaccadeStart, Time: now, Pose: t}
	}
	return device.Pose{}, false, Event{}
}

// beyondDeadBand returns where a small move from head to target should go
// first: on each axis where it is under 1.5 dead bands (but not nil), 1.5
// dead bands beyond target; via is false when no axis needs it.
func (g *Gaze) beyondDeadBand(head, target device.Pose) (p device.Pose, via bool) {
	db := 1.5 * device.AngleDeg(g.cfg.DeadBand)
	hp, ht := head.Deg()
	tp, tt := target.Deg()
	beyond := func(h, t float64) float64 {
		if d := t - h; d != 0 && math.Abs(d) < db {
			via = true
			return t + math.Copysign(db, d)
		}
		return t
	}
	vp, vt := beyond(hp, tp), beyond(ht, tt)
	return device.PoseDeg(vp, vt), via
}

func (g *Gaze) targetDeg(head device.Pose) (p1, t1, p2, t2 float64) {
	p1, t1 = head.Deg()
	p2, t2 = g.target.Deg()
	return
}
