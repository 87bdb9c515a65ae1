package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/fovea-vision/fovea"
)

// cmdCalibrate walks the user through centring the servos and finding
// their limits, on the real head of the configuration, then prints the
// head.* keys and, with --write, writes them into the file.
func cmdCalibrate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea calibrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "YAML configuration of the head (head.driver pca9685 or gpio)")
	write := fs.Bool("write", false, "write the calibration into the configuration file (the old one is kept as FILE.bak)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || fs.NArg() > 0 {
		return errors.New("calibrate: --config FILE is required, and nothing else")
	}
	doc, err := os.ReadFile(*path)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	cfg, err := fovea.ParseConfig(doc)
	if err != nil {
		return fmt.Errorf("config %s: %w", *path, err)
	}
	if cfg.Head.Driver != "pca9685" && cfg.Head.Driver != "gpio" {
		return fmt.Errorf("calibrate: head.driver is %s: calibration drives real servos (pca9685 or gpio)", cfg.Head.Driver)
	}
	// The servos raw: no trim, no inversion, their full travel.
	raw := cfg.Head
	raw.PanServo.Trim, raw.PanServo.Invert = fovea.Angle{}, false
	raw.TiltServo.Trim, raw.TiltServo.Invert = fovea.Angle{}, false
	head, closeHead, err := openServos(raw)
	if err != nil {
		return err
	}
	defer closeHead()
	defer head.Halt() // the servos go limp whatever happens
	fmt.Fprintf(stdout, "Calibrating the %s head of %s. The servos will move: keep clear.\n\n", cfg.Head.Driver, *path)
	c, err := fovea.Calibrate(stdin, stdout, head)
	if err != nil {
		return err
	}
	vals := c.Values()
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintln(stdout, "Calibration:")
	for _, k := range keys {
		fmt.Fprintf(stdout, "  %s: %s\n", k, vals[k])
	}
	if !*write {
		fmt.Fprintf(stdout, "Run again with --write to store it in %s.\n", *path)
		return nil
	}
	out, err := fovea.SetConfigValues(doc, vals)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*path+".bak", doc, 0o644); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if err := os.WriteFile(*path, out, 0o644); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	fmt.Fprintf(stdout, "Written to %s (the previous file is %s.bak).\n", *path, *path)
	return nil
}
