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
// Int8 CONV_2D and DEPTHWISE_CONV_2D hoist the input offset out of their
// inner loops (Σ w·(x+o) = Σ w·x + o·Σ w, exact in int32) and compute four
// output channels per pass over the input; TestFastPathsMatchReference
// compares them byte for byte with the reference loops on random shapes.
// Border pixels gather their receptive field with the input's zero point
// as padding, so they take the same path.
//
// Float kernels round every product before adding it (an explicit float32
// conversion, which the Go specification says prevents fusion): on arm64
// the compiler would otherwise fuse a*b+c into one multiply-add with a
// single rounding, and outputs would differ from the reference kernels' in
// the last bits (hello_world's float sweep missed its golden by 5e-5
// relative near a zero crossing under qemu-aarch64). Every test, the
// conformance cases included, passes on arm64 and 32-bit arm under qemu.
package tflite
