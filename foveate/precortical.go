package foveate

import (
	"fmt"
	"math"
)

// PrecorticalConfig sets up the retina/LGN stage. Distances are in samples
// of the image it runs on: on the cortical image a sample spans ever more
// pixels with eccentricity, so fixed sizes in samples give receptive fields
// that grow with eccentricity, as in the primate retina.
//
// The stages and their biological basis (after the retina block of EVNet,
// itself fitted to primate retinal ganglion cells: light-adaptation
// exponent 0.3, centre and surround radii 1.24 and 7.15 px at 32 px/deg,
// contrast normalisation c50 0.029 with exponent 0.47):
//
//  1. Light adaptation (photoreceptors, horizontal cells): each sample is
//     divided by its local mean luminance raised to AdaptExponent; with 1
//     the output is a Weber contrast, blind to the overall light level.
//  2. Centre-surround (bipolar and ganglion cells): a difference of
//     Gaussians, SigmaCentre minus SurroundWeight × SigmaSurround. Positive
//     outputs are ON-centre responses, negative ones OFF-centre.
//  3. Contrast normalisation (contrast gain control): each response is
//     divided by (C50 + local RMS response)^NormExponent, so that a low-
//     and a high-contrast scene give responses of similar size.
//
// DefaultPrecortical keeps EVNet's centre/surround ratio (5.8) but adapts
// fully (exponents 1), which makes the output invariant to intensity and
// nearly so to contrast (TestPrecorticalRobustToLight states the bounds);
// EVNetPrecortical keeps EVNet's exponents, for comparison.
type PrecorticalConfig struct {
	AdaptExponent  float64
	SigmaAdapt     float64
	SigmaCentre    float64
	SigmaSurround  float64
	SurroundWeight float64
	C50            float64
	NormExponent   float64
	SigmaNorm      float64
	WrapX          bool // the x axis wraps around (wedges of a cortical image)
}

// DefaultPrecortical is robust to light: full adaptation and normalisation.
var DefaultPrecortical = PrecorticalConfig{
	AdaptExponent: 1, SigmaAdapt: 6, SigmaCentre: 0.6, SigmaSurround: 3.5, SurroundWeight: 1,
	C50: 0.005, NormExponent: 1, SigmaNorm: 4,
}

// EVNetPrecortical uses EVNet's exponents and semi-saturation constant.
var EVNetPrecortical = PrecorticalConfig{
	AdaptExponent: 0.3, SigmaAdapt: 6, SigmaCentre: 0.6, SigmaSurround: 3.5, SurroundWeight: 1,
	C50: 0.029, NormExponent: 0.47, SigmaNorm: 4,
}

// Precortical runs the stage on w×h planes. Buffers are sized once.
type Precortical struct {
	cfg          PrecorticalConfig
	w, h         int
	lum, a, c, s []float32
	tmp          []float32
}

// NewPrecortical prepares the stage for w×h planes.
func NewPrecortical(cfg PrecorticalConfig, w, h int) (*Precortical, error) {
	switch {
	case w <= 0 || h <= 0 || w*h > 1<<26:
		return nil, fmt.Errorf("foveate: precortical: size %dx%d", w, h)
	case !(cfg.AdaptExponent >= 0 && cfg.AdaptExponent <= 1):
		return nil, fmt.Errorf("foveate: precortical: adaptation exponent %v outside [0, 1]", cfg.AdaptExponent)
	case !(cfg.SigmaCentre > 0 && cfg.SigmaSurround > cfg.SigmaCentre && cfg.SigmaAdapt > 0 && cfg.SigmaNorm > 0):
		return nil, fmt.Errorf("foveate: precortical: sigmas must be positive with the surround wider than the centre")
	case !(cfg.C50 > 0) || !(cfg.NormExponent >= 0 && cfg.NormExponent <= 2):
		return nil, fmt.Errorf("foveate: precortical: c50 %v or exponent %v invalid", cfg.C50, cfg.NormExponent)
	}
	n := w * h
	return &Precortical{cfg: cfg, w: w, h: h, lum: make([]float32, n), a: make([]float32, n),
		c: make([]float32, n), s: make([]float32, n), tmp: make([]float32, n)}, nil
}

// ApplyImage runs the stage on the luminance of a cortical image into dst
// (Rings×Wedges values, signed: ON positive, OFF negative). Invalid samples
// take the mean of the valid ones first, so the frame's edge is no contrast.
func (p *Precortical) ApplyImage(dst []float32, im *Image) error {
	if im.Rings*im.Wedges != p.w*p.h || im.Wedges != p.w {
		return fmt.Errorf("foveate: precortical: image %d×%d, stage %d×%d", im.Rings, im.Wedges, p.h, p.w)
	}
	ch := im.Channels
	var sum float64
	n := 0
	for k, ok := range im.Valid {
		if !ok {
			continue
		}
		var v float32
		if ch == 3 { // BGR → luminance (Rec. 601)
			v = 0.114*im.Pix[3*k] + 0.587*im.Pix[3*k+1] + 0.299*im.Pix[3*k+2]
		} else {
			v = im.Pix[k]
		}
		p.lum[k] = v
		sum += float64(v)
		n++
	}
	mean := float32(0)
	if n > 0 {
		mean = float32(sum / float64(n))
	}
	for k, ok := range im.Valid {
		if !ok {
			p.lum[k] = mean
		}
	}
	return p.Apply(dst, p.lum)
}

// Apply runs the stage on a w×h plane of luminance (any positive unit)
// into dst. src and dst may be the same slice.
func (p *Precortical) Apply(dst, src []float32) error {
	n := p.w * p.h
	if len(src) < n || len(dst) < n {
		return fmt.Errorf("foveate: precortical: planes of %d and %d values, need %d", len(src), len(dst), n)
	}
	c := &p.cfg
	// 1. Light adaptation.
	p.blur(p.a, src[:n], c.SigmaAdapt)
	const eps = 1e-3
	for i := 0; i < n; i++ {
		m := float64(p.a[i]) + eps
		if c.AdaptExponent != 1 {
			m = math.Pow(m, c.AdaptExponent)
		}
		p.lum[i] = float32(float64(src[i]) / m)
	}
	// 2. Centre-surround.
	p.blur(p.c, p.lum, c.SigmaCentre)
	p.blur(p.s, p.lum, c.SigmaSurround)
	sw := float32(c.SurroundWeight)
	for i := 0; i < n; i++ {
		p.c[i] -= sw * p.s[i]
		p.a[i] = p.c[i] * p.c[i]
	}
	// 3. Contrast normalisation by the local RMS response.
	p.blur(p.s, p.a, c.SigmaNorm)
	for i := 0; i < n; i++ {
		d := float64(c.C50) + math.Sqrt(float64(max(p.s[i], 0)))
		if c.NormExponent != 1 {
			d = math.Pow(d, c.NormExponent)
		}
		dst[i] = float32(float64(p.c[i]) / d)
	}
	return nil
}

// blur is a separable Gaussian of standard deviation sigma, clamped at the
// borders (wrapped along x when WrapX): a truncated kernel for small sigmas,
// three running box filters (within 3% of a Gaussian) for larger ones.
func (p *Precortical) blur(dst, src []float32, sigma float64) {
	if sigma < 2 {
		p.blurKernel(dst, src, sigma)
		return
	}
	// Box widths whose threefold convolution has variance sigma² (Kovesi).
	wl := int(math.Floor(math.Sqrt(4*sigma*sigma+1))) | 1
	if wl < 1 {
		wl = 1
	}
	wl -= 2
	wu := wl + 2
	m := int(math.Round((12*sigma*sigma - 3*float64(wl*wl) - 12*float64(wl) - 9) / (-4*float64(wl) - 4)))
	copy(dst, src[:len(dst)])
	for i := 0; i < 3; i++ {
		w := wu
		if i < m {
			w = wl
		}
		r := max(w/2, 0)
		p.boxX(p.tmp, dst, r)
		p.boxY(dst, p.tmp, r)
	}
}

func (p *Precortical) boxX(dst, src []float32, r int) {
	w := p.w
	inv := 1 / float32(2*r+1)
	for y := 0; y < p.h; y++ {
		row, out := src[y*w:(y+1)*w], dst[y*w:(y+1)*w]
		at := func(x int) float32 {
			if p.cfg.WrapX {
				return row[(x%w+w)%w]
			}
			return row[min(max(x, 0), w-1)]
		}
		var sum float32
		for x := -r; x <= r; x++ {
			sum += at(x)
		}
		for x := 0; x < w; x++ {
			out[x] = sum * inv
			sum += at(x+r+1) - at(x-r)
		}
	}
}

func (p *Precortical) boxY(dst, src []float32, r int) {
	w, h := p.w, p.h
	inv := 1 / float32(2*r+1)
	for x := 0; x < w; x++ {
		var sum float32
		for y := -r; y <= r; y++ {
			sum += src[min(max(y, 0), h-1)*w+x]
		}
		for y := 0; y < h; y++ {
			dst[y*w+x] = sum * inv
			sum += src[min(y+r+1, h-1)*w+x] - src[max(y-r, 0)*w+x]
		}
	}
}

// blurKernel convolves with a sampled Gaussian truncated at 3σ.
func (p *Precortical) blurKernel(dst, src []float32, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	var kbuf [16]float32
	k := kbuf[:2*r+1]
	var ksum float32
	for i := -r; i <= r; i++ {
		v := float32(math.Exp(-float64(i*i) / (2 * sigma * sigma)))
		k[i+r] = v
		ksum += v
	}
	for i := range k {
		k[i] /= ksum
	}
	w, h := p.w, p.h
	for y := 0; y < h; y++ {
		row := src[y*w : (y+1)*w]
		out := p.tmp[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			var acc float32
			if x >= r && x < w-r {
				for i, kv := range k {
					acc += kv * row[x+i-r]
				}
			} else {
				for i, kv := range k {
					xx := x + i - r
					if p.cfg.WrapX {
						xx = (xx%w + w) % w
					} else {
						xx = min(max(xx, 0), w-1)
					}
					acc += kv * row[xx]
				}
			}
			out[x] = acc
		}
	}
	for y := 0; y < h; y++ {
		out := dst[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			var acc float32
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				acc += kv * p.tmp[yy*w+x]
			}
			out[x] = acc
		}
	}
}
