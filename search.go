package fovea

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SearchTrial is one seed's visual search in the simulated world, run in
// lock step: its scores, and what it missed.
type SearchTrial struct {
	Seed   uint64  `json:"seed"`
	Recall float64 `json:"search_recall"`
	// RecallAt is the recall after a third, half and two thirds of the
	// run (10, 15 and 20 s of a 30 s run).
	RecallAt    [3]float64 `json:"recall_at_third_half_two_thirds"`
	ErrorDegP50 float64    `json:"fixation_error_deg_p50"`
	Refixations int        `json:"refixations_within_10s_max"`
	Fixations   int        `json:"fixations"`
	Background  int        `json:"fixations_on_background"` // on no object
	Missed      []int      `json:"missed,omitempty"`        // static objects never fixated
}

// Search acceptance (issue 5): recall, fixation error and refixations.
const (
	SearchMinRecall      = 0.95
	SearchMaxErrorDeg    = 0.5
	SearchMaxRefixations = 2
)

// Pass reports whether the trial meets the search acceptance.
func (t SearchTrial) Pass() bool {
	return t.Recall >= SearchMinRecall && t.ErrorDegP50 <= SearchMaxErrorDeg && t.Refixations <= SearchMaxRefixations
}

// SearchExperiment runs the visual search of configuration c in the
// simulated world for d on each seed, jobs runs at a time (0: one per
// CPU), and returns the trials in the order of seeds. done, when not nil,
// is called after each trial, from one goroutine at a time. Runs are in
// lock step: their scores do not depend on the machine or its load.
func SearchExperiment(ctx context.Context, c Config, seeds []uint64, d time.Duration, jobs int, done func(SearchTrial)) ([]SearchTrial, error) {
	if d <= 0 {
		return nil, fmt.Errorf("fovea: search experiment: duration %v is not positive", d)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("fovea: search experiment: no seeds")
	}
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	trials := make([]SearchTrial, len(seeds))
	errs := make([]error, len(seeds))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range min(jobs, len(seeds)) {
		wg.Go(func() {
			for i := range next {
				trials[i], errs[i] = searchTrial(ctx, c, seeds[i], d)
				if errs[i] == nil && done != nil {
					mu.Lock()
					done(trials[i])
					mu.Unlock()
				}
			}
		})
	}
feed:
	for i := range seeds {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("fovea: search experiment: seed %d: %w", seeds[i], err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fovea: search experiment: %w", err)
	}
	return trials, nil
}

func searchTrial(ctx context.Context, c Config, seed uint64, d time.Duration) (SearchTrial, error) {
	if err := ctx.Err(); err != nil {
		return SearchTrial{}, err
	}
	c.Sim.Seed = seed
	s, err := NewSim(c, true, nil)
	if err != nil {
		return SearchTrial{}, err
	}
	if err := s.Pipeline.RunLockstep(ctx, d); err != nil {
		return SearchTrial{}, err
	}
	r := s.Pipeline.Report(d)
	t := SearchTrial{Seed: seed, Fixations: len(r.FixationList)}
	if r.SearchRecall != nil {
		t.Recall = *r.SearchRecall
	}
	if r.FixationErrorDegP50 != nil {
		t.ErrorDegP50 = *r.FixationErrorDegP50
	}
	if r.RefixationsWithin10s != nil {
		t.Refixations = *r.RefixationsWithin10s
	}
	for _, f := range r.FixationList {
		if f.ObjectID < 0 {
			t.Background++
		}
	}
	first := firstFixations(r.FixationList)
	static := 0
	for _, o := range s.World.Objects() {
		if o.Moving() {
			continue
		}
		static++
		at, ok := first[o.ID]
		if !ok {
			t.Missed = append(t.Missed, o.ID)
			continue
		}
		for k := range t.RecallAt {
			if at <= d*time.Duration(k+2)/6 {
				t.RecallAt[k]++
			}
		}
	}
	for k := range t.RecallAt {
		if static > 0 {
			t.RecallAt[k] /= float64(static)
		}
	}
	return t, nil
}

// ParseSeeds parses a list of seeds such as "1-48" or "1,5,9-12": numbers
// and inclusive ranges, comma-separated, at most 10000 in all.
func ParseSeeds(s string) ([]uint64, error) {
	var seeds []uint64
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("fovea: seeds %q: %q is not a seed or a range of seeds", s, part)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64); err != nil || b < a {
				return nil, fmt.Errorf("fovea: seeds %q: %q is not a range from low to high", s, part)
			}
		}
		if b-a >= 10000 || len(seeds)+int(b-a+1) > 10000 {
			return nil, fmt.Errorf("fovea: seeds %q: more than 10000 seeds", s)
		}
		for v := a; ; v++ {
			seeds = append(seeds, v)
			if v == b {
				break
			}
		}
	}
	slices.Sort(seeds)
	if len(slices.Compact(seeds)) != len(seeds) {
		return nil, fmt.Errorf("fovea: seeds %q: a seed is listed twice", s)
	}
	return seeds, nil
}
