// Package vision names what the head looks at: Categorizer runs an int8 or
// float TensorFlow Lite classifier (through vision/tflite, pure Go) on the
// foveal patch and returns the top-k labels, allocating nothing per call.
//
// The default model is Fovea's own categoriser, trained in this repository
// from Fashion-MNIST by `make models` (vision/train) and embedded in the
// binary; models/MODEL_CARD.md describes it. Any other classifier with one
// image input works too: the patch is resized to the input tensor (area
// averaging), converted to grey or RGB as the tensor's channels ask,
// normalised as (pixel − Mean) / Std and, for quantised inputs, quantised
// with the tensor's scale and zero point. Models that Fovea writes carry
// their labels and input specification in their metadata.
package vision
