package tflite

import "encoding/binary"

// CONV_2D as a matrix product (im2col): gemmRows output pixels at a time,
// their receptive fields gathered into the rows of a patch matrix and
// multiplied by the filter, packed once in Prepare for the micro-kernel.
//
// The micro-kernel is AVX-512 VNNI's VPDPBUSD, which multiplies unsigned
// bytes by signed bytes and adds each four products into an int32 lane
// without saturating. The patch therefore holds x+128 (x XOR 0x80) and the
// correction −128·Σw joins the bias and the input offset in the starting
// value of each accumulator:
//
//	Σ w·(x+inOffset) + b = Σ w·(x+128) + (inOffset−128)·Σw + b
//
// Every step is exact int32 arithmetic (wrapping alike in any order), so
// the result is the reference kernel's to the bit. Taps outside the image
// hold the input's zero point, where x+inOffset = 0, as the reference
// kernel skips them.

const (
	gemmRows = 8  // output pixels per micro-kernel call
	gemmCols = 16 // output channels per packed filter block
)

type gemmConv struct {
	taps, kp, ocPad int
	w               []int8  // [ocPad/16][kp/4][16 channels][4 taps]
	sumW            []int32 // Σ of each output channel's taps
	corr            []int32 // ocPad starting values: b + (inOffset−128)·Σw
	// Per part (thread): gemmRows rows of kp bytes, gemmRows rows of ocPad sums.
	patch [][]uint8
	acc   [][]int32
}

// newGEMMConv packs an OHWI int8 filter of outC channels, with scratch for
// parts threads.
func newGEMMConv(w []int8, outC, parts int) *gemmConv {
	taps := len(w) / outC
	g := &gemmConv{taps: taps, kp: (taps + 3) &^ 3, ocPad: (outC + gemmCols - 1) / gemmCols * gemmCols}
	g.w = make([]int8, g.ocPad*g.kp)
	g.sumW = make([]int32, outC)
	for oc := 0; oc < outC; oc++ {
		f := w[oc*taps : (oc+1)*taps]
		g.sumW[oc] = sumInt8(f)
		blk, lane := oc/gemmCols, oc%gemmCols
		for t, v := range f {
			g.w[(blk*g.kp/4+t/4)*4*gemmCols+lane*4+t%4] = v
		}
	}
	g.corr = make([]int32, g.ocPad)
	for range parts {
		g.patch = append(g.patch, make([]uint8, gemmRows*g.kp))
		g.acc = append(g.acc, make([]int32, gemmRows*g.ocPad))
	}
	return g
}

// gemmGo is the micro-kernel's pure-Go twin: for each of nb blocks of 16
// output channels and each of the gemmRows patch rows (kp bytes apart),
//
//	c[r·ldc + 16·blk + j] = corr[16·blk + j] + Σ_k a[r·kp + k] · w[blk][k/4][j][k%4]
//
// over k < 4·kg.
func gemmGo(a []uint8, kp int, w []int8, kg, nb int, corr, c []int32, ldc int) {
	for blk := 0; blk < nb; blk++ {
		wb := w[blk*kg*4*gemmCols:][:kg*4*gemmCols]
		for r := 0; r < gemmRows; r++ {
			row := a[r*kp:][:kg*4]
			out := c[r*ldc+blk*gemmCols:][:gemmCols]
			copy(out, corr[blk*gemmCols:][:gemmCols])
			for g := 0; g < kg; g++ {
				x := row[g*4:][:4]
				ws := wb[g*4*gemmCols:][:4*gemmCols]
				for j := range out {
					wj := ws[j*4:][:4]
					out[j] += int32(x[0])*int32(wj[0]) + int32(x[1])*int32(wj[1]) + int32(x[2])*int32(wj[2]) + int32(x[3])*int32(wj[3])
				}
			}
		}
	}
}

// gemm runs the micro-kernel on a part's patch into its accumulators.
func (g *gemmConv) gemm(part int) {
	kg, nb := g.kp/4, g.ocPad/gemmCols
	a, c := g.patch[part], g.acc[part]
	if useVNNI {
		gemmVNNI(&a[0], g.kp, &g.w[0], kg, nb, &g.corr[0], &c[0], g.ocPad)
		return
	}
	gemmGo(a, g.kp, g.w, kg, nb, g.corr, c, g.ocPad)
}

// flipCopy stores src's int8 bytes as x+128, eight at a time.
func flipCopy(dst, src []byte) {
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(src[i:])^0x8080808080808080)
	}
	for ; i < len(src); i++ {
		dst[i] = src[i] ^ 0x80
	}
}

func fillByte(s []byte, v byte) {
	for i := range s {
		s[i] = v
	}
}

// convInt8GEMM is CONV_2D without groups or dilation through the packed
// micro-kernel, split over threads by blocks of gemmRows pixels.
func (k *convKernel) convInt8GEMM(n *Node) {
	g, p := k.gemm, &k.p
	b := biasOf[int32](k.bias)
	for oc, s := range g.sumW {
		c := (p.inOffset - 128) * s
		if b != nil {
			c += b[oc]
		}
		g.corr[oc] = c
	}
	blocks := (k.out.NumElements()/k.out.Shape[3] + gemmRows - 1) / gemmRows
	n.workers.run(n.workers.partsFor(n.Cost, blocks), k.gemmPart)
}

// gather copies the receptive field of output pixel (bt, oy, ox) into
// patch, row by row, each byte XOR flip (0x80 gives the GEMM's x+128, 0 a
// plain copy). Taps outside the image hold the input's zero point: there
// x + inOffset = 0, so they add nothing, exactly as the reference kernel
// skips them.
func (k *convKernel) gather(patch, x []byte, bt, oy, ox int, flip byte) {
	p, in := &k.p, k.in
	inH, inW, inC := in.Shape[1], in.Shape[2], in.Shape[3]
	rowLen := k.fW * inC
	pad := uint8(int8(-p.inOffset)) ^ flip
	iy0, ix0 := oy*p.strideH-p.padH, ox*p.strideW-p.padW
	a, e := max(0, -ix0), min(k.fW, inW-ix0)
	for fy := 0; fy < k.fH; fy++ {
		row := patch[fy*rowLen:][:rowLen]
		iy := iy0 + fy
		if iy < 0 || iy >= inH || a >= e {
			fillByte(row, pad)
			continue
		}
		fillByte(row[:a*inC], pad)
		xi := ((bt*inH+iy)*inW + ix0 + a) * inC
		src := x[xi : xi+(e-a)*inC]
		if flip != 0 {
			flipCopy(row[a*inC:e*inC], src)
		} else {
			copy(row[a*inC:e*inC], src)
		}
		fillByte(row[e*inC:], pad)
	}
}

// gemmPartEval is one thread's share of convInt8GEMM.
func (k *convKernel) gemmPartEval(part, parts int) {
	g, out := k.gemm, k.out
	x, y := k.in.Data, out.Int8()
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	total := out.NumElements() / outC
	lo, hi := span(total, parts, part, gemmRows)
	ox, oy := lo%outW, lo/outW%outH
	bt := lo / (outW * outH)
	for m0 := lo; m0 < hi; m0 += gemmRows {
		rows := min(gemmRows, hi-m0)
		for r := 0; r < rows; r++ {
			k.gather(g.patch[part][r*g.kp:][:g.taps], x, bt, oy, ox, 0x80)
			if ox++; ox == outW {
				if ox, oy = 0, oy+1; oy == outH {
					oy, bt = 0, bt+1
				}
			}
		}
		g.gemm(part)
		acc := g.acc[part]
		for r := 0; r < rows; r++ {
			k.rq.run(acc[r*g.ocPad:], y[(m0+r)*outC:][:outC])
		}
	}
}
