package fovea

import (
	"slices"
	"sync"
	"time"
)

// Recorder keeps the most recent latency samples of one stage in a fixed
// ring: recording allocates nothing, and quantiles describe the last
// capacity samples.
type Recorder struct {
	mu    sync.Mutex
	buf   []time.Duration
	n     int // samples recorded in all
	total time.Duration
}

// NewRecorder keeps up to capacity samples.
func NewRecorder(capacity int) *Recorder {
	return &Recorder{buf: make([]time.Duration, capacity)}
}

// Record adds one sample.
func (r *Recorder) Record(d time.Duration) {
	r.mu.Lock()
	r.buf[r.n%len(r.buf)] = d
	r.n++
	r.total += d
	r.mu.Unlock()
}

// Quantiles summarises a recorder in milliseconds.
type Quantiles struct {
	P50   float64 `json:"p50"`
	P99   float64 `json:"p99"`
	Mean  float64 `json:"mean"`
	Count int     `json:"count"`
}

// Quantiles returns p50 and p99 of the kept samples (nearest rank) and the
// mean of all samples. It allocates a sorted copy; do not call it per frame.
func (r *Recorder) Quantiles() Quantiles {
	r.mu.Lock()
	k := min(r.n, len(r.buf))
	s := slices.Clone(r.buf[:k])
	n, total := r.n, r.total
	r.mu.Unlock()
	if k == 0 {
		return Quantiles{}
	}
	slices.Sort(s)
	rank := func(q float64) float64 {
		i := int(q*float64(k)+0.999999) - 1
		return ms(s[min(max(i, 0), k-1)])
	}
	return Quantiles{P50: rank(0.50), P99: rank(0.99), Mean: ms(total) / float64(n), Count: n}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
