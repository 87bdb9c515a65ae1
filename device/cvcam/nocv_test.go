//go:build !cgo

package cvcam

import (
	"errors"
	"strings"
	"testing"

	"github.com/fovea-vision/fovea/device"
)

// Without cgo: opening a real source says why it cannot, and the codec
// check round-trips through Go's JPEG.
func TestWithoutOpenCV(t *testing.T) {
	if _, err := Open(Config{Source: "0"}); !errors.Is(err, ErrNoOpenCV) || !strings.Contains(err.Error(), "CGO_ENABLED=1") {
		t.Errorf("Open: %v", err)
	}
	var f device.Frame
	f.Reset(64, 48, 3)
	for i := range f.Pix {
		f.Pix[i] = byte(i % 97 * 2)
	}
	psnr, v, err := CheckCodec(&f)
	if err != nil || psnr < 20 || !strings.Contains(v, "image/jpeg") {
		t.Errorf("CheckCodec: %.1f dB %q %v", psnr, v, err)
	}
}
