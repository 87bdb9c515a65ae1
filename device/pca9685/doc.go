// Package pca9685 drives a pan-tilt head of two hobby servos from an NXP
// PCA9685 16-channel PWM controller over I²C, through periph.io.
//
// Angles become pulse widths by a linear calibration per servo (the pulse
// at each end of its travel), with a trim and an optional inversion; pulse
// widths become 12-bit counts of the controller's real period, computed
// from the prescaler it was given (at 50 Hz the PCA9685 runs at 49.6 Hz,
// 4.92 µs a count, about 0.44° of an SG90). Conversions stay in float64:
// periph's own servo helper goes through int and overflows physic.Angle on
// 32-bit ARM.
//
// Datasheet: NXP PCA9685, rev. 4 (2015): registers LEDn_ON/OFF at
// 0x06 + 4n, PRE_SCALE at 0xFE, internal oscillator 25 MHz.
//
// Tests replay the exact register writes with periph's i2ctest.Playback.
package pca9685
