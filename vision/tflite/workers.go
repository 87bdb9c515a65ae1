package tflite

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers split one kernel's Eval over several goroutines: the calling one
// and n−1 started with the interpreter (Options.Threads). Kernels hand over
// a function bound once in Prepare and the number of parts; run allocates
// nothing. Each part writes its own outputs, with its own scratch memory,
// so the bytes do not depend on the number of threads.
type workers struct {
	n       int
	tasks   chan workerTask
	pending atomic.Int32 // parts handed over and not yet finished
	once    sync.Once
}

type workerTask struct {
	f    func(part, parts int)
	part int
	of   int
}

func newWorkers(n int) *workers {
	w := &workers{n: n, tasks: make(chan workerTask, n)}
	for range n - 1 {
		go w.loop()
	}
	return w
}

// spinTries is how many times an idle worker polls for the next task
// (some tens of microseconds: the gap between two operators of one
// invoke) before it blocks. A blocked worker is woken by the scheduler
// on the sender's own thread and waits there to be stolen, so the parts
// would mostly run one after the other. Pollers yield every 64 tries, so
// that with fewer CPUs than threads they do not hold up the others.
const spinTries = 20000

func (w *workers) loop() {
	for {
		var t workerTask
		ok, got := true, false
		for i := 0; i < spinTries && !got; i++ {
			select {
			case t, ok = <-w.tasks:
				got = true
			default:
				if i%64 == 63 {
					runtime.Gosched()
				}
			}
		}
		if !got {
			t, ok = <-w.tasks
		}
		if !ok {
			return
		}
		t.f(t.part, t.of)
		w.pending.Add(-1)
	}
}

func (w *workers) stop() { w.once.Do(func() { close(w.tasks) }) }

// threads is how many parts a kernel may split into (1 without workers).
func (w *workers) threads() int {
	if w == nil {
		return 1
	}
	return w.n
}

// run calls f(p, parts) for p < parts, part 0 on the calling goroutine,
// and returns when every part has returned. parts is at most threads().
// The caller polls for the other parts rather than sleeping: a goroutine
// woken by a worker would wait on the worker's thread to be stolen.
func (w *workers) run(parts int, f func(part, parts int)) {
	if w == nil || parts <= 1 {
		f(0, 1)
		return
	}
	w.pending.Add(int32(parts - 1))
	for p := 1; p < parts; p++ {
		w.tasks <- workerTask{f, p, parts}
	}
	f(0, parts)
	for i := 0; w.pending.Load() != 0; i++ {
		if i%64 == 63 {
			runtime.Gosched() // let a worker on this thread run
		}
	}
}

// partsFor is how many parts work of cost multiply-accumulates (or
// elements) is worth: a handover costs microseconds, so small operators
// stay on one thread.
func (w *workers) partsFor(cost int64, units int) int {
	return max(1, min(w.threads(), units, int(cost/minPartCost)))
}

// minPartCost is the least work worth a thread (tests lower it).
var minPartCost int64 = 1 << 17

// span is part p's share [lo, hi) of n units split into parts, in
// multiples of step.
func span(n, parts, p, step int) (lo, hi int) {
	chunks := (n + step - 1) / step
	lo = chunks * p / parts * step
	hi = min(n, chunks*(p+1)/parts*step)
	return
}
