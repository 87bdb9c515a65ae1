// Package control chooses where the head looks and drives it there.
//
// [Attention] turns a frame into a saliency map (centre-surround contrast of
// intensity and two colour-opponent channels, at low resolution, each with
// a top-down gain), weights it by maps kept in world angles so that they
// stay put when the head moves — inhibition of return ([IORMap]), the
// novelty of directions the head has not looked from, and a task bias set
// by [Attention.Bias] — and picks the winner: the next place to look. The
// winner is chosen on the contrast of compact blobs (the smaller of the
// contrasts against the horizontal and the vertical surround, which is
// small along an edge) and located on the isotropic contrast.
//
// [Gaze] is the oculomotor state machine: fixate, and after a dwell time
// saccade to the latest target. It is pure: Update(now, head, observation)
// returns a command and performs no I/O, reads no clock and starts no
// goroutine; the loop that drives it owns time and hardware.
//
// Buffers are owned by the Attention value and sized once for a camera
// model; Process allocates nothing.
package control
