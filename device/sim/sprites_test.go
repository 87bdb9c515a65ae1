package sim

import (
	"bytes"
	"compress/gzip"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fovea-vision/fovea/vision/dataset"
)

var update = flag.Bool("update", false, "rewrite sprites/*.bin.gz from the datasets")

const spritesPerClass = 20

// The embedded sprites are exactly held-out test images: the first 20 of
// each class's test split.
func TestSprites(t *testing.T) {
	for _, c := range []struct {
		kind    dataset.Kind
		file    string
		heldOut int
		get     func() ([]Sprite, error)
	}{{dataset.FashionMNIST, "fashion.bin.gz", 1000, FashionSprites}, {dataset.MNIST, "digits.bin.gz", 100, DigitSprites}} {
		t.Run(c.file, func(t *testing.T) { testSprites(t, c.kind, c.file, c.heldOut, c.get) })
	}
}

func testSprites(t *testing.T, kind dataset.Kind, file string, heldOut int, get func() ([]Sprite, error)) {
	set, err := dataset.Load(dataset.DefaultDir(), kind)
	if err != nil && !*update {
		t.Skipf("%v (make test fetches the data)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := set.Split(heldOut)
	if err != nil {
		t.Fatal(err)
	}
	var want []Sprite
	taken := make([]int, len(test.Labels))
	for i := 0; i < test.Len(); i++ {
		c := test.Label(i)
		if taken[c] < spritesPerClass {
			taken[c]++
			want = append(want, Sprite{Category: test.Labels[c], Index: int(test.Index[i]), Pix: test.Image(i)})
		}
	}
	if *update {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err := WriteSprites(zw, test.Labels, want); err != nil {
			t.Fatal(err)
		}
		zw.Close()
		if err := os.WriteFile(filepath.Join("sprites", file), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d sprites, %d bytes", len(want), buf.Len())
		return
	}
	got, err := get()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d sprites, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Category != want[i].Category || got[i].Index != want[i].Index || !bytes.Equal(got[i].Pix, want[i].Pix) {
			t.Fatalf("sprite %d: %s #%d, want %s #%d", i, got[i].Category, got[i].Index, want[i].Category, want[i].Index)
		}
	}
}

func TestReadSpritesErrors(t *testing.T) {
	rec := append([]byte{2, 0, 0}, make([]byte, 784)...)
	for _, c := range []struct{ in, want string }{
		{"", "not a sprite file"},
		{spriteMagic, "no category line"},
		{spriteMagic + "a||b\n", "category 1 has no name"},
		{spriteMagic + "a|b\n", "none"},
		{spriteMagic + "a|b\n" + string(rec[:100]), "record 0 truncated"},
		{spriteMagic + "a|b\n" + string(rec), "category 2 of 2"},
	} {
		_, err := ReadSprites(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.30q: %v, want %q", c.in, err, c.want)
		}
	}
	if err := WriteSprites(&bytes.Buffer{}, []string{"a|b"}, nil); err == nil {
		t.Error("category with | accepted")
	}
	if err := WriteSprites(&bytes.Buffer{}, []string{"a"}, []Sprite{{Category: "b", Pix: make([]byte, 784)}}); err == nil {
		t.Error("unknown category accepted")
	}
}

func FuzzReadSprites(f *testing.F) {
	var buf bytes.Buffer
	WriteSprites(&buf, []string{"a", "b"}, []Sprite{{Category: "b", Index: 7, Pix: make([]byte, 784)}})
	f.Add(buf.Bytes())
	f.Add([]byte(spriteMagic + "x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadSprites(bytes.NewReader(b))
		if err == nil && len(s) == 0 {
			t.Fatal("no sprites and no error")
		}
		for _, sp := range s {
			if len(sp.Pix) != SpriteSide*SpriteSide {
				t.Fatal("short sprite")
			}
		}
	})
}
