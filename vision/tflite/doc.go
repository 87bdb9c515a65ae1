// Package tflite is a pure-Go interpreter of TensorFlow Lite models,
// following TFLite Micro's design and bit-exact with its int8 reference
// kernels.
//
// # Design
//
// [Parse] reads a .tflite flatbuffer in place (schema.fbs, version 3) and
// verifies every offset, vector length, tensor and buffer index, shape,
// buffer size and quantisation vector before anything uses it: any file,
// truncated, corrupted or hostile, gives a *[FormatError] naming the field,
// never a panic. Constant tensors stay in the file's buffer (zero copy).
//
// [NewInterpreter] resolves every operator through an explicit
// [OpResolver] (an unsupported operator fails at load time, naming it and
// its version), plans one arena for every non-constant tensor by lifetime
// (greedy by size, as TFLite Micro's GreedyMemoryPlanner) and runs each
// kernel's Prepare, where all validation and precomputation happen.
// [Interpreter.Invoke] then runs each kernel's Eval and allocates nothing.
// The arena may be caller-owned ([Options].Arena).
//
// # Arithmetic
//
// Kernels reproduce TFLite's reference kernels exactly: int8 with
// per-tensor or per-channel quantisation, TFLite Micro's default double
// rounding (SaturatingRoundingDoublingHighMul then RoundingDivideByPOT),
// gemmlowp's fixed-point exp and reciprocal in SOFTMAX. The conformance test
// runs the real models of shared/conformance and compares their outputs
// byte for byte with TFLite Micro's.
//
// Supported operators, int8 and float32: CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, SOFTMAX, ADD, SUB and MUL
// (with broadcasting), MEAN, RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH,
// HARD_SWISH, PAD, TRANSPOSE, CONCATENATION, STRIDED_SLICE,
// RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, RESHAPE, SQUEEZE, QUANTIZE and
// DEQUANTIZE; subgraph 0 of a model. [Builder] writes models op by op.
//
// # Fast paths
//
// Every fast path gives the reference kernels' bytes: int32 sums are exact
// and wrap alike in any order, so offsets are hoisted out of the inner
// loops (Σ w·(x+o) = Σ w·x + o·Σ w) and the loops reordered freely.
//
//   - CONV_2D is a matrix product (im2col): eight output pixels' receptive
//     fields gathered into a patch, the filter packed once in Prepare into
//     blocks of 16 channels × 4 taps, and a micro-kernel in AVX-512 VNNI
//     (VPDPBUSD, unsigned × signed bytes: the patch holds x+128 and
//     −128·Σw joins the bias). Without VNNI, four dot products per pass in
//     AVX2 (VPMADDWD) or Go.
//   - DEPTHWISE_CONV_2D works a whole output row at a time: the input rows
//     under it gathered once into stride phases (kept in slots for the next
//     rows), every tap added in registers (AVX-512) or tap by tap (AVX2).
//   - FULLY_CONNECTED: four dot products per pass; ADD and SUB: each
//     input's rescaled byte looked up, a block summed at a time.
//   - Requantization (TFLite's double rounding) sixteen lanes at a time in
//     AVX-512 or eight in AVX2, with per-lane multipliers and shifts.
//
// Each assembly kernel has a pure-Go twin, selected off amd64 or on a CPU
// without the instructions (golang.org/x/sys/cpu); tests compare them, and
// TestFastPathsMatchReference and TestMobileNetV2FastMatchesReference
// compare whole operators and a whole network, layer by layer, with the
// reference loops. Options.Threads splits the large convolutions, depthwise
// convolutions and fully connected layers over goroutines by output pixels,
// rows or units, with scratch memory per thread: the same bytes for any
// number of threads.
//
// Float kernels round every product before adding it (an explicit float32
// conversion, which the Go specification says prevents fusion): on arm64
// the compiler would otherwise fuse a*b+c into one multiply-add with a
// single rounding, and outputs would differ from the reference kernels' in
// the last bits (hello_world's float sweep missed its golden by 5e-5
// relative near a zero crossing under qemu-aarch64). Every test, the
// conformance cases included, passes on arm64 and 32-bit arm under qemu.
package tflite
