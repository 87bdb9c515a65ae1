// Package fovea wires Fovea's stages into a running loop: capture,
// perception (retina, models, attention), the oculomotor loop and the pan-tilt
// head, with telemetry and an optional preview sink.
//
// A [Pipeline] runs in one of two modes. In real time ([Pipeline.Run]) capture,
// perception and the motor loop are three goroutines: capture keeps only the
// newest frame, perception takes the newest, and the motor loop runs at a
// fixed rate of at least 100 Hz whatever the inference rate. In lock step
// ([Pipeline.RunLockstep]) a simulated world is stepped in simulated time on
// one goroutine, so a run is exactly reproducible for a seed and runs as fast
// as the machine allows.
//
// Configuration ([Config]) is one YAML file, validated with errors that name
// the key; flags override it.
package fovea
