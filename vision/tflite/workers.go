package tflite

import "sync"

// workers split one kernel's Eval over several goroutines: the calling one
// and n−1 started with the interpreter (Options.Threads). Kernels hand over
// a function bound once in Prepare and the number of parts; run allocates
// nothing. Each part writes its own outputs, with its own scratch memory,
// so the bytes do not depend on the number of threads.
type workers struct {
	n     int
	tasks chan workerTask
	done  sync.WaitGroup
	once  sync.Once
}

type workerTask struct {
	f    func(part, parts int)
	part int
	of   int
}

func newWorkers(n int) *workers {
	w := &workers{n: n, tasks: make(chan workerTask, n)}
	for range n - 1 {
		go func() {
			for t := range w.tasks {
				t.f(t.part, t.of)
				w.done.Done()
			}
		}()
	}
	return w
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
func (w *workers) run(parts int, f func(part, parts int)) {
	if w == nil || parts <= 1 {
		f(0, 1)
		return
	}
	w.done.Add(parts - 1)
	for p := 1; p < parts; p++ {
		w.tasks <- workerTask{f, p, parts}
	}
	f(0, parts)
	w.done.Wait()
}

// partsFor is how many parts work of cost multiply-accumulates (or
// elements) is worth: a handover costs microseconds, so small operators
// stay on one thread.
func (w *workers) partsFor(cost int64, units int) int {
	return max(1, min(w.threads(), units, int(cost/minPartCost)))
}

// minPartCost is the least work worth a thread (tests lower it).
var minPartCost int64 = 1 << 19

// span is part p's share [lo, hi) of n units split into parts, in
// multiples of step.
func span(n, parts, p, step int) (lo, hi int) {
	chunks := (n + step - 1) / step
	lo = chunks * p / parts * step
	hi = min(n, chunks*(p+1)/parts*step)
	return
}
