// Command fovea runs Fovea: the simulated pan-tilt world (`fovea sim`), a
// real camera and head (`fovea run --config FILE`), and tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/device/cvcam"
)

// version is set by the Makefile from git describe.
var version = "dev"

const usage = `fovea: an embedded edge vision runtime for foveated cameras on pan-tilt heads

Usage:
  fovea sim [flags]              run the simulated pan-tilt world (no hardware)
  fovea run --config FILE [flags] run a real camera and head
  fovea bench [--json FILE]      time each stage (retina beside OpenCV's remap and logPolar)
  fovea model inspect|run|bench|train|eval  TensorFlow Lite models (fovea model for details)
  fovea experiment precortical   accuracy under light changes, with and without the retina/LGN stage
  fovea experiment search        the visual search on many seeds, against its acceptance
  fovea calibrate --config FILE [--write]  centre the servos and find their limits, interactively
  fovea selftest                 check every stage on this machine (models, retina, OpenCV, closed loop)
  fovea version                  print the version

Run 'fovea sim -h' or 'fovea run -h' for their flags.
`

func main() {
	// OpenCV logs warnings from every backend it tries; errors are ours to report.
	if os.Getenv("OPENCV_LOG_LEVEL") == "" {
		os.Setenv("OPENCV_LOG_LEVEL", "ERROR")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "fovea: "+oneLine(err))
		os.Exit(1)
	}
}

// oneLine joins a multi-line error (several configuration problems) into one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "sim":
		return cmdSim(ctx, args[1:], stdout, stderr)
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "model":
		return cmdModel(ctx, args[1:], stdout, stderr)
	case "experiment":
		return cmdExperiment(ctx, args[1:], stdout, stderr)
	case "calibrate":
		return cmdCalibrate(ctx, args[1:], os.Stdin, stdout, stderr)
	case "selftest":
		if len(args) > 1 {
			return fmt.Errorf("selftest: unexpected argument %q", args[1])
		}
		fmt.Fprintf(stdout, "fovea %s %s/%s selftest\n", version, runtime.GOOS, runtime.GOARCH)
		if err := fovea.SelfTest(stdout, cvcam.CheckCodec); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "selftest passed")
		return nil
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "fovea %s %s/%s %s\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// common are the flags of sim and run.
type common struct {
	config   string
	duration time.Duration
	headless bool
	listen   string
	logLevel string
	report   string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "YAML configuration `file`")
	fs.DurationVar(&c.duration, "duration", 0, "stop after this long (0: until Ctrl-C)")
	fs.BoolVar(&c.headless, "headless", false, "no preview server")
	fs.StringVar(&c.listen, "listen", "", "preview address, overrides preview.listen (default 127.0.0.1:8080)")
	fs.StringVar(&c.logLevel, "log-level", "", "debug, info, warn or error; overrides log_level")
	fs.StringVar(&c.report, "report", "", "write a JSON report of the run to `file`")
}

// load reads the configuration and applies the flags that were set.
func (c *common) load(fs *flag.FlagSet, apply func(cfg *fovea.Config, set map[string]bool)) (fovea.Config, error) {
	cfg := fovea.DefaultConfig()
	if c.config != "" {
		var err error
		if cfg, err = fovea.LoadConfig(c.config); err != nil {
			return cfg, err
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["headless"] {
		cfg.Preview.Enabled = !c.headless
	}
	if set["listen"] {
		cfg.Preview.Listen = c.listen
	}
	if set["log-level"] {
		cfg.LogLevel = c.logLevel
	}
	if apply != nil {
		apply(&cfg, set)
	}
	if c.duration < 0 {
		return cfg, fmt.Errorf("--duration %v is negative", c.duration)
	}
	if err := cfg.Validate(); err != nil {
		if c.config != "" {
			return cfg, fmt.Errorf("config %s: %w", c.config, err)
		}
		return cfg, fmt.Errorf("flags: %w", err)
	}
	return cfg, nil
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated with the config
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
