#include "textflag.h"

// func dot4Int8AVX2(x, w0, w1, w2, w3 *int8, n int) (s0, s1, s2, s3 int32)
TEXT ·dot4Int8AVX2(SB), NOSPLIT, $0-64
	MOVQ x+0(FP), SI
	MOVQ w0+8(FP), R8
	MOVQ w1+16(FP), R9
	MOVQ w2+24(FP), R10
	MOVQ w3+32(FP), R11
	MOVQ n+40(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

loop:
	CMPQ CX, $16
	JL   done
	VPMOVSXBW (SI), Y4
	VPMOVSXBW (R8), Y5
	VPMADDWD  Y4, Y5, Y5
	VPADDD    Y5, Y0, Y0
	VPMOVSXBW (R9), Y6
	VPMADDWD  Y4, Y6, Y6
	VPADDD    Y6, Y1, Y1
	VPMOVSXBW (R10), Y7
	VPMADDWD  Y4, Y7, Y7
	VPADDD    Y7, Y2, Y2
	VPMOVSXBW (R11), Y8
	VPMADDWD  Y4, Y8, Y8
	VPADDD    Y8, Y3, Y3
	ADDQ      $16, SI
	ADDQ      $16, R8
	ADDQ      $16, R9
	ADDQ      $16, R10
	ADDQ      $16, R11
	SUBQ      $16, CX
	JMP       loop

done:
	// Horizontal sums of the four accumulators.
	VEXTRACTI128 $1, Y0, X4
	VPADDD       X4, X0, X0
	VPSHUFD      $0x4E, X0, X4
	VPADDD       X4, X0, X0
	VPSHUFD      $0xB1, X0, X4
	VPADDD       X4, X0, X0
	VMOVD        X0, AX
	MOVL         AX, s0+48(FP)

	VEXTRACTI128 $1, Y1, X4
	VPADDD       X4, X1, X1
	VPSHUFD      $0x4E, X1, X4
	VPADDD       X4, X1, X1
	VPSHUFD      $0xB1, X1, X4
	VPADDD       X4, X1, X1
	VMOVD        X1, AX
	MOVL         AX, s1+52(FP)

	VEXTRACTI128 $1, Y2, X4
	VPADDD       X4, X2, X2
	VPSHUFD      $0x4E, X2, X4
	VPADDD       X4, X2, X2
	VPSHUFD      $0xB1, X2, X4
	VPADDD       X4, X2, X2
	VMOVD        X2, AX
	MOVL         AX, s2+56(FP)

	VEXTRACTI128 $1, Y3, X4
	VPADDD       X4, X3, X3
	VPSHUFD      $0x4E, X3, X4
	VPADDD       X4, X3, X3
	VPSHUFD      $0xB1, X3, X4
	VPADDD       X4, X3, X3
	VMOVD        X3, AX
	MOVL         AX, s3+60(FP)
	VZEROUPPER
	RET

// func macInt8AVX2(acc *int32, x, w *int8, n int)
TEXT ·macInt8AVX2(SB), NOSPLIT, $0-32
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ w+16(FP), R8
	MOVQ n+24(FP), CX

mloop:
	CMPQ CX, $16
	JL   mdone
	VPMOVSXBW (SI), Y0
	VPMOVSXBW (R8), Y1
	VPMULLW   Y0, Y1, Y1       // 16 products, each within int16 (|x·w| ≤ 16384)
	VEXTRACTI128 $1, Y1, X2
	VPMOVSXWD X1, Y1           // products 0-7 as int32
	VPMOVSXWD X2, Y2           // products 8-15
	VPADDD    (DI), Y1, Y1
	VPADDD    32(DI), Y2, Y2
	VMOVDQU   Y1, (DI)
	VMOVDQU   Y2, 32(DI)
	ADDQ      $16, SI
	ADDQ      $16, R8
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       mloop

mdone:
	VZEROUPPER
	RET

// func requantAVX2(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32)
TEXT ·requantAVX2(SB), NOSPLIT, $0-60
	MOVQ acc+0(FP), SI
	MOVQ mult+8(FP), R8
	MOVQ lsh+16(FP), R9
	MOVQ rsh+24(FP), R10
	MOVQ y+32(FP), DI
	MOVQ n+40(FP), CX
	MOVL outOffset+48(FP), AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	MOVL lo+52(FP), AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12
	MOVL hi+56(FP), AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVQ $0x40000000, AX
	VMOVQ AX, X15
	VPBROADCASTQ X15, Y15            // 2^30 in each 64-bit lane: the nudge
	MOVL $1, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14            // 1 in each lane

rloop:
	CMPQ CX, $8
	JL   rdone
	VMOVDQU (SI), Y0
	VMOVDQU (R9), Y1
	VPSLLVD Y1, Y0, Y0               // x << left shift (wraps, as x·2^left does)
	VMOVDQU (R8), Y1
	// Saturating rounding doubling high multiply: (x·m + 2^30) >> 31, in
	// 64 bits; the multiplier is never MinInt32, so nothing saturates.
	VPMULDQ Y1, Y0, Y2               // lanes 0, 2, 4, 6
	VPSRLQ  $32, Y0, Y3
	VPSRLQ  $32, Y1, Y4
	VPMULDQ Y4, Y3, Y3               // lanes 1, 3, 5, 7
	VPADDQ  Y15, Y2, Y2
	VPADDQ  Y15, Y3, Y3
	VPSRLQ  $31, Y2, Y2              // even: bits 31-62 to the low half
	VPSLLQ  $1, Y3, Y3               // odd: bits 31-62 to the high half
	VPBLENDD $0xAA, Y3, Y2, Y0
	// Rounding divide by 2^r: (x >> r) + (x & mask > mask/2 + (x < 0)).
	VMOVDQU (R10), Y1
	VPSLLVD Y1, Y14, Y2
	VPSUBD  Y14, Y2, Y2              // mask = 2^r − 1
	VPAND   Y2, Y0, Y3               // remainder
	VPSRLD  $1, Y2, Y2
	VPSRAD  $31, Y0, Y4
	VPSUBD  Y4, Y2, Y2               // threshold
	VPSRAVD Y1, Y0, Y0
	VPCMPGTD Y2, Y3, Y3              // remainder > threshold: −1
	VPSUBD  Y3, Y0, Y0
	VPADDD  Y13, Y0, Y0
	VPMAXSD Y12, Y0, Y0
	VPMINSD Y11, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW X1, X0, X0
	VPACKSSWB X0, X0, X0
	VMOVQ   X0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $8, DI
	SUBQ    $8, CX
	JMP     rloop

rdone:
	VZEROUPPER
	RET

// func gemmVNNI(a *uint8, kp int, w *int8, kg, nb int, corr, c *int32, ldc int)
TEXT ·gemmVNNI(SB), NOSPLIT, $0-64
	MOVQ a+0(FP), AX
	MOVQ kp+8(FP), BX
	MOVQ w+16(FP), R8
	MOVQ nb+32(FP), R10
	MOVQ corr+40(FP), R11
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), R12
	SHLQ $2, R12                     // bytes between accumulator rows
	LEAQ (BX)(BX*2), R15             // 3 patch rows
	LEAQ (R12)(R12*2), R14           // 3 accumulator rows

block:
	VMOVDQU32 (R11), Z0
	VMOVDQA32 Z0, Z1
	VMOVDQA32 Z0, Z2
	VMOVDQA32 Z0, Z3
	VMOVDQA32 Z0, Z4
	VMOVDQA32 Z0, Z5
	VMOVDQA32 Z0, Z6
	VMOVDQA32 Z0, Z7
	MOVQ AX, SI                      // rows 0-3
	LEAQ (AX)(BX*4), R13             // rows 4-7
	MOVQ kg+24(FP), CX

taps:
	VMOVDQU32 (R8), Z8               // 16 channels × 4 taps
	VPBROADCASTD (SI), Z9
	VPDPBUSD Z8, Z9, Z0
	VPBROADCASTD (SI)(BX*1), Z10
	VPDPBUSD Z8, Z10, Z1
	VPBROADCASTD (SI)(BX*2), Z11
	VPDPBUSD Z8, Z11, Z2
	VPBROADCASTD (SI)(R15*1), Z12
	VPDPBUSD Z8, Z12, Z3
	VPBROADCASTD (R13), Z13
	VPDPBUSD Z8, Z13, Z4
	VPBROADCASTD (R13)(BX*1), Z14
	VPDPBUSD Z8, Z14, Z5
	VPBROADCASTD (R13)(BX*2), Z15
	VPDPBUSD Z8, Z15, Z6
	VPBROADCASTD (R13)(R15*1), Z16
	VPDPBUSD Z8, Z16, Z7
	ADDQ $4, SI
	ADDQ $4, R13
	ADDQ $64, R8
	DECQ CX
	JNZ  taps

	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, (DI)(R12*1)
	VMOVDQU32 Z2, (DI)(R12*2)
	VMOVDQU32 Z3, (DI)(R14*1)
	LEAQ (DI)(R12*4), DX
	VMOVDQU32 Z4, (DX)
	VMOVDQU32 Z5, (DX)(R12*1)
	VMOVDQU32 Z6, (DX)(R12*2)
	VMOVDQU32 Z7, (DX)(R14*1)
	ADDQ $64, DI
	ADDQ $64, R11
	DECQ R10
	JNZ  block
	VZEROUPPER
	RET

// func requantAVX512(acc, mult, lsh, rsh *int32, y *int8, n int, outOffset, lo, hi int32)
TEXT ·requantAVX512(SB), NOSPLIT, $0-60
	MOVQ acc+0(FP), SI
	MOVQ mult+8(FP), R8
	MOVQ lsh+16(FP), R9
	MOVQ rsh+24(FP), R10
	MOVQ y+32(FP), DI
	MOVQ n+40(FP), CX
	MOVL outOffset+48(FP), AX
	VPBROADCASTD AX, Z13
	MOVL lo+52(FP), AX
	VPBROADCASTD AX, Z12
	MOVL hi+56(FP), AX
	VPBROADCASTD AX, Z11
	MOVQ $0x40000000, AX
	VPBROADCASTQ AX, Z15             // the nudge, 2^30, in each 64-bit lane
	MOVL $1, AX
	VPBROADCASTD AX, Z14
	MOVL $0xAAAA, AX
	KMOVW AX, K1                     // the odd 32-bit lanes

zloop:
	CMPQ CX, $16
	JL   zdone
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (R9), Z1
	VPSLLVD Z1, Z0, Z0
	VMOVDQU32 (R8), Z1
	VPMULDQ Z1, Z0, Z2               // even lanes, 64-bit products
	VPSRLQ  $32, Z0, Z3
	VPSRLQ  $32, Z1, Z4
	VPMULDQ Z4, Z3, Z3               // odd lanes
	VPADDQ  Z15, Z2, Z2
	VPADDQ  Z15, Z3, Z3
	VPSRLQ  $31, Z2, Z2              // even: bits 31-62 to the low half
	VPSLLQ  $1, Z3, Z3               // odd: bits 31-62 to the high half
	VPBLENDMD Z3, Z2, K1, Z0
	VMOVDQU32 (R10), Z1
	VPSLLVD Z1, Z14, Z2
	VPSUBD  Z14, Z2, Z2              // mask = 2^r − 1
	VPANDD  Z2, Z0, Z3               // remainder
	VPSRLD  $1, Z2, Z2
	VPSRAD  $31, Z0, Z4
	VPSUBD  Z4, Z2, Z2               // threshold
	VPSRAVD Z1, Z0, Z0
	VPCMPGTD Z2, Z3, K2              // remainder > threshold
	VPADDD  Z14, Z0, K2, Z0          // … rounds away
	VPADDD  Z13, Z0, Z0
	VPMAXSD Z12, Z0, Z0
	VPMINSD Z11, Z0, Z0
	VPMOVSDB Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, R10
	ADDQ    $16, DI
	SUBQ    $16, CX
	JMP     zloop

zdone:
	VZEROUPPER
	RET

// func macTapsAVX512(acc *int32, xs, ws **int8, taps, n int)
TEXT ·macTapsAVX512(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ xs+8(FP), R8
	MOVQ ws+16(FP), R9
	MOVQ taps+24(FP), R10
	MOVQ n+32(FP), CX
	XORQ SI, SI                      // offset into every row

chunk:
	CMPQ SI, CX
	JGE  tdone
	VMOVDQU32 (DI)(SI*4), Z0
	VMOVDQU32 64(DI)(SI*4), Z1
	XORQ R11, R11                    // tap

tap:
	MOVQ (R8)(R11*8), R12
	MOVQ (R9)(R11*8), R13
	VPMOVSXBW (R12)(SI*1), Z2
	VPMOVSXBW (R13)(SI*1), Z3
	VPMULLW Z2, Z3, Z3               // |x·w| ≤ 16384: exact in int16
	VEXTRACTI64X4 $1, Z3, Y4
	VPMOVSXWD Y3, Z5
	VPMOVSXWD Y4, Z6
	VPADDD Z5, Z0, Z0
	VPADDD Z6, Z1, Z1
	INCQ R11
	CMPQ R11, R10
	JL   tap

	VMOVDQU32 Z0, (DI)(SI*4)
	VMOVDQU32 Z1, 64(DI)(SI*4)
	ADDQ $32, SI
	JMP  chunk

tdone:
	VZEROUPPER
	RET
