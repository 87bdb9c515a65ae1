package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/preview"
)

// execute runs a wired pipeline with its preview, then writes the report.
func execute(ctx context.Context, p *fovea.Pipeline, cfg fovea.Config, c *common, log *slog.Logger, lockstep bool) error {
	if err := p.Init(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	var enc *preview.Encoder
	pctx, stopPreview := context.WithCancel(context.Background())
	defer func() { stopPreview(); wg.Wait() }()
	if cfg.Preview.Enabled {
		ln, err := net.Listen("tcp", cfg.Preview.Listen)
		if err != nil {
			return fmt.Errorf("preview: %w", err)
		}
		b := preview.NewBroadcaster()
		enc, err = preview.NewEncoder(b, cfg.Preview.MaxFPS, cfg.Preview.Quality)
		if err != nil {
			ln.Close()
			return err
		}
		p.Sink = enc
		srv := preview.NewServer(b, func() any { return p.Status() }, log)
		rb := preview.NewBroadcaster()
		enc.EnableRetina(rb, p.Attention.Retina())
		srv.AddStream("/retina.mjpg", rb)
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := srv.Serve(pctx, ln); err != nil {
				log.Error("preview stopped", "err", err)
			}
		}()
		go func() { defer wg.Done(); enc.Run(pctx) }()
		log.Info("preview: open this in a browser", "url", "http://"+ln.Addr().String()+"/")
	}
	start := time.Now()
	var err error
	if lockstep {
		d := c.duration
		if d == 0 {
			d = 10 * time.Second
		}
		err = p.RunLockstep(ctx, d)
	} else {
		rctx := ctx
		if c.duration > 0 {
			var cancel context.CancelFunc
			rctx, cancel = context.WithTimeout(ctx, c.duration)
			defer cancel()
		}
		err = p.Run(rctx)
	}
	elapsed := time.Since(start)
	mode := "realtime"
	if lockstep {
		mode = "lockstep"
		elapsed = c.duration
		if elapsed == 0 {
			elapsed = 10 * time.Second
		}
	}
	r := p.Report(elapsed)
	r.Mode, r.Seed = mode, cfg.Sim.Seed
	if p.World != nil && c.report != "" { // scripted experiments, for the report only (about 3 s)
		if d, err := fovea.MeasureSaccadeSettle(cfg, p.MotorPeriod); err == nil {
			v := float64(d) / float64(time.Millisecond)
			r.Saccade20DegSettleMs = &v
		} else {
			log.Warn("saccade settle measurement failed", "err", err)
		}
		if v, err := fovea.MeasurePursuit(cfg); err == nil {
			r.PursuitRMSDeg = &v
		} else {
			log.Warn("pursuit measurement failed", "err", err)
		}
	}
	log.Info("run finished", "mode", mode, "seconds", fmt.Sprintf("%.1f", r.DurationS),
		"frames_captured", r.FramesCaptured, "frames_processed", r.FramesProcessed,
		"fps", fmt.Sprintf("%.1f", r.FPS), "saccades", r.Saccades, "fixations", r.Fixations,
		"objects_fixated", fmt.Sprintf("%d/%d", r.ObjectsFixated, r.ObjectsTotal))
	if enc != nil {
		log.Info("preview", "frames_encoded", enc.Encoded(), "last_encode", enc.LastEncode())
		if err := enc.Err(); err != nil {
			log.Warn("preview: encoding failed", "err", err)
		}
	}
	if c.report != "" {
		b, jerr := json.MarshalIndent(r, "", "  ")
		if jerr == nil {
			jerr = os.WriteFile(c.report, append(b, '\n'), 0o644)
		}
		if jerr != nil {
			return fmt.Errorf("report: %w", jerr)
		}
	}
	return err
}
