// Package sim is Fovea's simulated world: an honest test bed for the whole
// closed loop, with no hardware.
//
// A [World] is a 360°×180° equirectangular panorama (a sky, a textured
// ground, a skyline) plus objects drawn on top: coloured shapes of known
// category, some static and some moving along smooth paths. The world knows
// its ground truth: [World.Objects] gives every object's direction in world
// angles at any time, so tests can score attention and control.
//
// A [Camera] renders the world through an ideal pinhole camera (the same
// [device.CameraModel] the pipeline uses to go back from pixels to angles) at
// the pose a [Gimbal] has at the moment of exposure.
//
// A [Gimbal] models a pair of hobby servos (SG90-like by default) driven by a
// 50 Hz PWM controller: a new pulse width takes effect only at the next PWM
// period after a command latency; pulse widths are quantised by the
// controller's 12-bit counter (4.88 µs, about 0.44°); the servo does not react
// to errors inside its dead band (0.45°); it follows its target with a
// first-order lag capped by a slew-rate limit (600°/s); mechanical stops bound
// it. The physics is integrated in fixed 1 ms steps of simulated time.
//
// # Time
//
// Everything is a function of simulated time read from a [Clock]: a
// [ManualClock] gives lock-step runs that are bit-for-bit deterministic for a
// seed, a [WallClock] paces the world in real time for the live preview.
package sim
