// Package foveate is Fovea's eye: a log-polar retina with a linear fovea,
// its inverse, and the precortical (retina/LGN) normalisation.
//
// # Geometry
//
// A [Geometry] has W wedges and R rings around the fixation point. Ring
// radii grow linearly inside the fovea (F rings of one pixel each, by
// default, out to r_f = F) and geometrically outside it, by the ratio
// λ = (1+sin(π/W))/(1−sin(π/W)) that makes sampling isotropic: the radial
// spacing r(λ−1) equals the tangential one 2πr/W (the iCub layout, where
// F = ⌊λ/(λ−1)⌋). With W = 128 out to 400 px that is 82 rings, 10,496
// samples: 29× fewer than a 640×480 frame.
//
// # Sampling without aliasing
//
// Each sample is the exact mean of the frame over its receptive field: a
// square Overlap (2 by default) times the local sample spacing wide, so
// fields overlap and grow with eccentricity. Means come from an integral
// image interpolated bilinearly, which is the exact area integral of the
// piecewise-constant frame, so the cost per sample does not depend on its
// size. Point sampling (cv::remap, bilinear or nearest) instead folds the
// fine detail of the periphery into false coarse patterns
// (TestPeripheryDoesNotAlias measures both).
//
// Fixation may be anywhere, also off the frame: samples whose centre falls
// outside are marked invalid in [Image].Valid and set to zero; fields
// clipped by the frame's edge average what is inside.
//
// # Outputs
//
// [Retina.Sample] gives the cortical image (rings × wedges); [FoveaPatch]
// the full-resolution n×n square at the fixation, for the categoriser;
// [Retina.Reconstruct] the foveated cartesian image, for display.
//
// # Ownership
//
// The caller owns every output. A Retina keeps an integral-image scratch
// that grows to the largest frame region seen; Sample allocates nothing
// after that. A Retina is not safe for concurrent use.
package foveate
