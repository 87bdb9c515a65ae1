package fovea

import (
	"slices"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
)

// Report summarises a run; `fovea sim --report` writes it as JSON.
type Report struct {
	Mode            string               `json:"mode"` // "realtime" or "lockstep"
	Seed            uint64               `json:"seed"`
	DurationS       float64              `json:"duration_s"`
	FramesCaptured  uint64               `json:"frames_captured"`
	FramesProcessed uint64               `json:"frames_processed"`
	FPS             float64              `json:"fps"`
	LatencyMs       map[string]Quantiles `json:"latency_ms"`
	Saccades        int                  `json:"saccades"`
	Fixations       int                  `json:"fixations"`
	ObjectsTotal    int                  `json:"objects_total"`
	ObjectsFixated  int                  `json:"objects_fixated"`
	Scores
	FixationList []Fixation `json:"fixation_list"`
}

// Scores grade the closed loop against the simulated world's ground truth.
type Scores struct {
	SearchRecall          *float64 `json:"search_recall,omitempty"`             // static objects fixated / static objects
	TimeToFirstFixationMs *float64 `json:"time_to_first_fixation_ms,omitempty"` // p50 over the fixated objects
	FixationErrorDegP50   *float64 `json:"fixation_error_deg_p50,omitempty"`    // gaze to object centre, settled
	// RefixationsWithin10s: the most returns to one object within 10 s. A
	// return is a fixation on it after the gaze was elsewhere (another
	// object or the background); consecutive fixations on it (a corrective
	// or catch-up saccade, pursuit) are one visit.
	RefixationsWithin10s *int     `json:"refixations_within_10s_max,omitempty"`
	Saccade20DegSettleMs *float64 `json:"saccade_20deg_settle_ms,omitempty"` // see MeasureSaccadeSettle
	PursuitRMSDeg        *float64 `json:"pursuit_rms_deg,omitempty"`         // see MeasurePursuit
	// ObjectsNamed counts the fixated objects the categoriser named (at
	// their first categorised fixation), ObjectsNamedCorrectly those whose
	// name was their category.
	ObjectsNamed          *int     `json:"objects_named,omitempty"`
	ObjectsNamedCorrectly *int     `json:"objects_named_correctly,omitempty"`
	CategorizerMsP50      *float64 `json:"categorizer_ms_p50,omitempty"`
}

// scores computes Scores from the fixations and the world.
func scores(w *sim.World, fixations []Fixation) Scores {
	objs := w.Objects()
	static, staticSeen := 0, 0
	first := firstFixations(fixations)
	times := map[int][]time.Duration{}
	var errs []float64
	prev := -1
	for k, f := range fixations {
		if k > 0 {
			prev = fixations[k-1].ObjectID
		}
		if f.ObjectID < 0 {
			continue
		}
		if k == 0 || prev != f.ObjectID { // a new visit
			times[f.ObjectID] = append(times[f.ObjectID], f.Time)
		}
		if f.ErrorDeg >= 0 {
			errs = append(errs, f.ErrorDeg)
		}
	}
	for i := range objs {
		if objs[i].Moving() {
			continue
		}
		static++
		if _, ok := first[objs[i].ID]; ok {
			staticSeen++
		}
	}
	var sc Scores
	if static > 0 {
		r := float64(staticSeen) / float64(static)
		sc.SearchRecall = &r
	}
	var firsts []float64
	for _, t := range first {
		firsts = append(firsts, ms(t))
	}
	if len(firsts) > 0 {
		v := median(firsts)
		sc.TimeToFirstFixationMs = &v
	}
	if len(errs) > 0 {
		v := median(errs)
		sc.FixationErrorDegP50 = &v
	}
	maxRe := 0
	for _, ts := range times {
		for i := range ts {
			n := 0
			for j := i; j < len(ts) && ts[j]-ts[i] < 10*time.Second; j++ {
				n++
			}
			maxRe = max(maxRe, n-1)
		}
	}
	if len(times) > 0 {
		sc.RefixationsWithin10s = &maxRe
	}
	return sc
}

// firstFixations maps each fixated object to the time of its first
// fixation.
func firstFixations(fixations []Fixation) map[int]time.Duration {
	first := map[int]time.Duration{}
	for _, f := range fixations {
		if _, ok := first[f.ObjectID]; f.ObjectID >= 0 && !ok {
			first[f.ObjectID] = f.Time
		}
	}
	return first
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Report summarises the run so far over elapsed time (processing rate =
// frames processed / elapsed).
func (p *Pipeline) Report(elapsed time.Duration) Report {
	p.mu.Lock()
	r := Report{
		DurationS:       elapsed.Seconds(),
		FramesCaptured:  p.captured,
		FramesProcessed: p.processed,
		Saccades:        p.saccades,
		Fixations:       len(p.fixations),
		ObjectsFixated:  len(p.fixated),
		FixationList:    append([]Fixation(nil), p.fixations...),
	}
	p.mu.Unlock()
	if elapsed > 0 {
		r.FPS = float64(r.FramesProcessed) / elapsed.Seconds()
	}
	if p.World != nil {
		r.ObjectsTotal = len(p.World.Objects())
		r.Scores = scores(p.World, r.FixationList)
	}
	r.LatencyMs = p.latencies()
	if p.Categorizer != nil {
		q := r.LatencyMs["categorizer"]
		r.CategorizerMsP50 = &q.P50
		if p.World != nil {
			named, correct := 0, 0
			p.mu.Lock()
			for id, name := range p.named {
				named++
				if name == p.World.Objects()[id].Category {
					correct++
				}
			}
			p.mu.Unlock()
			r.ObjectsNamed, r.ObjectsNamedCorrectly = &named, &correct
		}
	}
	return r
}

func (p *Pipeline) latencies() map[string]Quantiles {
	m := map[string]Quantiles{
		"capture":          p.latCapture.Quantiles(),
		"attention":        p.latAttention.Quantiles(),
		"control":          p.latControl.Quantiles(),
		"frame_to_command": p.latF2C.Quantiles(),
	}
	if p.Categorizer != nil {
		m["categorizer"] = p.latCat.Quantiles()
	}
	return m
}

// Status is a live snapshot for the preview's JSON endpoint.
type Status struct {
	UptimeS         float64              `json:"uptime_s"`
	FPS             float64              `json:"fps"` // frames processed in the last second
	FramesCaptured  uint64               `json:"frames_captured"`
	FramesProcessed uint64               `json:"frames_processed"`
	LatencyMs       map[string]Quantiles `json:"latency_ms"`
	Head            PoseDeg              `json:"head"`
	Phase           string               `json:"phase"`
	Saccades        int                  `json:"saccades"`
	ObjectsFixated  int                  `json:"objects_fixated"`
	ObjectsTotal    int                  `json:"objects_total"`
	Fixations       []Fixation           `json:"recent_fixations"`
}

// PoseDeg is a pose in degrees, for JSON.
type PoseDeg struct {
	PanDeg  float64 `json:"pan_deg"`
	TiltDeg float64 `json:"tilt_deg"`
}

func poseDeg(p device.Pose) PoseDeg {
	a, b := p.Deg()
	return PoseDeg{a, b}
}

// Status returns a live snapshot. Safe to call from any goroutine.
func (p *Pipeline) Status() Status {
	now := time.Now()
	p.mu.Lock()
	s := Status{
		UptimeS:         now.Sub(p.start).Seconds(),
		FPS:             p.rate.fps(now),
		FramesCaptured:  p.captured,
		FramesProcessed: p.processed,
		Head:            poseDeg(p.head),
		Phase:           p.phase.String(),
		Saccades:        p.saccades,
		ObjectsFixated:  len(p.fixated),
	}
	k := max(0, len(p.fixations)-MaxScanpath)
	s.Fixations = append([]Fixation{}, p.fixations[k:]...)
	p.mu.Unlock()
	if p.World != nil {
		s.ObjectsTotal = len(p.World.Objects())
	}
	s.LatencyMs = p.latencies()
	return s
}
