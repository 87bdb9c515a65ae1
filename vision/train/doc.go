// Package train makes Fovea's categoriser: a small convolutional network
// trained by backpropagation on the CPU, in pure Go, quantised to int8 with
// calibration and written as a standard .tflite file.
//
// The network is the smallest that reaches Fashion-MNIST's usual CNN
// accuracy (about 90 %): two 3×3 convolutions (C1 and C2 channels, ReLU,
// each followed by 2×2 max pooling) and a linear readout, then softmax.
// Matrix products go through gonum's BLAS (blas32.Gemm); convolutions are
// im2col products, as in Caffe.
//
// Quantisation follows TensorFlow Lite's post-training int8 scheme, so that
// the file runs unchanged in TensorFlow Lite and in vision/tflite:
// per-channel symmetric convolution weights, per-tensor symmetric readout
// weights, int32 biases at scale s_in·s_w, asymmetric int8 activations whose
// ranges come from a calibration set, and softmax output at scale 1/256 with
// zero point −128.
//
// Training is deterministic for a given seed and GOMAXPROCS-independent in
// its data order; floating-point summation order inside BLAS may vary.
package train
