package preview

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned by Broadcaster.Wait after Close.
var ErrClosed = errors.New("preview: closed")

// Broadcaster hands the newest encoded frame to any number of waiting
// clients. A frame, once set, is never modified: clients may keep writing it
// while newer frames arrive.
type Broadcaster struct {
	mu      sync.Mutex
	frame   []byte
	gen     uint64
	changed chan struct{} // closed and replaced at every Set
	closed  bool
	clients atomic.Int32
}

// NewBroadcaster returns an empty broadcaster.
func NewBroadcaster() *Broadcaster {
	return &Broadcaster{changed: make(chan struct{})}
}

// Set publishes frame, which the caller must not modify afterwards. It
// never blocks on clients.
func (b *Broadcaster) Set(frame []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.frame = frame
	b.gen++
	close(b.changed)
	b.changed = make(chan struct{})
}

// Wait returns the newest frame whose generation is above after, waiting
// for one if needed, until ctx ends or the broadcaster closes.
func (b *Broadcaster) Wait(ctx context.Context, after uint64) (frame []byte, gen uint64, err error) {
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil, 0, ErrClosed
		}
		if b.gen > after {
			frame, gen = b.frame, b.gen
			b.mu.Unlock()
			return frame, gen, nil
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
	}
}

// Latest returns the newest frame, or nil.
func (b *Broadcaster) Latest() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.frame
}

// Watch counts a client in until the returned function is called.
func (b *Broadcaster) Watch() (done func()) {
	b.clients.Add(1)
	var once sync.Once
	return func() { once.Do(func() { b.clients.Add(-1) }) }
}

// Clients is how many clients are watching.
func (b *Broadcaster) Clients() int { return int(b.clients.Load()) }

// Close wakes every waiting client with ErrClosed.
func (b *Broadcaster) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		close(b.changed)
	}
}
