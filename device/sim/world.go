package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"
)

// Shape is an object's silhouette.
type Shape int

// The shapes of the simulated objects.
const (
	Disc Shape = iota
	Square
	Triangle
	Cross
	Ring
	Diamond
	numShapes
)

var shapeNames = [...]string{"disc", "square", "triangle", "cross", "ring", "diamond"}

func (s Shape) String() string {
	if s < 0 || s >= numShapes {
		return fmt.Sprintf("Shape(%d)", int(s))
	}
	return shapeNames[s]
}

// Object is one thing in the world, with its ground truth.
type Object struct {
	ID        int
	Category  string // what a categoriser should name it
	Shape     Shape
	BGR       [3]uint8
	RadiusDeg float64 // angular radius of its bounding circle
	// Sprite, when set, is what the object shows instead of a shape: the
	// image, tinted with BGR, on a dark square card whose corners touch the
	// bounding circle, the image filling the card's central SpriteFill.
	Sprite *Sprite

	// Motion: Pan/Tilt(t) = base + amplitude * sin(2π t / period + phase)
	// along (DirPan, DirTilt). Static objects have zero amplitude.
	BasePanDeg, BaseTiltDeg float64
	AmplitudeDeg            float64
	Period                  time.Duration
	Phase                   float64
	DirPan, DirTilt         float64
}

// Moving reports whether the object moves.
func (o *Object) Moving() bool { return o.AmplitudeDeg > 0 }

// At returns the object's direction at simulated time t.
func (o *Object) At(t time.Duration) (panDeg, tiltDeg float64) {
	if !o.Moving() {
		return o.BasePanDeg, o.BaseTiltDeg
	}
	s := o.AmplitudeDeg * math.Sin(2*math.Pi*t.Seconds()/o.Period.Seconds()+o.Phase)
	return o.BasePanDeg + s*o.DirPan, o.BaseTiltDeg + s*o.DirTilt
}

// Appearances of the objects.
const (
	Digits  = "digits"  // MNIST digits (held-out images) on cards: the default categoriser's classes
	Fashion = "fashion" // Fashion-MNIST clothes (held-out images) on cards
	Shapes  = "shapes"  // coloured silhouettes of six shapes
)

// Sprite cards' geometry: the image spans SpriteDeg, the card
// SpriteDeg/SpriteFill, and the bounding circle the card's corners.
const (
	SpriteDeg  = 3.2
	SpriteFill = 0.8
)

// SpriteRadiusDeg is the bounding radius of a sprite card.
var SpriteRadiusDeg = SpriteDeg / SpriteFill / 2 * math.Sqrt2

// WorldConfig sets up a world.
type WorldConfig struct {
	Seed uint64
	// Appearance is Digits (the default when empty), Fashion or Shapes.
	Appearance string
	Objects    int     // how many objects
	Moving     int     // how many of them move
	DegPerPx   float64 // panorama resolution; 0.1 by default
	// Objects are placed so that a head within these bounds can fixate them.
	PanMaxDeg, TiltMinDeg, TiltMaxDeg float64
}

// DefaultWorldConfig is the world of `fovea sim`.
var DefaultWorldConfig = WorldConfig{
	Seed: 1, Objects: 14, Moving: 4, DegPerPx: 0.1,
	PanMaxDeg: 85, TiltMinDeg: -35, TiltMaxDeg: 45,
}

// Validate checks the configuration.
func (c WorldConfig) Validate() error {
	switch {
	case c.Objects < 0 || c.Objects > 200:
		return fmt.Errorf("sim: world: %d objects, want 0 to 200", c.Objects)
	case c.Appearance != "" && c.Appearance != Digits && c.Appearance != Fashion && c.Appearance != Shapes:
		return fmt.Errorf("sim: world: appearance %q, want %q, %q or %q", c.Appearance, Digits, Fashion, Shapes)
	case c.Moving < 0 || c.Moving > c.Objects:
		return fmt.Errorf("sim: world: %d moving objects of %d", c.Moving, c.Objects)
	case !(c.DegPerPx >= 0.02 && c.DegPerPx <= 1):
		return fmt.Errorf("sim: world: panorama resolution %v°/px outside [0.02, 1]", c.DegPerPx)
	case !(c.PanMaxDeg > 10 && c.PanMaxDeg <= 180):
		return fmt.Errorf("sim: world: pan range ±%v° outside (10, 180]", c.PanMaxDeg)
	case !(c.TiltMinDeg < c.TiltMaxDeg-10 && c.TiltMinDeg >= -80 && c.TiltMaxDeg <= 80):
		return fmt.Errorf("sim: world: tilt range [%v°, %v°] invalid", c.TiltMinDeg, c.TiltMaxDeg)
	}
	return nil
}

// World is the simulated scene: a static panorama and objects.
type World struct {
	cfg     WorldConfig
	pano    []byte // equirectangular BGR, row 0 at +90° tilt, column 0 at -180° pan
	panoW   int
	panoH   int
	objects []Object
}

// NewWorld builds the panorama and places the objects; the same seed gives
// the same world.
func NewWorld(cfg WorldConfig) (*World, error) {
	if cfg.DegPerPx == 0 {
		cfg.DegPerPx = DefaultWorldConfig.DegPerPx
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := &World{cfg: cfg}
	w.panoW = int(math.Round(360 / cfg.DegPerPx))
	w.panoH = int(math.Round(180/cfg.DegPerPx)) + 1
	w.pano = make([]byte, w.panoW*w.panoH*3)
	w.paintPanorama()
	if err := w.placeObjects(); err != nil {
		return nil, err
	}
	return w, nil
}

// NewWorldWithObjects builds the panorama of cfg with exactly the given
// objects (their IDs become their indices): a scripted scene for
// experiments such as pursuit.
func NewWorldWithObjects(cfg WorldConfig, objs []Object) (*World, error) {
	cfg.Objects, cfg.Moving = 0, 0
	w, err := NewWorld(cfg)
	if err != nil {
		return nil, err
	}
	for i, o := range objs {
		if !(o.RadiusDeg > 0 && o.RadiusDeg < 45) || (o.Moving() && o.Period <= 0) {
			return nil, fmt.Errorf("sim: world: object %d: radius %v° or motion period %v invalid", i, o.RadiusDeg, o.Period)
		}
		o.ID = i
		if o.Category == "" {
			o.Category = o.Shape.String()
			if o.Sprite != nil {
				o.Category = o.Sprite.Category
			}
		}
		w.objects = append(w.objects, o)
	}
	return w, nil
}

// Objects returns the objects' descriptions; use Object.At for positions.
func (w *World) Objects() []Object { return w.objects }

// Panorama returns the background panorama (BGR, equirectangular) and its size.
func (w *World) Panorama() (pix []byte, width, height int) { return w.pano, w.panoW, w.panoH }

var palette = [...][3]uint8{ // BGR, saturated and distinct
	{40, 40, 230},   // red
	{40, 200, 40},   // green
	{230, 80, 30},   // blue
	{20, 220, 240},  // yellow
	{220, 40, 220},  // magenta
	{230, 220, 30},  // cyan
	{10, 140, 255},  // orange
	{250, 250, 250}, // white
}

func (w *World) placeObjects() error {
	r := rand.New(rand.NewPCG(w.cfg.Seed, 0x6f626a65637473))
	c := w.cfg
	var sprites []Sprite
	if c.Appearance != Shapes {
		a := c.Appearance
		if a == "" {
			a = Digits
		}
		var err error
		if sprites, err = Sprites(a); err != nil {
			return err
		}
	}
	const minSepDeg = 9
	for i := 0; i < c.Objects; i++ {
		o := Object{ID: i, Shape: Shape(r.IntN(int(numShapes))), BGR: palette[r.IntN(len(palette))]}
		o.Category = o.Shape.String()
		o.RadiusDeg = 2 + 1.5*r.Float64()
		if sprites != nil {
			o.Sprite = &sprites[r.IntN(len(sprites))]
			o.Category, o.RadiusDeg = o.Sprite.Category, SpriteRadiusDeg
		}
		if i < c.Moving {
			o.AmplitudeDeg = 8 + 10*r.Float64()
			o.Period = time.Duration((6 + 6*r.Float64()) * float64(time.Second))
			o.Phase = 2 * math.Pi * r.Float64()
			a := 2 * math.Pi * r.Float64()
			o.DirPan, o.DirTilt = math.Cos(a), 0.5*math.Sin(a)
		}
		margin := o.AmplitudeDeg + o.RadiusDeg
		placed := false
		for try := 0; try < 1000 && !placed; try++ {
			o.BasePanDeg = (2*r.Float64() - 1) * (c.PanMaxDeg - margin*math.Abs(o.DirPan))
			lo := c.TiltMinDeg + margin*math.Abs(o.DirTilt)
			hi := c.TiltMaxDeg - margin*math.Abs(o.DirTilt)
			o.BaseTiltDeg = lo + (hi-lo)*r.Float64()
			placed = true
			for j := range w.objects {
				p := &w.objects[j]
				if math.Hypot(p.BasePanDeg-o.BasePanDeg, p.BaseTiltDeg-o.BaseTiltDeg) < minSepDeg+p.AmplitudeDeg+o.AmplitudeDeg {
					placed = false
					break
				}
			}
		}
		if !placed {
			return fmt.Errorf("sim: world: cannot place %d objects %d° apart in the given range", c.Objects, minSepDeg)
		}
		w.objects = append(w.objects, o)
	}
	return nil
}

// paintPanorama draws a muted, textured scene: sky with clouds, a skyline,
// and textured ground, all low in colour saturation so that objects stand out
// as they would to a saliency model, but with real texture everywhere.
func (w *World) paintPanorama() {
	seed := uint32(w.cfg.Seed*2654435761 + 1)
	// A skyline: a height per 2° of azimuth.
	sky := make([]float64, 180)
	r := rand.New(rand.NewPCG(w.cfg.Seed, 0x736b796c696e65))
	for i := range sky {
		sky[i] = 2 + 10*r.Float64()*r.Float64()
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for y := k; y < w.panoH; y += workers {
				el := 90 - float64(y)*w.cfg.DegPerPx
				row := w.pano[y*w.panoW*3 : (y+1)*w.panoW*3]
				for x := 0; x < w.panoW; x++ {
					az := float64(x)*w.cfg.DegPerPx - 180
					var b, g, rr float64
					skyline := sky[int((az+180)/2)%len(sky)]
					switch {
					case el > skyline:
						// Sky: a gradient with soft clouds.
						n := fbm(az/25, el/12, 4, seed)
						t := el / 90
						b, g, rr = 190-40*t+30*n, 170-30*t+30*n, 150-30*t+30*n
					case el > 0:
						// Buildings: grey with window texture.
						n := fbm(az/1.5, el/1.5, 2, seed+7)
						v := 110 + 40*n
						b, g, rr = v+5, v, v-5
					default:
						// Ground: brown-green, texture growing finer with depth.
						n := fbm(az/(6+40/(1-el)), el/4, 5, seed+13)
						v := 95 + 60*n
						b, g, rr = v*0.75, v*0.95, v
					}
					row[3*x] = clamp8(b)
					row[3*x+1] = clamp8(g)
					row[3*x+2] = clamp8(rr)
				}
			}
		}(k)
	}
	wg.Wait()
}

func clamp8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// fbm is fractal value noise in about [-1, 1]. It is not periodic in x: the
// seam at ±180° lies behind every reachable pose.
func fbm(x, y float64, octaves int, seed uint32) float64 {
	sum, amp, norm := 0.0, 1.0, 0.0
	for o := 0; o < octaves; o++ {
		sum += amp * valueNoise(x, y, seed+uint32(o)*1013)
		norm += amp
		amp *= 0.5
		x, y = x*2, y*2
	}
	return sum / norm
}

func valueNoise(x, y float64, seed uint32) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int32(x0), int32(y0)
	fx = fx * fx * (3 - 2*fx)
	fy = fy * fy * (3 - 2*fy)
	v00 := lattice(ix, iy, seed)
	v10 := lattice(ix+1, iy, seed)
	v01 := lattice(ix, iy+1, seed)
	v11 := lattice(ix+1, iy+1, seed)
	a := v00 + (v10-v00)*fx
	b := v01 + (v11-v01)*fx
	return a + (b-a)*fy
}

// lattice hashes a lattice point to [-1, 1].
func lattice(x, y int32, seed uint32) float64 {
	h := uint32(x)*0x8da6b343 ^ uint32(y)*0xd8163841 ^ seed*0xcb1ab31f
	h ^= h >> 15
	h *= 0x2c1b3c6d
	h ^= h >> 12
	h *= 0x297a2d39
	h ^= h >> 15
	return float64(h)/float64(math.MaxUint32)*2 - 1
}
