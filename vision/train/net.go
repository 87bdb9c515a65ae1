package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Arch is the network's shape.
type Arch struct {
	Side    int // input width and height (a multiple of 4)
	C1, C2  int // channels of the two convolutions
	Classes int
}

// DefaultArch is the categoriser's network for 28×28 inputs.
var DefaultArch = Arch{Side: 28, C1: 16, C2: 32, Classes: 10}

// Validate checks the shape.
func (a Arch) Validate() error {
	if a.Side < 4 || a.Side%4 != 0 || a.Side > 256 || a.C1 < 1 || a.C1 > 256 || a.C2 < 1 || a.C2 > 256 || a.Classes < 2 || a.Classes > 1000 {
		return fmt.Errorf("train: architecture %+v invalid (side a multiple of 4 up to 256, 1–256 channels, 2–1000 classes)", a)
	}
	return nil
}

func (a Arch) feat() int { s := a.Side / 4; return s * s * a.C2 }

// Net holds the float parameters. Weight layouts are TensorFlow Lite's:
// convolution filters [out][ky][kx][in], readout [class][y][x][c].
type Net struct {
	Arch
	W1, B1, W2, B2, W3, B3 []float32
}

// NewNet initialises a network (He initialisation) from seed.
func NewNet(a Arch, seed uint64) (*Net, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x6e6574))
	he := func(n, fanIn int) []float32 {
		w := make([]float32, n)
		s := math.Sqrt(2 / float64(fanIn))
		for i := range w {
			w[i] = float32(r.NormFloat64() * s)
		}
		return w
	}
	return &Net{Arch: a,
		W1: he(a.C1*9, 9), B1: make([]float32, a.C1),
		W2: he(a.C2*9*a.C1, 9*a.C1), B2: make([]float32, a.C2),
		W3: he(a.Classes*a.feat(), a.feat()), B3: make([]float32, a.Classes)}, nil
}

func (n *Net) params() [][]float32 { return [][]float32{n.W1, n.B1, n.W2, n.B2, n.W3, n.B3} }

// work holds one batch's activations and gradients, sized once.
type work struct {
	b                    int
	col1, z1, p1         []float32
	idx1                 []int32
	col2, z2, p2         []float32
	idx2                 []int32
	logits, dlog         []float32
	dp2, dz2, dcol2, dp1 []float32
	dz1                  []float32
	grads                [][]float32
}

func (n *Net) newWork(b int) *work {
	s, s2, s4 := n.Side, n.Side/2, n.Side/4
	w := &work{b: b,
		col1: make([]float32, b*s*s*9), z1: make([]float32, b*s*s*n.C1),
		p1: make([]float32, b*s2*s2*n.C1), idx1: make([]int32, b*s2*s2*n.C1),
		col2: make([]float32, b*s2*s2*9*n.C1), z2: make([]float32, b*s2*s2*n.C2),
		p2: make([]float32, b*s4*s4*n.C2), idx2: make([]int32, b*s4*s4*n.C2),
		logits: make([]float32, b*n.Classes), dlog: make([]float32, b*n.Classes),
		dp2: make([]float32, b*s4*s4*n.C2), dz2: make([]float32, b*s2*s2*n.C2),
		dcol2: make([]float32, b*s2*s2*9*n.C1), dp1: make([]float32, b*s2*s2*n.C1),
		dz1: make([]float32, b*s*s*n.C1)}
	for _, p := range n.params() {
		w.grads = append(w.grads, make([]float32, len(p)))
	}
	return w
}

// im2col lays out 3×3 SAME-padded patches of x ([b][s][s][c]) as rows of
// col ([b·s·s][9c], columns in [ky][kx][c] order).
func im2col(col, x []float32, b, s, c int) {
	k := 0
	for i := 0; i < b; i++ {
		img := x[i*s*s*c:]
		for y := 0; y < s; y++ {
			for xx := 0; xx < s; xx++ {
				for ky := -1; ky <= 1; ky++ {
					for kx := -1; kx <= 1; kx++ {
						yy, xq := y+ky, xx+kx
						if yy < 0 || yy >= s || xq < 0 || xq >= s {
							clear(col[k : k+c])
						} else {
							copy(col[k:k+c], img[(yy*s+xq)*c:(yy*s+xq+1)*c])
						}
						k += c
					}
				}
			}
		}
	}
}

// col2im adds the patch gradients dcol back onto dx (zeroed first).
func col2im(dx, dcol []float32, b, s, c int) {
	clear(dx[:b*s*s*c])
	k := 0
	for i := 0; i < b; i++ {
		img := dx[i*s*s*c:]
		for y := 0; y < s; y++ {
			for xx := 0; xx < s; xx++ {
				for ky := -1; ky <= 1; ky++ {
					for kx := -1; kx <= 1; kx++ {
						yy, xq := y+ky, xx+kx
						if yy >= 0 && yy < s && xq >= 0 && xq < s {
							d := img[(yy*s+xq)*c : (yy*s+xq+1)*c]
							for j, v := range dcol[k : k+c] {
								d[j] += v
							}
						}
						k += c
					}
				}
			}
		}
	}
}

// maxPool2 is a 2×2 stride-2 max pool of x ([b][s][s][c]) that records
// the argmax of each output.
func maxPool2(p []float32, idx []int32, x []float32, b, s, c int) {
	h := s / 2
	o := 0
	for i := 0; i < b; i++ {
		base := i * s * s * c
		for y := 0; y < h; y++ {
			for xx := 0; xx < h; xx++ {
				for ch := 0; ch < c; ch++ {
					j0 := base + ((2*y)*s+2*xx)*c + ch
					best := int32(j0)
					for _, j := range [4]int{j0, j0 + c, j0 + s*c, j0 + s*c + c} {
						if x[j] > x[best] {
							best = int32(j)
						}
					}
					p[o], idx[o] = x[best], best
					o++
				}
			}
		}
	}
}

func gemm(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32) {
	blas32.Implementation().Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}

// forward runs x ([b][side][side][1]) to w.logits.
func (n *Net) forward(w *work, x []float32, b int) {
	s, s2 := n.Side, n.Side/2
	im2col(w.col1, x, b, s, 1)
	rows := b * s * s
	gemm(blas.NoTrans, blas.Trans, rows, n.C1, 9, w.col1, 9, n.W1, 9, 0, w.z1)
	biasRelu(w.z1[:rows*n.C1], n.B1)
	maxPool2(w.p1, w.idx1, w.z1, b, s, n.C1)
	im2col(w.col2, w.p1, b, s2, n.C1)
	rows2 := b * s2 * s2
	gemm(blas.NoTrans, blas.Trans, rows2, n.C2, 9*n.C1, w.col2, 9*n.C1, n.W2, 9*n.C1, 0, w.z2)
	biasRelu(w.z2[:rows2*n.C2], n.B2)
	maxPool2(w.p2, w.idx2, w.z2, b, s2, n.C2)
	f := n.feat()
	gemm(blas.NoTrans, blas.Trans, b, n.Classes, f, w.p2, f, n.W3, f, 0, w.logits)
	for i := 0; i < b; i++ {
		for j, v := range n.B3 {
			w.logits[i*n.Classes+j] += v
		}
	}
}

func biasRelu(z, bias []float32) {
	c := len(bias)
	for i := 0; i < len(z); i += c {
		row := z[i : i+c]
		for j := range row {
			if v := row[j] + bias[j]; v > 0 {
				row[j] = v
			} else {
				row[j] = 0
			}
		}
	}
}

// backward computes the mean cross-entropy's gradients for labels y from
// the activations forward left in w, and returns the loss.
func (n *Net) backward(w *work, y []uint8, b int) float64 {
	s, s2, K := n.Side, n.Side/2, n.Classes
	loss := 0.0
	for i := 0; i < b; i++ {
		l := w.logits[i*K : (i+1)*K]
		d := w.dlog[i*K : (i+1)*K]
		m := l[0]
		for _, v := range l {
			m = max(m, v)
		}
		sum := 0.0
		for j, v := range l {
			e := math.Exp(float64(v - m))
			d[j] = float32(e)
			sum += e
		}
		for j := range d {
			d[j] = float32(float64(d[j])/sum) / float32(b)
		}
		loss -= math.Log(math.Max(float64(d[y[i]])*float64(b), 1e-30))
		d[y[i]] -= 1 / float32(b)
	}
	g := w.grads
	f := n.feat()
	// Readout.
	gemm(blas.Trans, blas.NoTrans, K, f, b, w.dlog, K, w.p2, f, 0, g[4])
	colSum(g[5], w.dlog[:b*K])
	gemm(blas.NoTrans, blas.NoTrans, b, f, K, w.dlog, K, n.W3, f, 0, w.dp2)
	// Second convolution.
	rows2 := b * s2 * s2
	unpoolRelu(w.dz2[:rows2*n.C2], w.dp2[:b*f], w.idx2, w.z2)
	gemm(blas.Trans, blas.NoTrans, n.C2, 9*n.C1, rows2, w.dz2, n.C2, w.col2, 9*n.C1, 0, g[2])
	colSum(g[3], w.dz2[:rows2*n.C2])
	gemm(blas.NoTrans, blas.NoTrans, rows2, 9*n.C1, n.C2, w.dz2, n.C2, n.W2, 9*n.C1, 0, w.dcol2)
	col2im(w.dp1, w.dcol2, b, s2, n.C1)
	// First convolution.
	rows := b * s * s
	unpoolRelu(w.dz1[:rows*n.C1], w.dp1[:rows2*n.C1], w.idx1, w.z1)
	gemm(blas.Trans, blas.NoTrans, n.C1, 9, rows, w.dz1, n.C1, w.col1, 9, 0, g[0])
	colSum(g[1], w.dz1[:rows*n.C1])
	return loss / float64(b)
}

// unpoolRelu routes pooled gradients to their argmax, through the ReLU.
func unpoolRelu(dz, dp []float32, idx []int32, z []float32) {
	clear(dz)
	for o, j := range idx[:len(dp)] {
		if z[j] > 0 {
			dz[j] += dp[o]
		}
	}
}

func colSum(dst, m []float32) {
	clear(dst)
	c := len(dst)
	for i := 0; i < len(m); i += c {
		for j, v := range m[i : i+c] {
			dst[j] += v
		}
	}
}
