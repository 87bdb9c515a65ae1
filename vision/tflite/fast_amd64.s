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
