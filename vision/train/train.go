package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Samples is what training reads: n grey images of Side×Side bytes and
// their classes.
type Samples interface {
	Len() int
	Image(i int) []byte
	Label(i int) int
}

// Preprocess turns a grey image (bytes, Side×Side) into the network's
// input plane. Raw divides by 255; the precortical stage is another.
type Preprocess func(dst []float32, img []byte)

// Raw maps bytes to [0, 1].
func Raw(dst []float32, img []byte) {
	for i, v := range img {
		dst[i] = float32(v) / 255
	}
}

// Config sets up training.
type Config struct {
	Epochs int
	Batch  int
	LR     float64 // Adam's step size, decayed along a cosine to zero
	Shift  int     // random translation of each training image, ±pixels
	Seed   uint64
}

// DefaultConfig trains the categoriser in a few minutes on two cores.
var DefaultConfig = Config{Epochs: 8, Batch: 64, LR: 2e-3, Shift: 2, Seed: 1}

// Progress reports training: epoch (from 1), step within it, steps per
// epoch and the running mean loss of the epoch.
type Progress func(epoch, step, steps int, loss float64)

// Train fits n to data, preprocessing each (shifted) image with prep.
func Train(n *Net, data Samples, prep Preprocess, cfg Config, progress Progress) error {
	switch {
	case cfg.Epochs < 1 || cfg.Batch < 1 || cfg.Batch > 4096 || !(cfg.LR > 0 && cfg.LR < 1) || cfg.Shift < 0 || cfg.Shift >= n.Side/2:
		return fmt.Errorf("train: configuration %+v invalid", cfg)
	case data.Len() < cfg.Batch:
		return fmt.Errorf("train: %d samples for batches of %d", data.Len(), cfg.Batch)
	case prep == nil:
		return errors.New("train: no preprocessing")
	}
	for i := 0; i < data.Len(); i++ {
		if len(data.Image(i)) != n.Side*n.Side {
			return fmt.Errorf("train: sample %d has %d pixels, want %d", i, len(data.Image(i)), n.Side*n.Side)
		}
		if l := data.Label(i); l < 0 || l >= n.Classes {
			return fmt.Errorf("train: sample %d has class %d of %d", i, l, n.Classes)
		}
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x747261696e))
	w := n.newWork(cfg.Batch)
	params := n.params()
	m1 := make([][]float32, len(params))
	m2 := make([][]float32, len(params))
	for i, p := range params {
		m1[i], m2[i] = make([]float32, len(p)), make([]float32, len(p))
	}
	side := n.Side
	x := make([]float32, cfg.Batch*side*side)
	y := make([]uint8, cfg.Batch)
	shifted := make([]byte, side*side)
	order := make([]int, data.Len())
	for i := range order {
		order[i] = i
	}
	steps := data.Len() / cfg.Batch
	total := cfg.Epochs * steps
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	t := 0
	for e := 1; e <= cfg.Epochs; e++ {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		sum := 0.0
		for s := 0; s < steps; s++ {
			for k := 0; k < cfg.Batch; k++ {
				i := order[s*cfg.Batch+k]
				dx, dy := 0, 0
				if cfg.Shift > 0 {
					dx, dy = r.IntN(2*cfg.Shift+1)-cfg.Shift, r.IntN(2*cfg.Shift+1)-cfg.Shift
				}
				Shift(shifted, data.Image(i), side, dx, dy)
				prep(x[k*side*side:(k+1)*side*side], shifted)
				y[k] = uint8(data.Label(i))
			}
			n.forward(w, x, cfg.Batch)
			loss := n.backward(w, y, cfg.Batch)
			if math.IsNaN(loss) {
				return fmt.Errorf("train: epoch %d step %d: loss is NaN (learning rate %v too high?)", e, s, cfg.LR)
			}
			sum += loss
			// Adam with a cosine-decayed step size.
			t++
			lr := cfg.LR * 0.5 * (1 + math.Cos(math.Pi*float64(t-1)/float64(total)))
			c1 := 1 - math.Pow(beta1, float64(t))
			c2 := 1 - math.Pow(beta2, float64(t))
			step := float32(lr * math.Sqrt(c2) / c1)
			for pi, p := range params {
				g, a, b := w.grads[pi], m1[pi], m2[pi]
				for j := range p {
					a[j] = beta1*a[j] + (1-beta1)*g[j]
					b[j] = beta2*b[j] + (1-beta2)*g[j]*g[j]
					p[j] -= step * a[j] / (float32(math.Sqrt(float64(b[j]))) + eps)
				}
			}
			if progress != nil {
				progress(e, s+1, steps, sum/float64(s+1))
			}
		}
	}
	return nil
}

// Shift translates a side×side image by (dx, dy) pixels into dst, filling
// with zero (black).
func Shift(dst, src []byte, side, dx, dy int) {
	if dx == 0 && dy == 0 {
		copy(dst, src[:side*side])
		return
	}
	for y := 0; y < side; y++ {
		row := dst[y*side : (y+1)*side]
		sy := y - dy
		if sy < 0 || sy >= side {
			clear(row)
			continue
		}
		for x := range row {
			sx := x - dx
			if sx < 0 || sx >= side {
				row[x] = 0
			} else {
				row[x] = src[sy*side+sx]
			}
		}
	}
}

// Accuracy is the float network's top-1 accuracy on data.
func Accuracy(n *Net, data Samples, prep Preprocess) float64 {
	const b = 256
	w := n.newWork(b)
	side := n.Side
	x := make([]float32, b*side*side)
	correct := 0
	for s := 0; s < data.Len(); s += b {
		m := min(b, data.Len()-s)
		for k := 0; k < m; k++ {
			prep(x[k*side*side:(k+1)*side*side], data.Image(s+k))
		}
		n.forward(w, x, m)
		for k := 0; k < m; k++ {
			l := w.logits[k*n.Classes : (k+1)*n.Classes]
			best := 0
			for j, v := range l {
				if v > l[best] {
					best = j
				}
			}
			if best == data.Label(s+k) {
				correct++
			}
		}
	}
	return float64(correct) / float64(data.Len())
}
