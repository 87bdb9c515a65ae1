package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"

	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
	"github.com/fovea-vision/fovea/vision/train"
)

const experimentUsage = `Usage:
  fovea experiment precortical [--data DIR] [--png FILE] [--json FILE] [--with MODEL] [--without MODEL]
`

func cmdExperiment(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
