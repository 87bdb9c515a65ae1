package preview

import "github.com/fovea-vision/fovea/device"

// copyBGR copies f into dst, packed BGR rows; gray frames are expanded.
func copyBGR(dst []byte, f *device.Frame) {
	row := f.Width * 3
	for y := 0; y < f.Height; y++ {
		d := dst[y*row : (y+1)*row]
		src := f.Pix[y*f.Stride:]
		if f.Channels == 3 {
			copy(d, src[:row])
			continue
		}
		for x := 0; x < f.Width; x++ {
			v := src[x]
			d[3*x], d[3*x+1], d[3*x+2] = v, v, v
		}
	}
}
