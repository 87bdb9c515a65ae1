package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
	"github.com/fovea-vision/fovea/vision/train"
)

const experimentUsage = `Usage:
  fovea experiment precortical [--data DIR] [--png FILE] [--json FILE] [--with MODEL] [--without MODEL]
  fovea experiment search [--config FILE] [--seeds 1-48] [--duration 30s] [--jobs N] [--json FILE]
`

func cmdExperiment(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) >= 1 && args[0] == "search" {
		return cmdSearchExperiment(ctx, args[1:], stdout, stderr)
	}
	if len(args) < 1 || args[0] != "precortical" {
		fmt.Fprint(stderr, experimentUsage)
		if len(args) == 0 {
			return errors.New("experiment: none named")
		}
		return fmt.Errorf("experiment: unknown experiment %q", args[0])
	}
	fs := flag.NewFlagSet("fovea experiment precortical", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", dataset.DefaultDir(), "folder of the npm dataset packages (make data)")
	png := fs.String("png", "precortical.png", "plot written here (empty: none)")
	js := fs.String("json", "", "the table as JSON, written here")
	withPath := fs.String("with", "", "model with the precortical stage (default: the embedded one)")
	withoutPath := fs.String("without", "", "model on raw pixels (default: the embedded one)")
	heldOut := fs.Int("heldout", train.DefaultRecipe.HeldOut, "test set: the last N images of each class")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("experiment: unexpected argument %q", fs.Arg(0))
	}
	load := func(path string, def []byte) (*vision.Categorizer, error) {
		b := def
		if path != "" {
			var err error
			if b, err = os.ReadFile(path); err != nil {
				return nil, fmt.Errorf("experiment: %w", err)
			}
		}
		return vision.NewCategorizer(b, vision.Options{})
	}
	with, err := load(*withPath, vision.FashionModel)
	if err != nil {
		return err
	}
	without, err := load(*withoutPath, vision.FashionRawModel)
	if err != nil {
		return err
	}
	if with.Spec().Precortical == nil || without.Spec().Precortical != nil {
		return errors.New("experiment: --with must have the precortical stage in its input specification and --without must not")
	}
	set, err := dataset.Load(*data, dataset.FashionMNIST)
	if err != nil {
		return err
	}
	_, test, err := set.Split(*heldOut)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if !*quiet {
		bar = progressbar.NewOptions(len(train.Intensities)+len(train.Contrasts), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("light changes"), progressbar.OptionShowCount(), progressbar.OptionFullWidth())
	}
	t, err := train.LightExperiment(with, without, test, func(done, total int) {
		if bar != nil && ctx.Err() == nil {
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	t.Print(stdout)
	if *png != "" {
		f, err := os.Create(*png)
		if err != nil {
			return fmt.Errorf("experiment: %w", err)
		}
		if err := t.PNG(f); err != nil {
			f.Close()
			return fmt.Errorf("experiment: plot: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("experiment: %w", err)
		}
		fmt.Fprintf(stdout, "plot: %s\n", *png)
	}
	if *js != "" {
		b, _ := json.MarshalIndent(t, "", "  ")
		if err := os.WriteFile(*js, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("experiment: %w", err)
		}
	}
	return nil
}

// cmdSearchExperiment runs the visual search on many seeds and prints how
// many meet issue 5's acceptance.
func cmdSearchExperiment(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea experiment search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "YAML configuration `file` (default: the built-in one)")
	seedList := fs.String("seeds", "1-48", "world seeds: numbers and ranges, such as 1-48 or 1,5,9-12")
	d := fs.Duration("duration", 30*time.Second, "simulated time of each run")
	jobs := fs.Int("jobs", 0, "runs at a time (0: one per CPU)")
	js := fs.String("json", "", "every trial as JSON, written here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("experiment: unexpected argument %q", fs.Arg(0))
	}
	cfg := fovea.DefaultConfig()
	if *config != "" {
		var err error
		if cfg, err = fovea.LoadConfig(*config); err != nil {
			return err
		}
	}
	seeds, err := fovea.ParseSeeds(*seedList)
	if err != nil {
		return err
	}
	n := 0
	trials, err := fovea.SearchExperiment(ctx, cfg, seeds, *d, *jobs, func(t fovea.SearchTrial) {
		n++
		fmt.Fprintf(stderr, "\r%d/%d seeds", n, len(seeds))
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	printSearch(stdout, trials, *d)
	if *js != "" {
		b, _ := json.MarshalIndent(trials, "", "  ")
		if err := os.WriteFile(*js, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("experiment: %w", err)
		}
	}
	return nil
}

// printSearch prints the trials that fail the acceptance and a summary.
func printSearch(w io.Writer, trials []fovea.SearchTrial, d time.Duration) {
	var pass, recall, errOK, refixOK, missed int
	var at [4]float64
	fmt.Fprintln(w, "seed  recall  error°  refix  background  missed")
	for _, t := range trials {
		if t.Pass() {
			pass++
		} else {
			fmt.Fprintf(w, "%4d  %6.2f  %6.2f  %5d  %5d/%-4d  %v\n", t.Seed, t.Recall, t.ErrorDegP50, t.Refixations, t.Background, t.Fixations, t.Missed)
		}
		if t.Recall >= fovea.SearchMinRecall {
			recall++
		}
		if t.ErrorDegP50 <= fovea.SearchMaxErrorDeg {
			errOK++
		}
		if t.Refixations <= fovea.SearchMaxRefixations {
			refixOK++
		}
		missed += len(t.Missed)
		for k, r := range t.RecallAt {
			at[k] += r
		}
		at[3] += t.Recall
	}
	n := float64(len(trials))
	fmt.Fprintf(w, "%d of %d seeds meet the search acceptance in %v: recall ≥ %v on %d, fixation error p50 ≤ %v° on %d, ≤ %d refixations within 10 s on %d\n",
		pass, len(trials), d, fovea.SearchMinRecall, recall, fovea.SearchMaxErrorDeg, errOK, fovea.SearchMaxRefixations, refixOK)
	fmt.Fprintf(w, "objects missed: %d; mean recall at %v %.3f, %v %.3f, %v %.3f, %v %.3f\n",
		missed, (d / 3).Round(time.Millisecond), at[0]/n, (d / 2).Round(time.Millisecond), at[1]/n, (d * 2 / 3).Round(time.Millisecond), at[2]/n, d, at[3]/n)
}
