package control

import (
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// Trajectory is a minimum-jerk saccade from one pose to another: position
// follows s(τ) = 10τ³ − 15τ⁴ + 6τ⁵ of the amplitude, τ = t/T, the smooth
// profile of human saccades. Its duration follows the main sequence,
// T ≈ 2.2 ms/°·A + 21 ms, lengthened when the head cannot do it that fast
// (peak speed 1.875·A/T, peak acceleration 5.77·A/T²).
type Trajectory struct {
	From, To device.Pose
	Start    time.Duration
	Duration time.Duration
}

// MainSequence is the duration of a human saccade of amplitudeDeg.
func MainSequence(amplitudeDeg float64) time.Duration {
	return time.Duration((2.2*amplitudeDeg + 21) * float64(time.Millisecond))
}

// NewTrajectory plans a saccade at now, no faster than maxSpeedDegS and
// maxAccelDegS2 allow (0: unlimited).
func NewTrajectory(from, to device.Pose, now time.Duration, maxSpeedDegS, maxAccelDegS2 float64) Trajectory {
	fp, ft := from.Deg()
	tp, tt := to.Deg()
	a := device.AngularDistanceDeg(fp, ft, tp, tt)
	T := MainSequence(a).Seconds()
	if maxSpeedDegS > 0 {
		T = math.Max(T, 1.875*a/maxSpeedDegS)
	}
	if maxAccelDegS2 > 0 {
		T = math.Max(T, math.Sqrt(5.7735*a/maxAccelDegS2))
	}
	return Trajectory{From: from, To: to, Start: now, Duration: time.Duration(T * float64(time.Second))}
}

// At is the set-point at time now.
func (tr Trajectory) At(now time.Duration) device.Pose {
	if tr.Duration <= 0 || now >= tr.Start+tr.Duration {
		return tr.To
	}
	if now <= tr.Start {
		return tr.From
	}
	tau := float64(now-tr.Start) / float64(tr.Duration)
	s := tau * tau * tau * (10 - 15*tau + 6*tau*tau)
	fp, ft := tr.From.Deg()
	tp, tt := tr.To.Deg()
	return device.PoseDeg(fp+s*(tp-fp), ft+s*(tt-ft))
}

// Done reports whether the set-point has reached the end.
func (tr Trajectory) Done(now time.Duration) bool { return now >= tr.Start+tr.Duration }
