package main

import (
	"context"
	"flag"
	"io"

	"github.com/fovea-vision/fovea"
)

func cmdSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	seed := fs.Uint64("seed", 1, "world seed: the same seed gives the same world")
	lockstep := fs.Bool("lockstep", false, "step the world in simulated time, as fast as possible and exactly reproducible (default duration 10s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	cfg, err := c.load(fs, func(cfg *fovea.Config, set map[string]bool) {
		if set["seed"] || c.config == "" {
			cfg.Sim.Seed = *seed
		}
		cfg.Camera.Source, cfg.Head.Driver = "sim", "sim"
	})
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	s, err := fovea.NewSim(cfg, *lockstep, log)
	if err != nil {
		return err
	}
	log.Info("simulated world ready", "seed", cfg.Sim.Seed, "objects", len(s.World.Objects()), "moving", cfg.Sim.Moving)
	return execute(ctx, s.Pipeline, cfg, &c, log, *lockstep)
}
