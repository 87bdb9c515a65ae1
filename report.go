package fovea

import (
	"time"

	"github.com/fovea-vision/fovea/device"
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
	FixationList    []Fixation           `json:"fixation_list"`
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
	}
	r.LatencyMs = p.latencies()
	return r
}

func (p *Pipeline) latencies() map[string]Quantiles {
	m := map[string]Quantiles{
		"capture":          p.latCapture.Quantiles(),
		"attention":        p.latAttention.Quantiles(),
		"control":          p.latControl.Quantiles(),
		"frame_to_command": p.latF2C.Quantiles(),
	}
	if p.Retina != nil {
		m["retina"] = p.latRetina.Quantiles()
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
