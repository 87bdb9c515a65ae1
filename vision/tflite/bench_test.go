package tflite

import "testing"

// BenchmarkPersonDetect is one invoke of TFLite Micro's person_detect
// (MobileNet v1 0.25, 96x96 gray, 7.2 M MAC).
func BenchmarkPersonDetect(b *testing.B) {
	file := readModel(b, "person_detect/person_detect.tflite")
	input := readModel(b, "person_detect/person_input_int8.bin")
	benchISAs(b, func(b *testing.B) {
		benchInvoke(b, file, func(it *Interpreter) { copy(it.Input(0).Data, input) })
	})
}
