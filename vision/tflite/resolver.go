package tflite

// BuiltinOps returns a resolver with every kernel of this package.
func BuiltinOps() *OpResolver {
	r := NewOpResolver()
	r.Register(OpConv2D, Registration{MaxVersion: 8, New: newConv})
	r.Register(OpDepthwiseConv2D, Registration{MaxVersion: 7, New: newDepthwise})
	r.Register(OpFullyConnected, Registration{MaxVersion: 12, New: newFullyConnected})
	r.Register(OpAveragePool2D, Registration{MaxVersion: 3, New: newAvgPool})
	r.Register(OpMaxPool2D, Registration{MaxVersion: 3, New: newMaxPool})
	r.Register(OpSoftmax, Registration{MaxVersion: 3, New: newSoftmax})
	r.Register(OpAdd, Registration{MaxVersion: 5, New: newAdd})
	r.Register(OpSub, Registration{MaxVersion: 5, New: newSub})
	r.Register(OpMul, Registration{MaxVersion: 7, New: newMul})
	r.Register(OpQuantize, Registration{MaxVersion: 3, New: newQuantize})
	r.Register(OpDequantize, Registration{MaxVersion: 5, New: newDequantize})
	r.Register(OpReshape, Registration{MaxVersion: 2, New: newReshape})
	r.Register(OpSqueeze, Registration{MaxVersion: 2, New: newReshape})
	r.Register(OpRelu, Registration{MaxVersion: 3, New: newRelu})
	r.Register(OpRelu6, Registration{MaxVersion: 3, New: newRelu6})
	r.Register(OpLeakyRelu, Registration{MaxVersion: 2, New: newLeakyRelu})
	r.Register(OpResizeBilinear, Registration{MaxVersion: 4, New: newResizeBilinear})
	r.Register(OpResizeNearestNeighbor, Registration{MaxVersion: 4, New: newResizeNearest})
	r.Register(OpStridedSlice, Registration{MaxVersion: 6, New: newStridedSlice})
	r.Register(OpLogistic, Registration{MaxVersion: 3, New: newLogistic})
	r.Register(OpTanh, Registration{MaxVersion: 3, New: newTanh})
	r.Register(OpHardSwish, Registration{MaxVersion: 1, New: newHardSwish})
	r.Register(OpMean, Registration{MaxVersion: 3, New: newMean})
	r.Register(OpPad, Registration{MaxVersion: 4, New: newPad})
	r.Register(OpTranspose, Registration{MaxVersion: 6, New: newTranspose})
	r.Register(OpConcatenation, Registration{MaxVersion: 4, New: newConcatenation})
	return r
}
