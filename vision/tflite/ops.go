package tflite

import "fmt"

// BuiltinOp is a TFLite builtin operator code (schema.fbs BuiltinOperator).
type BuiltinOp int32

// The builtin operators Fovea knows by name. Codes are those of schema.fbs.
const (
	OpAdd                   BuiltinOp = 0
	OpAveragePool2D         BuiltinOp = 1
	OpConcatenation         BuiltinOp = 2
	OpConv2D                BuiltinOp = 3
	OpDepthwiseConv2D       BuiltinOp = 4
	OpDequantize            BuiltinOp = 6
	OpFullyConnected        BuiltinOp = 9
	OpLogistic              BuiltinOp = 14
	OpMaxPool2D             BuiltinOp = 17
	OpMul                   BuiltinOp = 18
	OpRelu                  BuiltinOp = 19
	OpRelu6                 BuiltinOp = 21
	OpReshape               BuiltinOp = 22
	OpResizeBilinear        BuiltinOp = 23
	OpSoftmax               BuiltinOp = 25
	OpTanh                  BuiltinOp = 28
	OpPad                   BuiltinOp = 34
	OpTranspose             BuiltinOp = 39
	OpMean                  BuiltinOp = 40
	OpSub                   BuiltinOp = 41
	OpSqueeze               BuiltinOp = 43
	OpStridedSlice          BuiltinOp = 45
	OpResizeNearestNeighbor BuiltinOp = 97
	OpLeakyRelu             BuiltinOp = 98
	OpQuantize              BuiltinOp = 114
	OpHardSwish             BuiltinOp = 117
)

var opNames = map[BuiltinOp]string{
	OpAdd: "ADD", OpAveragePool2D: "AVERAGE_POOL_2D", OpConcatenation: "CONCATENATION", OpConv2D: "CONV_2D",
	OpDepthwiseConv2D: "DEPTHWISE_CONV_2D", OpDequantize: "DEQUANTIZE", OpFullyConnected: "FULLY_CONNECTED",
	OpLogistic: "LOGISTIC", OpMaxPool2D: "MAX_POOL_2D", OpMul: "MUL", OpRelu: "RELU", OpRelu6: "RELU6",
	OpReshape: "RESHAPE", OpResizeBilinear: "RESIZE_BILINEAR", OpSoftmax: "SOFTMAX", OpTanh: "TANH", OpPad: "PAD",
	OpTranspose: "TRANSPOSE", OpMean: "MEAN", OpSub: "SUB", OpSqueeze: "SQUEEZE", OpStridedSlice: "STRIDED_SLICE",
	OpResizeNearestNeighbor: "RESIZE_NEAREST_NEIGHBOR", OpLeakyRelu: "LEAKY_RELU", OpQuantize: "QUANTIZE",
	OpHardSwish: "HARD_SWISH",
}

func (o BuiltinOp) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("BUILTIN_%d", int32(o))
}

// Activation is a fused activation function.
type Activation uint8

// Fused activations (schema.fbs ActivationFunctionType).
const (
	ActNone      Activation = 0
	ActRelu      Activation = 1
	ActReluN1To1 Activation = 2
	ActRelu6     Activation = 3
)

// Padding is the padding scheme of convolutions and pools.
type Padding uint8

// Paddings (schema.fbs Padding).
const (
	PaddingSame  Padding = 0
	PaddingValid Padding = 1
)
