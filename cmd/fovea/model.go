package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/fovea-vision/fovea/vision/tflite"
)

const modelUsage = `Usage:
  fovea model inspect MODEL
  fovea model run MODEL --input F[,F2...] [--seq N] --output F
  fovea model bench MODEL [--iters N] [--warmup N]
  fovea model train [--data DIR] [--out DIR] [--epochs N]   make the categoriser (make models)
  fovea model eval [MODEL] [--data DIR]                     held-out accuracy (default: the embedded model)
`

func cmdModel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 {
		fmt.Fprint(stderr, modelUsage)
		return errors.New("model: no subcommand")
	}
	switch args[0] {
	case "inspect":
		return modelInspect(args[1:], stdout, stderr)
	case "run":
		return modelRun(args[1:], stdout, stderr)
	case "bench":
		return modelBench(ctx, args[1:], stdout, stderr)
	case "train":
		return modelTrain(ctx, args[1:], stdout, stderr)
	case "eval":
		return modelEval(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, modelUsage)
	return fmt.Errorf("model: unknown subcommand %q", args[0])
}

// parseModelArgs accepts the model path before or after the flags.
func parseModelArgs(fs *flag.FlagSet, args []string) (string, error) {
	return parseModelArgsOr(fs, args, "")
}

// parseModelArgsOr is parseModelArgs with a default model (none when "").
func parseModelArgsOr(fs *flag.FlagSet, args []string, def string) (string, error) {
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if path == "" && fs.NArg() > 0 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if path == "" {
		path = def
	}
	if path == "" {
		return "", errors.New("no model file given")
	}
	return path, nil
}

func loadInterpreter(path string, o tflite.Options) (*tflite.Model, *tflite.Interpreter, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	m, err := tflite.Parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	it, err := tflite.NewInterpreter(m, tflite.BuiltinOps(), o)
	if err != nil {
		return m, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, it, nil
}

func modelInspect(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea model inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path, err := parseModelArgs(fs, args)
	if err != nil {
		return err
	}
	m, it, err := loadInterpreter(path, tflite.Options{})
	if m == nil {
		return err
	}
	sg := &m.Subgraphs[0]
	fmt.Fprintf(stdout, "model %s: version %d, %d subgraph(s), %d operators, %d tensors", path, m.Version, len(m.Subgraphs), len(sg.Operators), len(sg.Tensors))
	if m.Description != "" {
		fmt.Fprintf(stdout, ", %q", m.Description)
	}
	fmt.Fprintln(stdout)
	if it != nil {
		fmt.Fprintf(stdout, "arena %d bytes, %.2f M multiply-accumulates per invoke\n", it.ArenaUsed(), float64(it.MACs())/1e6)
	} else {
		fmt.Fprintf(stdout, "not runnable here: %v\n", err)
	}
	for _, md := range m.Metadata {
		if utf8.Valid(md.Data) && len(md.Data) <= 512 && !strings.ContainsRune(string(md.Data), 0) {
			fmt.Fprintf(stdout, "metadata %s: %q\n", md.Name, md.Data)
		} else {
			fmt.Fprintf(stdout, "metadata %s: %d bytes\n", md.Name, len(md.Data))
		}
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nop\tname\tversion\tinputs\toutputs")
	for i, op := range sg.Operators {
		c := m.OperatorCodes[op.Opcode]
		name := c.Builtin.String()
		if c.Custom != "" {
			name = "CUSTOM " + c.Custom
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%v\t%v\n", i, name, c.Version, op.Inputs, op.Outputs)
	}
	fmt.Fprintln(tw, "\ntensor\tname\ttype\tshape\tquantisation\tconst")
	for i, t := range sg.Tensors {
		q := "-"
		if t.Quant != nil {
			if len(t.Quant.Scale) == 1 {
				q = fmt.Sprintf("scale %.6g zero %d", t.Quant.Scale[0], t.Quant.ZeroPoint[0])
			} else {
				q = fmt.Sprintf("%d scales on dim %d", len(t.Quant.Scale), t.Quant.Dim)
			}
		}
		role := ""
		if slices.Contains(sg.Inputs, int32(i)) {
			role = " (input)"
		}
		if slices.Contains(sg.Outputs, int32(i)) {
			role = " (output)"
		}
		fmt.Fprintf(tw, "%d\t%s%s\t%s\t%v\t%s\t%v\n", i, t.Name, role, t.Type, t.Shape, q, t.Data != nil)
	}
	return tw.Flush()
}

func modelRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea model run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	inputs := fs.String("input", "", "comma-separated raw little-endian input files, one per model input")
	output := fs.String("output", "", "file for the raw bytes of output 0 (all invokes concatenated)")
	seq := fs.Int("seq", 1, "invoke N times on N consecutive input tensors in each file")
	path, err := parseModelArgs(fs, args)
	if err != nil {
		return err
	}
	if *inputs == "" || *output == "" || *seq < 1 {
		return errors.New("model run: --input, --output and a positive --seq are required")
	}
	_, it, err := loadInterpreter(path, tflite.Options{})
	if err != nil {
		return err
	}
	files := strings.Split(*inputs, ",")
	if len(files) != len(it.Inputs()) {
		return fmt.Errorf("model run: %d input files for %d model inputs", len(files), len(it.Inputs()))
	}
	data := make([][]byte, len(files))
	for i, f := range files {
		if data[i], err = os.ReadFile(f); err != nil {
			return fmt.Errorf("model run: %w", err)
		}
		if want := len(it.Input(i).Data) * *seq; len(data[i]) != want {
			return fmt.Errorf("model run: %s has %d bytes; input %d (%s %v) × %d needs %d", f, len(data[i]), i, it.Input(i).Type, it.Input(i).Shape, *seq, want)
		}
	}
	var out []byte
	for s := 0; s < *seq; s++ {
		for i, in := range it.Inputs() {
			n := len(in.Data)
			copy(in.Data, data[i][s*n:(s+1)*n])
		}
		if err := it.Invoke(); err != nil {
			return err
		}
		out = append(out, it.Output(0).Data...)
	}
	return os.WriteFile(*output, out, 0o644)
}

func modelBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fovea model bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	iters := fs.Int("iters", 200, "timed invokes")
	warmup := fs.Int("warmup", 20, "untimed invokes first")
	threads := fs.Int("threads", 1, "goroutines the large operators split into")
	path, err := parseModelArgs(fs, args)
	if err != nil {
		return err
	}
	if *iters < 1 || *warmup < 0 || *threads < 1 || *threads > 256 {
		return errors.New("model bench: --iters and --threads (at most 256) must be positive and --warmup not negative")
	}
	_, it, err := loadInterpreter(path, tflite.Options{Threads: *threads})
	if err != nil {
		return err
	}
	defer it.Close()
	for i := 0; i < *warmup; i++ {
		if err := it.Invoke(); err != nil {
			return err
		}
	}
	d := make([]time.Duration, 0, *iters)
	for i := 0; i < *iters && ctx.Err() == nil; i++ {
		t0 := time.Now()
		if err := it.Invoke(); err != nil {
			return err
		}
		d = append(d, time.Since(t0))
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))]) / 1e6
	}
	unit := "threads"
	if *threads == 1 {
		unit = "thread"
	}
	fmt.Fprintf(stdout, "%s: %d invokes, min %.3f ms, median %.3f ms, p99 %.3f ms, max %.3f ms (%.2f M MAC, %d %s)\n",
		path, len(d), q(0), q(0.5), q(0.99), float64(d[len(d)-1])/1e6, float64(it.MACs())/1e6, *threads, unit)
	return nil
}
