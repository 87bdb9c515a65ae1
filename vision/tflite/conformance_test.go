package tflite

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// conformanceDir holds real converter-made models with TFLite Micro's
// reference outputs (shared/conformance beside the project).
const conformanceDir = "../../../shared/conformance"

type confCase struct {
	name, model string
	inputs      []string
	seq         int
	golden      string
}

func loadCases(t *testing.T) []confCase {
	t.Helper()
	f, err := os.Open(filepath.Join(conformanceDir, "cases.tsv"))
	if err != nil {
		t.Skipf("conformance cases not found (%v): they live in shared/conformance beside the project", err)
	}
	defer f.Close()
	var cases []confCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) < 5 {
			t.Fatalf("cases.tsv: %q", line)
		}
		seq, err := strconv.Atoi(col[3])
		if err != nil || seq < 1 {
			t.Fatalf("cases.tsv: seq %q", col[3])
		}
		c := confCase{name: col[0], model: col[1], inputs: strings.Split(col[2], ","), seq: seq, golden: col[4]}
		if c.golden == "-" {
			c.golden = c.name + ".expected.bin"
		}
		cases = append(cases, c)
	}
	return cases
}

// RunSeq invokes it seq times on consecutive slices of the inputs and
// concatenates output 0, the conformance convention.
func runSeq(t *testing.T, it *Interpreter, inputs [][]byte, seq int) []byte {
	t.Helper()
	var out []byte
	for s := 0; s < seq; s++ {
		for i, in := range it.Inputs() {
			n := len(in.Data)
			if len(inputs[i]) != n*seq {
				t.Fatalf("input %d: %d bytes for %d × %d", i, len(inputs[i]), seq, n)
			}
			copy(in.Data, inputs[i][s*n:(s+1)*n])
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		out = append(out, it.Output(0).Data...)
	}
	return out
}

func TestConformance(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(conformanceDir, c.model))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			it, err := NewInterpreter(m, BuiltinOps(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ins [][]byte
			for _, p := range c.inputs {
				d, err := os.ReadFile(filepath.Join(conformanceDir, p))
				if err != nil {
					t.Fatal(err)
				}
				ins = append(ins, d)
			}
			got := runSeq(t, it, ins, c.seq)
			want, err := os.ReadFile(filepath.Join(conformanceDir, c.golden))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d output bytes, want %d", len(got), len(want))
			}
			if it.Output(0).Type != Float32 {
				if !bytes.Equal(got, want) {
					diff := 0
					for i := range got {
						if got[i] != want[i] {
							diff++
						}
					}
					t.Fatalf("%d of %d bytes differ; first got %v want %v", diff, len(got), got[:min(16, len(got))], want[:min(16, len(want))])
				}
				return
			}
			g, w := view[float32](got), view[float32](want)
			for i := range g {
				if d := math.Abs(float64(g[i] - w[i])); d > 1e-5*math.Max(1e-30, math.Abs(float64(w[i]))) && d > 1e-30 {
					t.Fatalf("element %d: %v, want %v", i, g[i], w[i])
				}
			}
		})
	}
}
