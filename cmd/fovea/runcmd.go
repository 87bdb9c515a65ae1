package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/cvcam"
	"github.com/fovea-vision/fovea/device/gpioservo"
	"github.com/fovea-vision/fovea/device/pca9685"
	"github.com/fovea-vision/fovea/device/sim"
)

// servoConfig is the PCA9685 calibration of the configuration.
func servoConfig(h fovea.HeadConfig) pca9685.Config {
	conv := func(s fovea.ServoConfig) pca9685.Servo {
		return pca9685.Servo{Channel: s.Channel, Calibration: s.Calibration()}
	}
	return pca9685.Config{Pan: conv(h.PanServo), Tilt: conv(h.TiltServo)}
}

// openServos opens the configured servo driver (pca9685 or gpio).
func openServos(h fovea.HeadConfig) (device.PanTilt, func() error, error) {
	pc := servoConfig(h)
	if h.Driver == "pca9685" {
		ph, closeBus, err := pca9685.Open(h.I2CBus, uint16(h.I2CAddr), pc)
		return ph, closeBus, err
	}
	gh, err := gpioservo.Open(h.PanPin, h.TiltPin, pc.Pan.Calibration, pc.Tilt.Calibration)
	return gh, func() error { return nil }, err
}

func usageError(fs *flag.FlagSet, format string, a ...any) error {
	fs.Usage()
	return fmt.Errorf(format, a...)
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	source := fs.String("source", "", "camera source, overrides camera.source")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	if c.config == "" && *source == "" {
		return usageError(fs, "run needs --config FILE (or --source)")
	}
	cfg, err := c.load(fs, func(cfg *fovea.Config, set map[string]bool) {
		if set["source"] {
			cfg.Camera.Source = *source
		}
		if c.config == "" {
			cfg.Head.Driver = "fixed"
		}
	})
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	if cfg.Camera.Source == "sim" {
		s, err := fovea.NewSim(cfg, false, log)
		if err != nil {
			return err
		}
		return execute(ctx, s.Pipeline, cfg, &c, log, false)
	}
	if cfg.Head.Driver == "sim" {
		return fmt.Errorf("head.driver sim needs camera.source: sim")
	}
	cc := cvcam.Config{Source: cfg.Camera.Source, Width: cfg.Camera.Width, Height: cfg.Camera.Height,
		FPS: cfg.Camera.FPS, Loop: cfg.Camera.Loop, ReadTimeout: cfg.Camera.ReadTimeout, Pace: true}
	first, err := cvcam.Open(cc) // the first open must work: a wrong source is an error, not a retry loop
	if err != nil {
		return err
	}
	var cam device.Camera = first
	if k := first.Kind(); k != cvcam.KindFile {
		opened := false
		cam = device.NewReconnecting(func(ctx context.Context) (device.Camera, error) {
			if !opened {
				opened = true
				return first, nil
			}
			return cvcam.Open(cc)
		}, device.DefaultBackoff, log)
	}
	defer cam.Close()
	// The model comes from the frames the source really delivers.
	var f device.Frame
	if err := cam.NextFrame(ctx, &f); err != nil {
		if errors.Is(err, device.ErrEndOfStream) {
			return fmt.Errorf("camera %q delivered no frame", cfg.Camera.Source)
		}
		return fmt.Errorf("camera %q: first frame: %w", cfg.Camera.Source, err)
	}
	m, err := device.NewCameraModel(f.Width, f.Height, cfg.Camera.HFOV.Angle)
	if err != nil {
		return err
	}
	var head device.PanTilt = device.NewFixedMount(m)
	if cfg.Head.Driver == "pca9685" || cfg.Head.Driver == "gpio" {
		h, closeHead, err := openServos(cfg.Head)
		if err != nil {
			return err
		}
		defer closeHead()
		lh, err := device.Limit(h, cfg.Head.Limits())
		if err != nil {
			return err
		}
		// Nothing reaches the servos but through the safety envelope.
		if head, err = fovea.NewSafeHead(cfg, lh); err != nil {
			return err
		}
		log.Info("pan-tilt head open", "driver", cfg.Head.Driver)
	}
	att, gz, err := fovea.NewControllers(cfg, m, head.Limits())
	if err != nil {
		return err
	}
	log.Info("camera open", "source", cfg.Camera.Source, "size", fmt.Sprintf("%dx%d", f.Width, f.Height), "hfov", cfg.Camera.HFOV.Angle.String())
	cat, err := fovea.NewCategorizer(cfg.Categorizer)
	if err != nil {
		return err
	}
	p := &fovea.Pipeline{Camera: cam, Head: head, Model: m, Attention: att, Gaze: gz, Clock: sim.NewWallClock(), Log: log,
		Categorizer: cat, PatchDeg: cfg.Categorizer.Patch.Deg(), TaskBias: cfg.Attention.TaskBias,
		ParkPose: device.Pose{Pan: cfg.Head.ParkPan.Angle, Tilt: cfg.Head.ParkTilt.Angle}}
	return execute(ctx, p, cfg, &c, log, false)
}
