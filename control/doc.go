// Package control chooses where the head looks and drives it there.
//
// [Attention] samples each frame through a log-polar retina
// ([foveate.Retina]) at the gaze and computes a saliency map on the
// retina's coarse periphery: its samples averaged Coarse×Coarse into cells
// of rings × wedges that grow with eccentricity, as receptive fields do,
// the fovea left out. The map is centre-surround contrast of intensity and
// two colour-opponent channels, each with a top-down gain, measured in
// cortical coordinates at two surround scales: the smaller of the contrasts
// along the image's horizontal and vertical lines through a cell (sampled
// on the map, the steps growing with the cells), so that edges such as a
// horizon drop out and compact blobs stand out. Each channel is normalised
// as Itti and Koch do, but scaled to 1 only where its contrast reaches an
// object's, so that saliency compares between frames. It is weighted by
// maps kept in world angles so that they stay put when the head moves —
// inhibition of return ([IORMap]: a Gaussian of fixed spread around where
// the head stayed still, or along the path it followed an object, rising
// with the time spent there), habituation (each fixation multiplies the
// saliency of what it looked at by a factor, recovering as inhibition does;
// repeated looks compound, so the search moves on to what it has not seen
// rather than cycle through the most salient objects), the novelty of
// directions the head has not looked from, and a task bias set by
// [Attention.Bias] — and the winner is the next place to look. Exploration
// adds to each direction in view what a look there would show of the head's
// reach that has not been in view for a minute, so that a blank view's edge
// next to unexplored reach draws the head once what is salient is
// inhibited, and search covers the whole reach, not only the textured half
// of the world around the horizon. A memory of salience in world angles
// keeps blobs glimpsed in the periphery as candidates once they are out of
// view, weighted the same way, so that the search comes back for them. The
// object at the gaze is located on the sharp central field (the frame's
// pixels within 5° of the gaze), by its centre-surround contrast in
// intensity, colour and edge density, where corrective saccades and pursuit
// aim.
//
// [Gaze] is the oculomotor state machine: fixate, and after a dwell time
// saccade to the latest target; re-centre the fixated blob once with a
// corrective saccade that goes beyond its target first when it is smaller
// than the servos' dead band; pursue a blob seen moving. It is pure:
// Update(now, head, observation) returns a command and performs no I/O,
// reads no clock and starts no goroutine; the loop that drives it owns time
// and hardware.
//
// Buffers are owned by the Attention value and sized once for a camera
// model; Process allocates nothing.
package control
