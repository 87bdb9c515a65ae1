// Package control chooses where the head looks and drives it there.
//
// [Attention] turns a frame into a saliency map (centre-surround contrast of
// intensity and two colour-opponent channels, at low resolution), weights it
// by an inhibition-of-return map kept in world angles ([IORMap], so it stays
// put when the head moves) and picks the winner: the next place to look.
//
// [Gaze] is the oculomotor state machine: fixate, and after a dwell time
// saccade to the latest target. It is pure: Update(now, head, observation)
// returns a command and performs no I/O, reads no clock and starts no
// goroutine; the loop that drives it owns time and hardware.
//
// Buffers are owned by the Attention value and sized once for a camera
// model; Process allocates nothing.
package control
