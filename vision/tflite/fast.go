package tflite

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

// sumInt8 is Σ a[i].
func sumInt8(a []int8) int32 {
	var s int32
	for _, v := range a {
		s += int32(v)
	}
	return s
}

// convInt8Fast computes the interior of a CONV_2D without groups or
// dilation (every tap inside the input) with hoisted offsets, and the
// border with the reference loops.
func (k *convKernel) convInt8Fast(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Int8(), filter.Int8(), out.Int8()
	b := biasOf[int32](bias)
	batches, inH, inW, inC := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := filter.Shape[1], filter.Shape[2]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	rowLen := fW * inC
	taps := fH * rowLen
	patch := k.patch[:taps]
	// Taps outside the image hold the input's zero point: x + inOffset = 0
	// there, so they add nothing, exactly as the reference kernel skips them.
	pad := int8(-p.inOffset)
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				o := ((bt*outH+oy)*outW + ox) * outC
				// Gather the receptive field into one contiguous patch.
				for fy := 0; fy < fH; fy++ {
					row := patch[fy*rowLen : (fy+1)*rowLen]
					iy := iy0 + fy
					if iy < 0 || iy >= inH {
						fillInt8(row, pad)
						continue
					}
					a, e := max(0, -ix0), min(fW, inW-ix0)
					if a >= e {
						fillInt8(row, pad)
						continue
					}
					fillInt8(row[:a*inC], pad)
					xi := ((bt*inH+iy)*inW + ix0 + a) * inC
					copy(row[a*inC:e*inC], x[xi:xi+(e-a)*inC])
					fillInt8(row[e*inC:], pad)
				}
				oc := 0
				for ; oc+4 <= outC; oc += 4 {
					s0, s1, s2, s3 := dot4Int8(patch, w[oc*taps:], w[(oc+1)*taps:], w[(oc+2)*taps:], w[(oc+3)*taps:])
					y[o+oc] = k.requant(s0, oc, b)
					y[o+oc+1] = k.requant(s1, oc+1, b)
					y[o+oc+2] = k.requant(s2, oc+2, b)
					y[o+oc+3] = k.requant(s3, oc+3, b)
				}
				for ; oc < outC; oc++ {
					y[o+oc] = k.requant(dotInt8(w[oc*taps:(oc+1)*taps], patch), oc, b)
				}
			}
		}
	}
}

func fillInt8(s []int8, v int8) {
	for i := range s {
		s[i] = v
	}
}

// requant finishes output channel oc of an interior pixel from Σ w·x.
func (k *convKernel) requant(acc int32, oc int, b []int32) int8 {
	p := &k.p
	acc += p.inOffset * k.sumW[oc]
	if b != nil {
		acc += b[oc]
	}
	acc = multiplyByQuantizedMultiplier(acc, p.mult[oc], p.shift[oc]) + p.outOffset
	return int8(clampInt32(acc, p.actMin, p.actMax))
}

// convInt8At is the reference computation of one output pixel.
func (k *convKernel) convInt8At(x, w []int8, b []int32, y []int8, bt, oy, ox int, in, filter, out *RTensor) {
	p := &k.p
	inH, inW, inC := in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW, fC := filter.Shape[1], filter.Shape[2], filter.Shape[3]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	iy0 := oy*p.strideH - p.padH
	ix0 := ox*p.strideW - p.padW
	for oc := 0; oc < outC; oc++ {
		var acc int32
		for fy := 0; fy < fH; fy++ {
			iy := iy0 + p.dilationH*fy
			if iy < 0 || iy >= inH {
				continue
			}
			for fx := 0; fx < fW; fx++ {
				ix := ix0 + p.dilationW*fx
				if ix < 0 || ix >= inW {
					continue
				}
				xi := ((bt*inH+iy)*inW + ix) * inC
				wi := ((oc*fH+fy)*fW + fx) * fC
				for ic := 0; ic < fC; ic++ {
					acc += int32(w[wi+ic]) * (int32(x[xi+ic]) + p.inOffset)
				}
			}
		}
		if b != nil {
			acc += b[oc]
		}
		acc = multiplyByQuantizedMultiplier(acc, p.mult[oc], p.shift[oc]) + p.outOffset
		y[((bt*outH+oy)*outW+ox)*outC+oc] = int8(clampInt32(acc, p.actMin, p.actMax))
	}
}

// depthwiseInt8Fast accumulates over channels, contiguous in memory, one
// filter tap at a time, with the offset hoisted for interior pixels.
func (k *convKernel) depthwiseInt8Fast(in, filter, bias, out *RTensor) {
	p := &k.p
	x, w, y := in.Int8(), filter.Int8(), out.Int8()
	b := biasOf[int32](bias)
	batches, inH, inW, inC := in.Shape[0], in.Shape[1], in.Shape[2], in.Shape[3]
	fH, fW := filter.Shape[1], filter.Shape[2]
	outH, outW, outC := out.Shape[1], out.Shape[2], out.Shape[3]
	acc := k.acc[:outC]
	dm := p.depthMultiplier
	for bt := 0; bt < batches; bt++ {
		for oy := 0; oy < outH; oy++ {
			iy0 := oy*p.strideH - p.padH
			for ox := 0; ox < outW; ox++ {
				ix0 := ox*p.strideW - p.padW
				interior := iy0 >= 0 && ix0 >= 0 && iy0+(fH-1)*p.dilationH < inH && ix0+(fW-1)*p.dilationW < inW
				if interior {
					copy(acc, k.offsetSumW)
				} else {
					clear(acc)
				}
				for fy := 0; fy < fH; fy++ {
					iy := iy0 + p.dilationH*fy
					if iy < 0 || iy >= inH {
						continue
					}
					for fx := 0; fx < fW; fx++ {
						ix := ix0 + p.dilationW*fx
						if ix < 0 || ix >= inW {
							continue
						}
						xr := x[((bt*inH+iy)*inW+ix)*inC:][:inC]
						wr := w[(fy*fW+fx)*outC:][:outC]
						off := p.inOffset
						if interior {
							off = 0
						}
						if dm == 1 {
							if interior {
								macInt8(acc, xr, wr)
								continue
							}
							for c, xv := range xr {
								acc[c] += int32(wr[c]) * (int32(xv) + off)
							}
							continue
						}
						for ic, xv := range xr {
							xo := int32(xv) + off
							ws, as := wr[ic*dm:(ic+1)*dm], acc[ic*dm:(ic+1)*dm]
							for m, wv := range ws {
								as[m] += int32(wv) * xo
							}
						}
					}
				}
				o := y[((bt*outH+oy)*outW+ox)*outC:][:outC]
				for c := range o {
					a := acc[c]
					if b != nil {
						a += b[c]
					}
					a = multiplyByQuantizedMultiplier(a, p.mult[c], p.shift[c]) + p.outOffset
					o[c] = int8(clampInt32(a, p.actMin, p.actMax))
				}
			}
		}
	}
}
