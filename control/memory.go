package control

import (
	"time"
)

// salienceMemory remembers, on a 1° grid of world directions, how salient
// each direction looked the last time it was in view, decaying with time.
// Blobs glimpsed in the periphery while attention went elsewhere stay
// candidates after the head has turned away from them: the search comes
// back for them rather than relying on seeing them again by chance.
// Saliency is comparable between frames (see accumulateContrast), so only
// what stood out as objects do is kept, not the best of a view of
// background.
type salienceMemory struct {
	worldGrid
	frame []uint32 // the frame that last wrote each direction
	live  []int32  // directions holding a value, unordered
	in    []bool   // whether a direction is in live
	n     uint32   // frames seen
}

// memoryFloor is the remembered saliency below which a direction is not
// worth remembering, or is forgotten: half of one channel at full
// contrast, which objects reach and background seldom does.
const memoryFloor = 0.5

// memoryDecay is the time constant of the memory's decay: a remembered
// blob is replaced as soon as its direction is in view again, so the decay
// only orders what has long been out of view.
const memoryDecay = 60 * time.Second

func newSalienceMemory(tau time.Duration) *salienceMemory {
	return &salienceMemory{worldGrid: newWorldGrid(tau), frame: make([]uint32, iorRows*iorCols),
		in: make([]bool, iorRows*iorCols), live: make([]int32, 0, iorRows*iorCols)}
}

// begin starts a frame at time now: the memory decays, and what this frame
// shows replaces what was remembered of the same directions.
func (m *salienceMemory) begin(now time.Duration) {
	m.n++
	m.Decay(now)
	// Forget what has faded.
	live := m.live[:0]
	for _, i := range m.live {
		if m.get(int(i)) >= memoryFloor {
			live = append(live, i)
		} else {
			m.v[i], m.in[i] = 0, false
		}
	}
	m.live = live
}

// see records that direction (panDeg, tiltDeg) looks salience in this
// frame.
func (m *salienceMemory) see(panDeg, tiltDeg float64, salience float32) {
	i := int32(gridIndex(panDeg, tiltDeg))
	v := salience / float32(m.scale)
	if m.frame[i] == m.n {
		v = max(v, m.v[i])
	}
	m.v[i], m.frame[i] = v, m.n
	if !m.in[i] && float64(salience) >= memoryFloor {
		m.in[i] = true
		m.live = append(m.live, i)
	}
}

// at returns what is remembered of direction index i and its angles.
func (m *salienceMemory) at(i int32) (salience, panDeg, tiltDeg float64) {
	return m.get(int(i)), float64(int(i)%iorCols - 180), float64(int(i)/iorCols - 90)
}
