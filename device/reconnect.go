package device

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Opener opens a live source. Reconnect calls it again after each failure.
type Opener func(ctx context.Context) (Camera, error)

// Backoff is an exponential backoff policy.
type Backoff struct {
	Initial time.Duration // first wait after a failure
	Max     time.Duration // longest wait
}

// DefaultBackoff is the policy used when a zero Backoff is given.
var DefaultBackoff = Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}

// next returns the wait after d.
func (b Backoff) next(d time.Duration) time.Duration {
	if d <= 0 {
		return b.Initial
	}
	return min(2*d, b.Max)
}

// Reconnecting is a Camera over a live source that survives the source
// dropping: a failed open or read closes the source, waits with exponential
// backoff and opens it again, without the caller noticing beyond a gap in
// frame times. Sequence numbers keep counting across reconnections.
type Reconnecting struct {
	open    Opener
	backoff Backoff
	log     *slog.Logger
	// sleep waits d or until ctx ends; tests replace it to run without
	// real waiting.
	sleep func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
	cur      Camera
	wait     time.Duration
	seq      uint64
	closed   bool
	failures int
	reopens  int
}

// NewReconnecting wraps open. A zero backoff means DefaultBackoff; a nil
// logger discards.
func NewReconnecting(open Opener, backoff Backoff, log *slog.Logger) *Reconnecting {
	if backoff.Initial <= 0 || backoff.Max < backoff.Initial {
		backoff = DefaultBackoff
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reconnecting{open: open, backoff: backoff, log: log, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NextFrame returns the next frame, reconnecting as often as needed until
// ctx ends. Only ctx ending, Close, or ErrEndOfStream (a finite source that
// ended) stop it.
func (r *Reconnecting) NextFrame(ctx context.Context, f *Frame) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if r.closed {
			return ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.cur == nil {
			if r.wait > 0 {
				if err := r.sleep(ctx, r.wait); err != nil {
					return err
				}
			}
			c, err := r.open(ctx)
			if err != nil {
				r.fail("open", err)
				continue
			}
			if r.failures > 0 {
				r.reopens++
				r.log.Info("camera reconnected", "after_failures", r.failures)
			}
			r.cur = c
		}
		err := r.cur.NextFrame(ctx, f)
		if err == nil {
			r.seq++
			f.Seq = r.seq
			r.wait, r.failures = 0, 0
			return nil
		}
		if errors.Is(err, ErrEndOfStream) || ctx.Err() != nil {
			return err
		}
		_ = r.cur.Close()
		r.cur = nil
		r.fail("read", err)
	}
}

func (r *Reconnecting) fail(op string, err error) {
	r.failures++
	r.wait = r.backoff.next(r.wait)
	r.log.Warn("camera "+op+" failed; retrying", "err", err, "retry_in", r.wait, "failures", r.failures)
}

// Reconnects is how many times the source came back after failing.
func (r *Reconnecting) Reconnects() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reopens
}

// Close closes the current source. It waits for a NextFrame in progress.
func (r *Reconnecting) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.cur == nil {
		return nil
	}
	err := r.cur.Close()
	r.cur = nil
	if err != nil {
		return fmt.Errorf("device: reconnecting: close: %w", err)
	}
	return nil
}

var _ Camera = (*Reconnecting)(nil)
