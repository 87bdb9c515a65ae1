package fovea

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/fovea-vision/fovea/control"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/safety"
	"github.com/fovea-vision/fovea/device/sim"
	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
)

// Limits returns the head's limits from the configuration.
func (h HeadConfig) Limits() device.Limits {
	return device.Limits{PanMin: h.PanMin.Angle, PanMax: h.PanMax.Angle, TiltMin: h.TiltMin.Angle, TiltMax: h.TiltMax.Angle}
}

// CameraModel returns the pinhole model of the configured camera.
func (c CameraConfig) CameraModel() (device.CameraModel, error) {
	return device.NewCameraModel(c.Width, c.Height, c.HFOV.Angle)
}

// NewControllers builds attention, seeing through the configured retina,
// and gaze from the configuration.
func NewControllers(c Config, m device.CameraModel, reach device.Limits) (*control.Attention, *control.Gaze, error) {
	ret, err := NewRetina(c.Retina, m)
	if err != nil {
		return nil, nil, err
	}
	ac := control.DefaultAttention
	ac.Coarse = c.Attention.Coarse
	ac.IORSigma = c.Attention.IORSigma.Angle
	ac.IORDecay = c.Attention.IORDecay
	ac.Novelty, ac.Explore, ac.Habituation = c.Attention.Novelty, c.Attention.Explore, c.Attention.Habituation
	if len(c.Attention.ChannelGains) == 3 {
		copy(ac.ChannelGains[:], c.Attention.ChannelGains)
	}
	att, err := control.NewAttention(ac, m, reach, ret)
	if err != nil {
		return nil, nil, err
	}
	gc := control.DefaultGaze
	gc.Dwell = c.Gaze.Dwell
	gc.DeadBand = c.Gaze.ServoDeadBand.Angle
	gc.MaxSpeedDegS, gc.MaxAccelDegS2 = c.Safety.MaxSlewDegPerSec, c.Safety.MaxAccelDegPerSec
	gc.PursuitMinSpeedDegS = c.Gaze.PursuitMinSpeed
	if gc.PursuitMinSpeedDegS == 0 {
		gc.PursuitMinSpeedDegS = math.Inf(1) // off
	}
	gz, err := control.NewGaze(gc)
	if err != nil {
		return nil, nil, err
	}
	return att, gz, nil
}

// NewRetina builds the configured retina for frames of model m, out to the
// frame's far corner from any fixation inside it (the frame's diagonal).
func NewRetina(c RetinaConfig, m device.CameraModel) (*foveate.Retina, error) {
	rc := foveate.DefaultConfig
	rc.Wedges = c.Wedges
	rc.MaxRadius = math.Hypot(float64(m.Width), float64(m.Height))
	g, err := foveate.NewGeometry(rc)
	if err != nil {
		return nil, err
	}
	return foveate.New(g), nil
}

// NewCategorizer loads the configured categoriser; nil when it is off.
func NewCategorizer(c CategorizerConfig) (*vision.Categorizer, error) {
	if !c.Enabled {
		return nil, nil
	}
	model, ok := vision.EmbeddedModels[c.Model]
	if !ok {
		b, err := os.ReadFile(c.Model)
		if err != nil {
			return nil, fmt.Errorf("fovea: categorizer.model: %w", err)
		}
		model = b
	}
	var o vision.Options
	if c.Labels != "" {
		b, err := os.ReadFile(c.Labels)
		if err != nil {
			return nil, fmt.Errorf("fovea: categorizer.labels: %w", err)
		}
		for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
			o.Labels = append(o.Labels, strings.TrimSpace(l))
		}
	}
	cat, err := vision.NewCategorizer(model, o)
	if err != nil {
		return nil, fmt.Errorf("fovea: categorizer.model %s: %w", c.Model, err)
	}
	return cat, nil
}

// NewSafeHead puts head behind the configured safety envelope.
func NewSafeHead(c Config, head device.PanTilt) (*safety.Head, error) {
	sc := safety.DefaultConfig(c.Head.Limits())
	sc.MaxSlewDegS, sc.MaxAccelDegS2 = c.Safety.MaxSlewDegPerSec, c.Safety.MaxAccelDegPerSec
	sc.Watchdog, sc.ParkAfter = c.Safety.Watchdog, c.Safety.ParkAfter
	sc.Park = device.Pose{Pan: c.Head.ParkPan.Angle, Tilt: c.Head.ParkTilt.Angle}
	return safety.New(head, sc)
}

// Sim is the simulated world wired to a pipeline.
type Sim struct {
	World    *sim.World
	Gimbal   *sim.Gimbal
	Safety   *safety.Head
	Camera   *sim.Camera
	Pipeline *Pipeline
}

// NewSim builds the simulated world, its gimbal and camera, and a pipeline
// over them. With lockstep the world runs on a manual clock (see
// Pipeline.RunLockstep); otherwise on the wall clock.
func NewSim(c Config, lockstep bool, log *slog.Logger) (*Sim, error) {
	return newSim(c, lockstep, log, nil)
}

// newSim is NewSim, in world w when it is not nil.
func newSim(c Config, lockstep bool, log *slog.Logger, w *sim.World) (*Sim, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	wc := sim.DefaultWorldConfig
	wc.Seed, wc.Objects, wc.Moving, wc.Appearance = c.Sim.Seed, c.Sim.Objects, c.Sim.Moving, c.Sim.Appearance
	lim := c.Head.Limits()
	// Objects lie where the head can look at them.
	wc.PanMaxDeg = min(-device.AngleDeg(lim.PanMin), device.AngleDeg(lim.PanMax)) - 5
	wc.TiltMinDeg = device.AngleDeg(lim.TiltMin) + 10
	wc.TiltMaxDeg = min(device.AngleDeg(lim.TiltMax)-10, 45)
	world := w
	if world == nil {
		var err error
		if world, err = sim.NewWorld(wc); err != nil {
			return nil, err
		}
	}
	var clock sim.Clock = sim.NewWallClock()
	if lockstep {
		clock = &sim.ManualClock{}
	}
	servo := sim.SG90
	servo.SlewDegPerSec = c.Sim.SlewDegPerSec
	servo.DeadBandDeg = c.Sim.DeadBand.Deg()
	servo.Lag = c.Sim.Lag
	servo.Latency = c.Sim.Latency
	g, err := sim.NewGimbal(servo, lim, clock)
	if err != nil {
		return nil, err
	}
	m, err := c.Camera.CameraModel()
	if err != nil {
		return nil, fmt.Errorf("fovea: sim: %w", err)
	}
	cam, err := sim.NewCamera(world, m, c.Camera.FPS, g, clock)
	if err != nil {
		return nil, err
	}
	att, gz, err := NewControllers(c, m, lim)
	if err != nil {
		return nil, err
	}
	safe, err := NewSafeHead(c, g)
	if err != nil {
		return nil, err
	}
	cat, err := NewCategorizer(c.Categorizer)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Camera: cam, Head: safe, Model: m, Attention: att, Gaze: gz, Clock: clock, World: world, Log: log,
		Categorizer: cat, PatchDeg: c.Categorizer.Patch.Deg(), TaskBias: c.Attention.TaskBias,
		ParkPose: device.Pose{Pan: c.Head.ParkPan.Angle, Tilt: c.Head.ParkTilt.Angle}}
	return &Sim{World: world, Gimbal: g, Safety: safe, Camera: cam, Pipeline: p}, nil
}

// MeasureSaccadeSettle commands a 20° pan saccade (the gaze controller's
// minimum-jerk set-points) through the configured safety envelope to the
// configured simulated servos, stepped as in a run (set-points and envelope
// every motor period, servos every millisecond), and returns the time until
// the head is within 0.5° of the target and stays there.
func MeasureSaccadeSettle(c Config, motorPeriod time.Duration) (time.Duration, error) {
	clock := &sim.ManualClock{}
	servo := sim.SG90
	servo.SlewDegPerSec, servo.DeadBandDeg = c.Sim.SlewDegPerSec, c.Sim.DeadBand.Deg()
	servo.Lag, servo.Latency = c.Sim.Lag, c.Sim.Latency
	g, err := sim.NewGimbal(servo, c.Head.Limits(), clock)
	if err != nil {
		return 0, err
	}
	safe, err := NewSafeHead(c, g)
	if err != nil {
		return 0, err
	}
	if err := safe.Step(0); err != nil {
		return 0, err
	}
	// The set-points of a saccade, as the gaze controller plans it.
	traj := control.NewTrajectory(device.Pose{}, device.PoseDeg(20, 0), 0, c.Safety.MaxSlewDegPerSec, c.Safety.MaxAccelDegPerSec)
	if err := safe.SetPose(traj.At(0)); err != nil {
		return 0, err
	}
	const tol, hold = 0.5, 100 * time.Millisecond
	settled := time.Duration(-1)
	for t := time.Millisecond; t < 2*time.Second; t += time.Millisecond {
		clock.Set(t)
		if t%motorPeriod == 0 {
			if err := safe.SetPose(traj.At(t)); err != nil {
				return 0, err
			}
			if err := safe.Step(t); err != nil {
				return 0, err
			}
		}
		p, _ := g.Pose().Deg()
		switch in := math.Abs(p-20) <= tol; {
		case in && settled < 0:
			settled = t
		case !in:
			settled = -1
		}
		if settled >= 0 && t-settled >= hold {
			return settled, nil
		}
	}
	return 0, errors.New("fovea: a 20° saccade did not settle within 2 s")
}

// MeasurePursuit runs the whole closed loop in lock step on a scene with a
// single disc crossing the ground below the horizon at 20°/s (a sine of 60°
// amplitude and 18.85 s period). The head first settles on the disc's
// starting point; then the loop runs for 2 s, and the result is the RMS
// angle between the head and the disc from 300 ms on.
func MeasurePursuit(c Config) (rmsDeg float64, err error) {
	const tiltDeg = -12
	preroll := 500 * time.Millisecond
	wc := sim.DefaultWorldConfig
	wc.Seed = c.Sim.Seed
	wc.DegPerPx = 0.2 // a coarser panorama builds 4× faster; the scene is one disc
	periodSec := 2 * math.Pi * 60 / 20
	period := time.Duration(periodSec * float64(time.Second))
	disc := sim.Object{Shape: sim.Disc, BGR: [3]uint8{40, 40, 230}, RadiusDeg: 2.5, BaseTiltDeg: tiltDeg,
		AmplitudeDeg: 60, Period: period, DirPan: 1,
		Phase: -2 * math.Pi * preroll.Seconds() / periodSec} // at pan 0 when the run starts
	w, err := sim.NewWorldWithObjects(wc, []sim.Object{disc})
	if err != nil {
		return 0, err
	}
	s, err := newSim(c, true, nil, w)
	if err != nil {
		return 0, err
	}
	p := s.Pipeline
	if err := p.Init(); err != nil {
		return 0, err
	}
	clock := p.Clock.(*sim.ManualClock)
	start := device.PoseDeg(0, tiltDeg)
	for t := time.Duration(0); t < preroll; t += p.MotorPeriod {
		clock.Set(t)
		if err := s.Safety.SetPose(start); err != nil {
			return 0, err
		}
		if err := s.Safety.Step(t); err != nil {
			return 0, err
		}
	}
	var f device.Frame
	var ov Overlay
	var prev device.Pose
	var sum float64
	n := 0
	for s.Camera.NextFrameTime() < preroll {
		if err := s.Camera.NextFrame(context.Background(), &f); err != nil { // frames nobody watched
			return 0, err
		}
	}
	next := s.Camera.NextFrameTime()
	for t := preroll; t <= preroll+2300*time.Millisecond; t += p.MotorPeriod {
		for next <= t {
			if err := s.Camera.NextFrame(context.Background(), &f); err != nil {
				return 0, err
			}
			gaze := f.Pose
			if err := p.perceive(&f, gaze, gazeStill(prev, gaze), f.Sim, time.Now(), &ov); err != nil {
				return 0, err
			}
			prev = gaze
			next = s.Camera.NextFrameTime()
		}
		clock.Set(t)
		if err := p.motorStep(t); err != nil {
			return 0, err
		}
		if t >= preroll+300*time.Millisecond {
			op, ot := w.Objects()[0].At(t)
			hp, ht := s.Gimbal.Pose().Deg()
			d := device.AngularDistanceDeg(hp, ht, op, ot)
			sum += d * d
			n++
		}
	}
	return math.Sqrt(sum / float64(n)), nil
}
