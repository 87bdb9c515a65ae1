package sim

import "math"

// atan2 approximates math.Atan2 within 2e-5 rad (0.001°, a hundredth of a
// rendered pixel) at a fraction of its cost; the renderer calls it twice per
// pixel. TestAtan2 checks the bound.
func atan2(y, x float64) float64 {
	ax, ay := math.Abs(x), math.Abs(y)
	if ax == 0 && ay == 0 {
		return 0
	}
	swap := ay > ax
	var z float64
	if swap {
		z = ax / ay
	} else {
		z = ay / ax
	}
	z2 := z * z
	a := z * (0.99997726 + z2*(-0.33262347+z2*(0.19354346+z2*(-0.11643287+z2*(0.05265332+z2*-0.01172120)))))
	if swap {
		a = math.Pi/2 - a
	}
	if x < 0 {
		a = math.Pi - a
	}
	if y < 0 {
		a = -a
	}
	return a
}
