package tflite

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readModel(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, rel))
	if err != nil {
		t.Skipf("conformance model %s not found: %v", rel, err)
	}
	return b
}

func TestInvokeAllocatesNothing(t *testing.T) {
	m, err := Parse(readModel(t, "person_detect/person_detect.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	it, err := NewInterpreter(m, BuiltinOps(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(5, func() {
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Fatalf("Invoke allocates %v times", a)
	}
}

func TestCallerArena(t *testing.T) {
	m, err := Parse(readModel(t, "person_detect/person_detect.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	it, err := NewInterpreter(m, BuiltinOps(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	need := it.ArenaUsed()
	// The plan reuses memory: far less than the sum of all activations.
	sum := 0
	for _, tn := range it.Tensors() {
		if !tn.Const {
			sum += len(tn.Data)
		}
	}
	if need >= sum {
		t.Errorf("arena %d bytes, no smaller than the %d bytes of all activations", need, sum)
	}
	t.Logf("person_detect: arena %d bytes for %d bytes of activations", need, sum)
	if _, err := NewInterpreter(m, BuiltinOps(), Options{Arena: make([]byte, need/2)}); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("half an arena: %v", err)
	}
	if _, err := NewInterpreter(m, BuiltinOps(), Options{Arena: make([]byte, need+16)}); err != nil {
		t.Errorf("an arena of the planned size: %v", err)
	}
}

func TestUnsupportedOpFailsAtLoad(t *testing.T) {
	m, err := Parse(readModel(t, "person_detect/person_detect.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	r := BuiltinOps()
	delete(r.m, OpDepthwiseConv2D)
	_, err = NewInterpreter(m, r, Options{})
	if err == nil || !strings.Contains(err.Error(), "DEPTHWISE_CONV_2D version") {
		t.Fatalf("got %v", err)
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	good := readModel(t, "hello_world/hello_world_int8.tflite")
	var fe *FormatError
	for name, b := range map[string][]byte{
		"empty":      nil,
		"short":      good[:7],
		"not tflite": []byte("GIF89a..........................."),
		"truncated":  good[:len(good)/2],
	} {
		_, err := Parse(b)
		if err == nil || !errors.As(err, &fe) {
			t.Errorf("%s: %v, want a *FormatError", name, err)
		}
	}
	// Every truncation and every single corrupted byte: an error or a
	// model, never a panic (the fuzz target explores further).
	for n := 0; n < len(good); n += 7 {
		Parse(good[:n])
		bad := append([]byte(nil), good...)
		bad[n] ^= 0xff
		if m, err := Parse(bad); err == nil {
			if it, err := NewInterpreter(m, BuiltinOps(), Options{MaxArena: 1 << 20, MaxMACs: 1e7}); err == nil {
				it.Invoke()
			}
		}
	}
}

// FuzzModel: no file makes Parse, NewInterpreter or Invoke panic or hang.
func FuzzModel(f *testing.F) {
	for _, p := range []string{"hello_world/hello_world_int8.tflite", "hello_world/hello_world_float.tflite",
		"simple_add/simple_add_model.tflite", "network_tester/network_model.tflite", "test_conv_model/test_conv_model.tflite"} {
		if b, err := os.ReadFile(filepath.Join(conformanceDir, p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("\x10\x00\x00\x00TFL3"))
	// Small convolutions, so mutations reach the GEMM and the depthwise rows.
	r := rand.New(rand.NewPCG(23, 24))
	f.Add(convModel(f, r, false, 7, 6, 5, 20, 3, 3, 2, 1, PaddingSame, ActRelu6))
	f.Add(convModel(f, r, true, 7, 6, 4, 8, 3, 3, 1, 2, PaddingSame, ActNone))
	defer func(c int64) { minPartCost = c }(minPartCost)
	minPartCost = 1
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			return
		}
		m, err := Parse(b)
		if err != nil {
			return
		}
		// Two threads, every operator split: the parallel paths too.
		it, err := NewInterpreter(m, BuiltinOps(), Options{MaxArena: 1 << 20, MaxMACs: 1e7, Threads: 2})
		if err != nil {
			return
		}
		defer it.Close()
		it.Invoke()
	})
}
