package fovea

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// The experiment's trials are the runs `fovea sim --lockstep` makes, run
// side by side: the same scores as a lone run of each seed.
func TestSearchExperiment(t *testing.T) {
	seeds := []uint64{1, 2}
	trials, err := SearchExperiment(context.Background(), DefaultConfig(), seeds, 10*time.Second, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, tr := range trials {
		r := runLockstep(t, seeds[i], 10*time.Second)
		if tr.Seed != seeds[i] || tr.Recall != *r.SearchRecall || tr.ErrorDegP50 != *r.FixationErrorDegP50 ||
			tr.Refixations != *r.RefixationsWithin10s || tr.Fixations != len(r.FixationList) {
			t.Errorf("seed %d: trial %+v, lone run recall %v error %v refixations %v fixations %d",
				seeds[i], tr, *r.SearchRecall, *r.FixationErrorDegP50, *r.RefixationsWithin10s, len(r.FixationList))
		}
		static := r.ObjectsTotal - DefaultConfig().Sim.Moving
		if got := 1 - float64(len(tr.Missed))/float64(static); got != tr.Recall {
			t.Errorf("seed %d: %d missed of %d static, recall %v", seeds[i], len(tr.Missed), static, tr.Recall)
		}
		if !(tr.RecallAt[0] <= tr.RecallAt[1] && tr.RecallAt[1] <= tr.RecallAt[2] && tr.RecallAt[2] <= tr.Recall) {
			t.Errorf("seed %d: recall over time %v then %v", seeds[i], tr.RecallAt, tr.Recall)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SearchExperiment(ctx, DefaultConfig(), seeds, time.Second, 1, nil); err == nil {
		t.Error("a cancelled experiment succeeded")
	}
}

func TestParseSeeds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []uint64
		err  string
	}{
		{"1-4", []uint64{1, 2, 3, 4}, ""},
		{"7, 1,3-4", []uint64{1, 3, 4, 7}, ""},
		{"5", []uint64{5}, ""},
		{"", nil, "is not a seed"},
		{"1,,2", nil, "is not a seed"},
		{"4-2", nil, "not a range from low to high"},
		{"1-x", nil, "not a range from low to high"},
		{"-3", nil, "is not a seed"},
		{"1-3,2", nil, "listed twice"},
		{"0-18446744073709551615", nil, "more than 10000"},
	} {
		got, err := ParseSeeds(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, %v; want an error with %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func FuzzParseSeeds(f *testing.F) {
	for _, s := range []string{"1-48", "1,5,9-12", "", "3-1", "18446744073709551615", "0-9999", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seeds, err := ParseSeeds(s)
		if err != nil {
			return
		}
		if len(seeds) == 0 || len(seeds) > 10000 || !slices.IsSorted(seeds) {
			t.Fatalf("%q: %d seeds, sorted %v", s, len(seeds), slices.IsSorted(seeds))
		}
	})
}
