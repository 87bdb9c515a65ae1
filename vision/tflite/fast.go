package tflite

import "math"

// Fast paths that give the same bytes as the reference loops: int32 sums
// are exact and wrap the same way in any order, so the input offset can be
// hoisted out of the inner loops (Σ w·(x+o) = Σ w·x + o·Σ w) and the loops
// reordered for contiguous memory. Each has its reference twin in the
// kernel's file; TestFastPathsMatchReference runs both.

// dotInt8 is Σ a[i]·b[i] over len(a) elements.
func dotInt8(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
		s2 += int32(a[i+2]) * int32(b[i+2])
		s3 += int32(a[i+3]) * int32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// dot4Int8 is four dot products of x with w0…w3, sharing each load of x.
// On amd64 with AVX2 the first multiple of 16 elements runs in assembly
// (dot4Int8AVX2, the same sums: integer addition is exact and wraps alike).
func dot4Int8(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	if n16 := len(x) &^ 15; useAVX2 && n16 > 0 {
		s0, s1, s2, s3 = dot4Int8Asm(x[:n16], w0[:n16], w1[:n16], w2[:n16], w3[:n16])
		t0, t1, t2, t3 := dot4Int8Go(x[n16:], w0[n16:], w1[n16:], w2[n16:], w3[n16:])
		return s0 + t0, s1 + t1, s2 + t2, s3 + t3
	}
	return dot4Int8Go(x, w0, w1, w2, w3)
}

// dot4Int8Go is the pure-Go twin of the assembly kernel:
//
//	for i := range x { s0 += x[i]*w0[i]; s1 += x[i]*w1[i]; … }
func dot4Int8Go(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	for i, v := range x {
		xv := int32(v)
		s0 += xv * int32(w0[i])
		s1 += xv * int32(w1[i])
		s2 += xv * int32(w2[i])
		s3 += xv * int32(w3[i])
	}
	return
}

// macInt8 is acc[i] += x[i]·w[i], in AVX2 where it can.
func macInt8(acc []int32, x, w []int8) {
	if n16 := len(x) &^ 15; useAVX2 && n16 > 0 {
		macInt8Asm(acc[:n16], x[:n16], w[:n16])
		macInt8Go(acc[n16:], x[n16:], w[n16:])
		return
	}
	macInt8Go(acc, x, w)
}

// macInt8Go is macInt8's pure-Go twin.
func macInt8Go(acc []int32, x, w []int8) {
	w = w[:len(x)]
	acc = acc[:len(x)]
	for i, v := range x {
		acc[i] += int32(v) * int32(w[i])
	}
}

// packPairs packs the filters of output channels 2q and 2q+1 (OHWI, taps
// each) into pairs[q·taps + i] = w_{2q+1}[i]·2^32 + w_{2q}[i], for
// dotPairGo; nil when the sums could leave int32 (taps ≥ 2^17).
func packPairs(w []int8, outC, taps int) []int64 {
	if taps >= 1<<17 || outC < 2 {
		return nil
	}
	pairs := make([]int64, outC/2*taps)
	for q := 0; q < outC/2; q++ {
		a, b := w[2*q*taps:][:taps], w[(2*q+1)*taps:][:taps]
		for i := range a {
			pairs[q*taps+i] = int64(b[i])<<32 + int64(a[i])
		}
	}
	return pairs
}

// dotPairGo is the dot products of x with two filters packed by packPairs,
// one 64-bit multiply for both: Σ x·(w_b·2^32 + w_a) = S_b·2^32 + S_a
// exactly, the low lane borrowing from the high one. With |x·w| ≤ 2^14 and
// fewer than 2^17 taps, |S_a| < 2^31, so the low 32 bits are S_a and the
// rest is S_b.
func dotPairGo(x []int8, pairs []int64) (sa, sb int32) {
	pairs = pairs[:len(x)]
	var s, t int64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		s += int64(x[i]) * pairs[i]
		t += int64(x[i+1]) * pairs[i+1]
	}
	if i < len(x) {
		s += int64(x[i]) * pairs[i]
	}
	s += t
	sa = int32(s)
	return sa, int32((s - int64(sa)) >> 32)
}

// dotPairsGo is dotPairGo of two packed pairs (four channels), sharing
// each load of x.
func dotPairsGo(x []int8, p, q []int64) (a0, a1, b0, b1 int32) {
	p, q = p[:len(x)], q[:len(x)]
	var s, t int64
	for i, v := range x {
		xv := int64(v)
		s += xv * p[i]
		t += xv * q[i]
	}
	a0, b0 = int32(s), int32(t)
	return a0, int32((s - int64(a0)) >> 32), b0, int32((t - int64(b0)) >> 32)
}

// sumInt8 is Σ a[i].
func sumInt8(a []int8) int32 {
	var s int32
	for _, v := range a {
		s += int32(v)
	}
	return s
}

// convInt8Fast computes CONV_2D without groups or dilation with four dot
// products at a time over each gathered receptive field and the offset
// hoisted, split over threads by output pixels: the path where the CPU
// has no VNNI.
func (k *convKernel) convInt8Fast(n *Node) {
	pixels := k.out.NumElements() / k.out.Shape[3]
	n.workers.run(n.workers.partsFor(n.Cost, pixels), k.dotPart)
}

// dotPartEval is one thread's share of convInt8Fast.
func (k *convKernel) dotPartEval(part, parts int) {
	p, in, out := &k.p, k.in, k.out
	w, y := k.filter.Int8(), out.Int8()
	b := biasOf[int32](k.bias)
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	taps := k.fH * k.fW * in.Shape[3]
	raw := k.patch[part][:taps]
	patch := view[int8](raw)
	acc := k.accs[part][:outC]
	lo, hi := span(out.NumElements()/outC, parts, part, 1)
	for m := lo; m < hi; m++ {
		ox, oy, bt := m%outW, m/outW%outH, m/(outW*outH)
		k.gather(raw, in.Data, bt, oy, ox, 0)
		oc := 0
		if k.pairs != nil { // no vector unit: two channels per 64-bit multiply
			for ; oc+4 <= outC; oc += 4 {
				acc[oc], acc[oc+1], acc[oc+2], acc[oc+3] = dotPairsGo(patch, k.pairs[oc/2*taps:][:taps], k.pairs[(oc/2+1)*taps:][:taps])
			}
			for ; oc+2 <= outC; oc += 2 {
				acc[oc], acc[oc+1] = dotPairGo(patch, k.pairs[oc/2*taps:][:taps])
			}
		}
		for ; oc+4 <= outC; oc += 4 {
			acc[oc], acc[oc+1], acc[oc+2], acc[oc+3] = dot4Int8(patch, w[oc*taps:], w[(oc+1)*taps:], w[(oc+2)*taps:], w[(oc+3)*taps:])
		}
		for ; oc < outC; oc++ {
			acc[oc] = dotInt8(w[oc*taps:(oc+1)*taps], patch)
		}
		for oc, s := range k.sumW {
			acc[oc] += p.inOffset * s
			if b != nil {
				acc[oc] += b[oc]
			}
		}
		k.rq.run(acc, y[m*outC:][:outC])
	}
}

func fillInt8(s []int8, v int8) {
	for i := range s {
		s[i] = v
	}
}

// depthwiseRows is DEPTHWISE_CONV_2D one output row at a time, for any
// stride, dilation and depth multiplier. For each filter tap, the inputs
// under a row of outputs are gathered into one contiguous run: the padded
// input row is split into stride phases (pixel j·stride+q in phase q) and,
// with a depth multiplier, each input channel repeated for its outputs.
// Tap (fy, fx) then reads phase (fx·dilation) mod stride from offset
// (fx·dilation)/stride, and multiply-accumulates over outW·outC lanes
// against the tap's weights, repeated along the row, do the work of the
// whole row, every tap at once (macTaps). Taps outside the image hold the
// input's zero point; the input offset joins the bias in the starting
// value, exactly as in the GEMM. Gathered rows are kept in slots, tagged
// with their input row, so the next output rows reuse them.
type depthwiseRows struct {
	phaseW int     // pixels per phase
	rowLen int     // bytes of one gathered input row: stride·phaseW·outC
	slots  int     // gathered rows kept per part: fH·dilationH
	w      []int8  // [fH·fW][outW·outC]: each tap's weights along a row
	sumW   []int32 // Σ of each channel's taps
	corr   []int32 // outW·outC starting values: b + inOffset·Σw
	parts  []dwScratch
}

// dwScratch is one part's (thread's) memory.
type dwScratch struct {
	rows   []int8 // slots gathered input rows
	tags   []int  // the input row in each slot (noRow: none)
	acc    []int32
	xs, ws [][]int8 // each tap's inputs and weights for the row in progress
}

const noRow = math.MinInt

func newDepthwiseRows(p *convParams, w []int8, fH, fW, outW, outC, parts int) *depthwiseRows {
	d := &depthwiseRows{phaseW: (fW-1)*p.dilationW/p.strideW + outW, slots: fH * p.dilationH}
	d.rowLen = p.strideW * d.phaseW * outC
	row := outW * outC
	for range parts {
		d.parts = append(d.parts, dwScratch{
			rows: make([]int8, d.slots*d.rowLen),
			tags: make([]int, d.slots),
			acc:  make([]int32, row),
			xs:   make([][]int8, fH*fW),
			ws:   make([][]int8, fH*fW),
		})
	}
	d.w = make([]int8, fH*fW*row)
	d.sumW = make([]int32, outC)
	for t := 0; t < fH*fW; t++ {
		tw := w[t*outC : (t+1)*outC]
		for c, v := range tw {
			d.sumW[c] += int32(v)
		}
		for ox := 0; ox < outW; ox++ {
			copy(d.w[t*row+ox*outC:], tw)
		}
	}
	d.corr = make([]int32, row)
	return d
}

// row returns input row iy gathered into stride phases (the zero point
// outside the image), from its slot when it is there already.
func (d *depthwiseRows) row(sc *dwScratch, p *convParams, x []int8, bt, iy, inH, inW, inC, outC int) []int8 {
	slot := (iy%d.slots + d.slots) % d.slots
	dst := sc.rows[slot*d.rowLen:][:d.rowLen]
	if sc.tags[slot] == iy {
		return dst
	}
	sc.tags[slot] = iy
	pad := int8(-p.inOffset)
	s, dm := p.strideW, p.depthMultiplier
	if iy < 0 || iy >= inH {
		fillInt8(dst, pad)
		return dst
	}
	base := (bt*inH + iy) * inW
	for q := 0; q < s; q++ {
		ph := dst[q*d.phaseW*outC:][:d.phaseW*outC]
		for j := 0; j < d.phaseW; j++ {
			px := ph[j*outC:][:outC]
			ix := j*s + q - p.padW
			if ix < 0 || ix >= inW {
				fillInt8(px, pad)
				continue
			}
			src := x[(base+ix)*inC:][:inC]
			if dm == 1 {
				if s == 1 { // one copy for the rest of the row
					n := min(inW-ix, d.phaseW-j)
					copy(ph[j*outC:], x[(base+ix)*inC:(base+ix+n)*inC])
					j += n - 1
					continue
				}
				copy(px, src)
				continue
			}
			for ic, v := range src {
				fillInt8(px[ic*dm:(ic+1)*dm], v)
			}
		}
	}
	return dst
}

// depthwiseInt8Fast is DEPTHWISE_CONV_2D through depthwiseRows, split
// over threads by output rows.
func (k *convKernel) depthwiseInt8Fast(n *Node) {
	p, d, out := &k.p, k.dw, k.out
	b := biasOf[int32](k.bias)
	outW, outC := out.Shape[2], out.Shape[3]
	for c, s := range d.sumW {
		v := p.inOffset * s
		if b != nil {
			v += b[c]
		}
		for ox := 0; ox < outW; ox++ {
			d.corr[ox*outC+c] = v
		}
	}
	rows := out.Shape[0] * out.Shape[1]
	n.workers.run(n.workers.partsFor(n.Cost, rows), k.dwPart)
}

// dwPartEval is one thread's share of depthwiseInt8Fast.
func (k *convKernel) dwPartEval(part, parts int) {
	p, d, in, out := &k.p, k.dw, k.in, k.out
	x, y := in.Int8(), out.Int8()
	inH, inW, inC := in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := k.fH, k.fW
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	row := outW * outC
	sc := &d.parts[part]
	for i := range sc.tags {
		sc.tags[i] = noRow // a new input
	}
	lo, hi := span(out.Shape[0]*outH, parts, part, 1)
	for r := lo; r < hi; r++ {
		bt, oy := r/outH, r%outH
		if oy == 0 && r > lo {
			for i := range sc.tags {
				sc.tags[i] = noRow // the next image of the batch
			}
		}
		for fy := 0; fy < fH; fy++ {
			in := d.row(sc, p, x, bt, oy*p.strideH-p.padH+fy*p.dilationH, inH, inW, inC, outC)
			for fx := 0; fx < fW; fx++ {
				u := fx * p.dilationW
				t := fy*fW + fx
				sc.xs[t] = in[(u%p.strideW)*d.phaseW*outC+u/p.strideW*outC:][:row]
				sc.ws[t] = d.w[t*row:][:row]
			}
		}
		copy(sc.acc, d.corr)
		macTaps(sc.acc, sc.xs, sc.ws)
		k.rq.run(sc.acc, y[r*row:][:row])
	}
}

// macTaps is acc[i] += Σ_t xs[t][i]·ws[t][i]: every tap of a row at once,
// each accumulator loaded and stored once (AVX-512 where the CPU has it).
func macTaps(acc []int32, xs, ws [][]int8) {
	n := len(acc)
	if n32 := n &^ 31; useAVX512 && n32 > 0 && len(xs) <= maxTaps {
		var xp, wp [maxTaps]*int8
		for t := range xs {
			_, _ = xs[t][n-1], ws[t][n-1]
			xp[t], wp[t] = &xs[t][0], &ws[t][0]
		}
		macTapsAVX512(&acc[0], &xp[0], &wp[0], len(xs), n32)
		for t := range xs {
			macInt8(acc[n32:], xs[t][n32:n], ws[t][n32:n])
		}
		return
	}
	for t := range xs {
		macInt8(acc, xs[t][:n], ws[t][:n])
	}
}

// maxTaps bounds the filters macTapsAVX512 takes (larger ones go tap by tap).
const maxTaps = 49
