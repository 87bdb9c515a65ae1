package vision

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision/tflite"
)

// The models Fovea trains (`make models`, vision/train) and embeds; each
// has the precortical stage before it but FashionRawModel, the precortical
// experiment's control. models/MODEL_CARD.md describes them.
var (
	//go:embed models/digits_precortical.tflite
	DigitsModel []byte // MNIST digits: the default, the classes of the default simulated world
	//go:embed models/fashion_precortical.tflite
	FashionModel []byte // Fashion-MNIST clothes
	//go:embed models/fashion_raw.tflite
	FashionRawModel []byte // Fashion-MNIST on raw pixels
)

// EmbeddedModels names the embedded models.
var EmbeddedModels = map[string][]byte{"digits": DigitsModel, "fashion": FashionModel, "fashion-raw": FashionRawModel}

// Metadata names in models written by Fovea.
const (
	MetaLabels = "fovea.labels" // class names, one per line
	MetaInput  = "fovea.input"  // an InputSpec as JSON
)

// InputSpec says how an image becomes the model's input: each pixel p (0 to
// 255) becomes (p − Mean) / Std, then the precortical stage runs on the
// plane if set (grey inputs only).
type InputSpec struct {
	Mean        float32                    `json:"mean"`
	Std         float32                    `json:"std"`
	Precortical *foveate.PrecorticalConfig `json:"precortical,omitempty"`
}

// Label is one class and its score (a probability for softmax outputs).
type Label struct {
	Class int
	Name  string
	Score float32
}

// Options configure a Categorizer. Zero values take the model's metadata,
// else the defaults.
type Options struct {
	Labels []string   // class names; else the model's, else "class N"
	Input  *InputSpec // else the model's, else Mean 0, Std 255 (inputs in [0, 1])
	Arena  []byte     // the interpreter's arena; allocated when nil
}

// Categorizer classifies image patches. It is not safe for concurrent use.
type Categorizer struct {
	it      *tflite.Interpreter
	in, out *tflite.RTensor
	labels  []string
	spec    InputSpec
	w, h    int // input size
	ch      int // input channels: 1 or 3
	plane   []float32
	pc      *foveate.Precortical
	scores  []float32
	rows    []float32 // resize scratch
}

// NewCategorizer parses and prepares model (which must outlive the
// Categorizer).
func NewCategorizer(model []byte, o Options) (*Categorizer, error) {
	m, err := tflite.Parse(model)
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	it, err := tflite.NewInterpreter(m, tflite.BuiltinOps(), tflite.Options{Arena: o.Arena})
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	if len(it.Inputs()) != 1 || len(it.Outputs()) != 1 {
		return nil, fmt.Errorf("vision: a classifier has one input and one output, this model %d and %d", len(it.Inputs()), len(it.Outputs()))
	}
	c := &Categorizer{it: it, in: it.Input(0), out: it.Output(0)}
	sh := c.in.Shape
	if len(sh) != 4 || sh[0] != 1 || sh[1] < 1 || sh[2] < 1 || sh[1] > 4096 || sh[2] > 4096 || (sh[3] != 1 && sh[3] != 3) {
		return nil, fmt.Errorf("vision: input of shape %v, want [1 H W 1] or [1 H W 3]", sh)
	}
	if t := c.in.Type; t != tflite.Int8 && t != tflite.Float32 {
		return nil, fmt.Errorf("vision: input of type %s, want int8 or float32", t)
	}
	if t := c.out.Type; t != tflite.Int8 && t != tflite.Float32 {
		return nil, fmt.Errorf("vision: output of type %s, want int8 or float32", t)
	}
	if c.in.Type == tflite.Int8 && !(c.in.Scale() > 0) {
		return nil, errors.New("vision: int8 input without quantisation parameters")
	}
	c.h, c.w, c.ch = sh[1], sh[2], sh[3]
	classes := c.out.NumElements()
	if classes < 2 {
		return nil, fmt.Errorf("vision: output of %d elements, want one score per class", classes)
	}
	// Labels.
	switch {
	case o.Labels != nil:
		c.labels = o.Labels
	default:
		if d, ok := m.MetadataNamed(MetaLabels); ok {
			c.labels = strings.Split(string(d), "\n")
		}
	}
	if c.labels == nil {
		for i := 0; i < classes; i++ {
			c.labels = append(c.labels, fmt.Sprintf("class %d", i))
		}
	}
	if len(c.labels) != classes {
		return nil, fmt.Errorf("vision: %d labels for %d classes", len(c.labels), classes)
	}
	// Input specification.
	c.spec = InputSpec{Mean: 0, Std: 255}
	if o.Input != nil {
		c.spec = *o.Input
	} else if d, ok := m.MetadataNamed(MetaInput); ok {
		c.spec = InputSpec{} // the metadata says it all
		dec := json.NewDecoder(bytes.NewReader(d))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.spec); err != nil {
			return nil, fmt.Errorf("vision: metadata %s: %w", MetaInput, err)
		}
	}
	if !(c.spec.Std != 0) || math.IsInf(float64(c.spec.Std), 0) || math.IsNaN(float64(c.spec.Mean)) || math.IsInf(float64(c.spec.Mean), 0) {
		return nil, fmt.Errorf("vision: input normalisation mean %v std %v invalid", c.spec.Mean, c.spec.Std)
	}
	c.plane = make([]float32, c.w*c.h*c.ch)
	if c.spec.Precortical != nil {
		if c.ch != 1 {
			return nil, errors.New("vision: the precortical stage needs a grey (1-channel) input")
		}
		if c.pc, err = foveate.NewPrecortical(*c.spec.Precortical, c.w, c.h); err != nil {
			return nil, fmt.Errorf("vision: %w", err)
		}
	}
	c.scores = make([]float32, classes)
	return c, nil
}

// Labels returns the class names.
func (c *Categorizer) Labels() []string { return c.labels }

// InputSize returns the model's input width, height and channels.
func (c *Categorizer) InputSize() (w, h, ch int) { return c.w, c.h, c.ch }

// Spec returns the input specification in use.
func (c *Categorizer) Spec() InputSpec { return c.spec }

// Categorize classifies patch (grey or BGR, any size) and fills dst with
// the len(dst) best classes, best first; it returns dst[:k].
func (c *Categorizer) Categorize(dst []Label, patch *device.Frame) ([]Label, error) {
	if err := patch.Validate(); err != nil {
		return nil, fmt.Errorf("vision: patch: %w", err)
	}
	if err := c.prepare(patch); err != nil {
		return nil, err
	}
	if err := c.it.Invoke(); err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	c.readScores()
	return c.top(dst), nil
}

// Scores returns every class's score from the last Categorize (a view).
func (c *Categorizer) Scores() []float32 { return c.scores }

// prepare resizes, converts, normalises and quantises patch into the input.
func (c *Categorizer) prepare(p *device.Frame) error {
	resizeArea(c.plane, c.w, c.h, c.ch, p, &c.rows)
	inv := 1 / c.spec.Std
	for i, v := range c.plane {
		c.plane[i] = (v - c.spec.Mean) * inv
	}
	if c.pc != nil {
		if err := c.pc.Apply(c.plane, c.plane); err != nil {
			return fmt.Errorf("vision: %w", err)
		}
	}
	switch c.in.Type {
	case tflite.Float32:
		copy(c.in.Float32(), c.plane)
	case tflite.Int8:
		s, zp := 1/c.in.Scale(), float32(c.in.ZeroPoint())
		q := c.in.Int8()
		for i, v := range c.plane {
			x := float32(math.Round(float64(v*s))) + zp
			q[i] = int8(max(-128, min(127, x)))
		}
	}
	return nil
}

func (c *Categorizer) readScores() {
	switch c.out.Type {
	case tflite.Float32:
		copy(c.scores, c.out.Float32())
	case tflite.Int8:
		s, zp := c.out.Scale(), c.out.ZeroPoint()
		for i, q := range c.out.Int8() {
			c.scores[i] = float32(int32(q)-zp) * s
		}
	}
}

// top fills dst with the best classes by partial selection (k is small).
func (c *Categorizer) top(dst []Label) []Label {
	k := min(len(dst), len(c.scores))
	for j := 0; j < k; j++ {
		best := -1
		for i, s := range c.scores {
			taken := false
			for _, d := range dst[:j] {
				if d.Class == i {
					taken = true
					break
				}
			}
			if !taken && (best < 0 || s > c.scores[best]) {
				best = i
			}
		}
		dst[j] = Label{Class: best, Name: c.labels[best], Score: c.scores[best]}
	}
	return dst[:k]
}

// resizeArea resamples src into dst (w×h×ch floats, pixel units 0–255) by
// exact area averaging (each output pixel the mean of the source area it
// covers, partial pixels weighted), converting BGR to grey (Rec. 601) or
// to RGB order as ch asks.
func resizeArea(dst []float32, w, h, ch int, src *device.Frame, rows *[]float32) {
	sw, sh := src.Width, src.Height
	// First pass: each source row resampled horizontally to w columns.
	need := sh * w * ch
	if cap(*rows) < need {
		*rows = make([]float32, need)
	}
	tmp := (*rows)[:need]
	fx := float64(sw) / float64(w)
	fy := float64(sh) / float64(h)
	for y := 0; y < sh; y++ {
		row := src.Pix[y*src.Stride:]
		for x := 0; x < w; x++ {
			x0, x1 := float64(x)*fx, float64(x+1)*fx
			var acc [3]float64
			for sx := int(x0); sx < sw && float64(sx) < x1; sx++ {
				wt := math.Min(x1, float64(sx+1)) - math.Max(x0, float64(sx))
				px := pixel(row, sx, src.Channels, ch)
				for k := 0; k < ch; k++ {
					acc[k] += wt * float64(px[k])
				}
			}
			for k := 0; k < ch; k++ {
				tmp[(y*w+x)*ch+k] = float32(acc[k] / fx)
			}
		}
	}
	for y := 0; y < h; y++ {
		y0, y1 := float64(y)*fy, float64(y+1)*fy
		for x := 0; x < w*ch; x++ {
			acc := 0.0
			for sy := int(y0); sy < sh && float64(sy) < y1; sy++ {
				wt := math.Min(y1, float64(sy+1)) - math.Max(y0, float64(sy))
				acc += wt * float64(tmp[sy*w*ch+x])
			}
			dst[y*w*ch+x] = float32(acc / fy)
		}
	}
}

// pixel returns source pixel x of row as ch values (grey or RGB).
func pixel(row []byte, x, srcCh, ch int) [3]float32 {
	if srcCh == 1 {
		v := float32(row[x])
		return [3]float32{v, v, v}
	}
	b, g, r := float32(row[3*x]), float32(row[3*x+1]), float32(row[3*x+2])
	if ch == 1 {
		return [3]float32{0.114*b + 0.587*g + 0.299*r}
	}
	return [3]float32{r, g, b}
}
