package preview

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"
)

//go:embed index.html
var indexHTML []byte

const boundary = "foveaframe"

// Server serves the preview over HTTP.
type Server struct {
	frames  *Broadcaster
	streams []*Broadcaster // every stream, closed on shutdown
	status  func() any
	log     *slog.Logger
	// WriteTimeout cuts off a client that accepts no bytes for this long.
	WriteTimeout time.Duration
	mux          *http.ServeMux
}

// NewServer returns a server of frames and status (called per request; nil
// serves {}).
func NewServer(frames *Broadcaster, status func() any, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{frames: frames, status: status, log: log, WriteTimeout: 10 * time.Second, mux: http.NewServeMux()}
	s.mux.HandleFunc("/{$}", s.handleIndex)
	s.AddStream("/stream.mjpg", frames)
	s.mux.HandleFunc("/snapshot.jpg", s.handleSnapshot)
	s.mux.HandleFunc("/api/status", s.handleStatus)
	s.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if getOnly(w, r) {
			fmt.Fprintln(w, "ok")
		}
	})
	return s
}

// AddStream serves b as an MJPEG stream at path. Call it before Serve.
func (s *Server) AddStream(path string, b *Broadcaster) {
	s.streams = append(s.streams, b)
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { s.handleStream(w, r, b) })
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// getOnly answers 405 to anything but GET and HEAD.
func getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "preview: method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	return true
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	if !getOnly(w, r) {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(indexHTML)
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	if !getOnly(w, r) {
		return
	}
	var v any = struct{}{}
	if s.status != nil {
		v = s.status()
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "preview: status: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	if !getOnly(w, r) {
		return
	}
	done := s.frames.Watch()
	defer done()
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	jpg, _, err := s.frames.Wait(ctx, 0)
	if err != nil {
		http.Error(w, "preview: no frame yet", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(jpg)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(jpg)
}

// handleStream writes frames as multipart/x-mixed-replace until the client
// leaves, the server closes, or a write stalls beyond WriteTimeout. It runs
// on the client's own goroutine: a slow client skips frames and delays no one.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request, frames *Broadcaster) {
	if !getOnly(w, r) {
		return
	}
	done := frames.Watch()
	defer done()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	h.Set("Cache-Control", "no-store")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead || rc.Flush() != nil {
		return
	}
	var hdr []byte
	var gen uint64
	for {
		jpg, g, err := frames.Wait(r.Context(), gen)
		if err != nil {
			return
		}
		gen = g
		_ = rc.SetWriteDeadline(time.Now().Add(s.WriteTimeout))
		hdr = fmt.Appendf(hdr[:0], "--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", boundary, len(jpg))
		if _, err := w.Write(hdr); err != nil {
			return
		}
		if _, err := w.Write(jpg); err != nil {
			return
		}
		if _, err := w.Write([]byte("\r\n")); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// Serve serves on ln until ctx ends, then closes every stream and shuts the
// server down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("preview: serve: %w", err)
	case <-ctx.Done():
	}
	for _, b := range s.streams {
		b.Close()
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := srv.Shutdown(shut)
	if err != nil {
		// A client that stopped reading keeps its handler in Write: cut it.
		srv.Close()
	}
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("preview: shutdown: %w", err)
	}
	return nil
}
