package tflite

import "testing"

// BenchmarkPersonDetect is one invoke of TFLite Micro's person_detect
// (MobileNet v1 0.25, 96x96 gray, 7.2 M MAC).
func BenchmarkPersonDetect(b *testing.B) {
	file := readModel(b, "person_detect/person_detect.tflite")
	input := readModel(b, "person_detect/person_input_int8.bin")
	benchISAs(b, func(b *testing.B) {
		m, err := Parse(file)
		if err != nil {
			b.Fatal(err)
		}
		it, err := NewInterpreter(m, BuiltinOps(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		copy(it.Input(0).Data, input)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			it.Invoke()
		}
	})
}
