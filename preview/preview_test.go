package preview

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim/simtest"
)

func frames(t testing.TB, n int) []device.Frame { return simtest.Frames(t, 320, 240, n) }

type rig struct {
	b   *Broadcaster
	enc *Encoder
	ts  *httptest.Server
}

// newRig starts an encoder, a real HTTP server on loopback and a publisher
// feeding frames as fast as the encoder takes them until ctx ends.
func newRig(t *testing.T, ctx context.Context) *rig {
	t.Helper()
	b := NewBroadcaster()
	enc, err := NewEncoder(b, 120, 80)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(b, func() any { return map[string]int{"clients": b.Clients()} }, nil)
	ts := httptest.NewServer(srv)
	fr := frames(t, 8)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); enc.Run(ctx) }()
	go func() {
		defer wg.Done()
		var ov fovea.Overlay
		for i := 0; ctx.Err() == nil; i++ {
			ov.Gaze, ov.GazeIn = fovea.Point{X: 160, Y: 120}, true
			enc.Publish(&fr[i%len(fr)], &ov)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() {
		b.Close()
		ts.Close()
		wg.Wait()
	})
	return &rig{b: b, enc: enc, ts: ts}
}

// readParts reads up to n parts of an MJPEG stream and checks each decodes as
// a JPEG of the declared length. pause is waited between parts (a slow client).
func readParts(t *testing.T, url string, n int, pause time.Duration) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/x-mixed-replace" {
		t.Errorf("content type %q: %v", resp.Header.Get("Content-Type"), err)
		return 0, err
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	got := 0
	for got < n {
		p, err := mr.NextPart()
		if err != nil {
			return got, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return got, err
		}
		if cl, _ := strconv.Atoi(p.Header.Get("Content-Length")); cl != len(b) {
			t.Errorf("part %d: Content-Length %d, body %d bytes", got, cl, len(b))
		}
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("part %d does not decode: %v", got, err)
		} else if img.Bounds().Dx() != 320 || img.Bounds().Dy() != 240 {
			t.Errorf("part %d is %v, want 320x240", got, img.Bounds())
		}
		got++
		if pause > 0 {
			time.Sleep(pause) // a client on a slow link
		}
	}
	return got, nil
}

// Twenty concurrent clients, one of them slow: every JPEG decodes. Run it
// with -race: clients write frames while newer ones are published.
func TestTwentyClients(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRig(t, ctx)
	const clients, perClient = 20, 25
	var wg sync.WaitGroup
	counts := make([]int, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pause := time.Duration(0)
			n := perClient
			if i == 0 {
				pause, n = 50*time.Millisecond, 5
			}
			got, err := readParts(t, r.ts.URL+"/stream.mjpg", n, pause)
			if err != nil {
				t.Errorf("client %d: %v after %d frames", i, err, got)
			}
			counts[i] = got
		}(i)
	}
	wg.Wait()
	for i, c := range counts {
		want := perClient
		if i == 0 {
			want = 5
		}
		if c != want {
			t.Errorf("client %d got %d frames, want %d", i, c, want)
		}
	}
	if r.enc.Encoded() == 0 {
		t.Fatal("nothing encoded")
	}
}

// A client that stops reading altogether delays nobody: the others keep
// receiving frames while its socket is full.
func TestStalledClientDoesNotBlockOthers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRig(t, ctx)
	conn, err := net.Dial("tcp", r.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096)
	}
	io.WriteString(conn, "GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n")
	st, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || st[:12] != "HTTP/1.1 200" {
		t.Fatalf("stalled client: %q, %v", st, err)
	}
	// The stalled client now reads nothing more. 200 frames of ~15 kB
	// overflow any socket buffer.
	got, err := readParts(t, r.ts.URL+"/stream.mjpg", 200, 0)
	if err != nil || got != 200 {
		t.Fatalf("reading client got %d frames: %v", got, err)
	}
}

// With no client the encoder encodes nothing; a client starts encoding.
func TestEncodeOnlyWhileWatched(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRig(t, ctx)
	// The publisher runs meanwhile; skipped frames prove it published.
	for r.enc.skipped.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	if n := r.enc.Encoded(); n != 0 {
		t.Fatalf("encoded %d frames with nobody watching", n)
	}
	if _, err := readParts(t, r.ts.URL+"/stream.mjpg", 3, 0); err != nil {
		t.Fatal(err)
	}
	if r.enc.Encoded() < 3 {
		t.Fatalf("encoded %d frames for a client that read 3", r.enc.Encoded())
	}
	resp, err := http.Get(r.ts.URL + "/snapshot.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := jpeg.Decode(resp.Body); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
}

func TestHTTPErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := newRig(t, ctx)
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/", 200},
		{"GET", "/nope", 404},
		{"POST", "/stream.mjpg", 405},
		{"DELETE", "/api/status", 405},
		{"GET", "/api/status", 200},
		{"GET", "/healthz", 200},
		{"GET", "/../../etc/passwd", 404},
	} {
		req, _ := http.NewRequest(c.method, r.ts.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, resp.StatusCode, c.code)
		}
		if c.path == "/api/status" && c.code == 200 {
			var v map[string]int
			if err := json.Unmarshal(body, &v); err != nil {
				t.Errorf("status is not JSON: %v", err)
			}
		}
	}
}

// Serve returns once ctx ends, after closing every stream.
func TestServeShutsDownStreams(t *testing.T) {
	b := NewBroadcaster()
	srv := NewServer(b, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/stream.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for b.Clients() != 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatalf("stream did not end cleanly: %v", err)
	}
	if n := b.Clients(); n != 0 {
		t.Fatalf("%d clients still counted after shutdown", n)
	}
}

// BenchmarkPublish is the pipeline's cost of the preview per frame, with
// nobody watching and with a watcher (a copy into the pending slot).
func BenchmarkPublish(b *testing.B) {
	fr := frames(b, 1)
	var ov fovea.Overlay
	for _, watchers := range []int{0, 1} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) {
			bc := NewBroadcaster()
			enc, _ := NewEncoder(bc, 30, 80)
			if watchers > 0 {
				defer bc.Watch()()
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				enc.Publish(&fr[0], &ov)
			}
		})
	}
}

// BenchmarkEncode is the encoder's draw and JPEG encode of one 320x240 frame.
func BenchmarkEncode(b *testing.B) {
	fr := frames(b, 1)
	bc := NewBroadcaster()
	enc, _ := NewEncoder(bc, 30, 80)
	defer bc.Watch()()
	var ov fovea.Overlay
	ov.GazeIn = true
	var s surface
	defer s.close()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		enc.Publish(&fr[0], &ov)
		if _, err := enc.encodeNext(&s); err != nil {
			b.Fatal(err)
		}
	}
}

// Gray frames are expanded to colour on one surface, reused frame after
// frame, and the gray level survives the JPEG round trip.
func TestEncodeGrayReusesSurface(t *testing.T) {
	bc := NewBroadcaster()
	enc, _ := NewEncoder(bc, 30, 80)
	defer bc.Watch()()
	var g device.Frame
	g.Reset(64, 48, 1)
	for i := range g.Pix {
		g.Pix[i] = byte(i)
	}
	var ov fovea.Overlay
	var s surface
	defer s.close()
	var first any
	for i := 0; i < 3; i++ {
		enc.Publish(&g, &ov)
		jpg, err := enc.encodeNext(&s)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(jpg))
		if err != nil || img.Bounds().Dx() != 64 {
			t.Fatalf("gray frame %d: %v %v", i, img, err)
		}
		// A pixel away from the overlay's text: its gray level, in every channel.
		r, gr, b, _ := img.At(40, 40).RGBA()
		if want := float64(g.Pix[40*64+40]); math.Abs(float64(r>>8)-want) > 12 || math.Abs(float64(gr>>8)-want) > 12 || math.Abs(float64(b>>8)-want) > 12 {
			t.Fatalf("pixel (40, 40): %d %d %d, want gray %v", r>>8, gr>>8, b>>8, want)
		}
		if i == 0 {
			first = s.buffer()
		} else if s.buffer() != first {
			t.Fatal("the surface was reallocated for a frame of the same size")
		}
	}
}
