package fovea

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fovea-vision/fovea/device"
)

// Calibration is what `fovea calibrate` finds for a head, in the
// configuration's terms (head.* keys).
type Calibration struct {
	PanTrim, TiltTrim      float64 // degrees: the raw servo angle at which the axis points straight ahead
	PanInvert, TiltInvert  bool
	PanMin, PanMax         float64 // degrees, commanded (after trim and inversion)
	TiltMin, TiltMax       float64
	PanRawMin, PanRawMax   float64 // the raw servo angles the user chose, for the record
	TiltRawMin, TiltRawMax float64
}

// Values returns the configuration keys and values to write.
func (c Calibration) Values() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "deg" }
	b := strconv.FormatBool
	return map[string]string{
		"head.pan_servo.trim": f(c.PanTrim), "head.pan_servo.invert": b(c.PanInvert),
		"head.tilt_servo.trim": f(c.TiltTrim), "head.tilt_servo.invert": b(c.TiltInvert),
		"head.pan_min": f(c.PanMin), "head.pan_max": f(c.PanMax),
		"head.tilt_min": f(c.TiltMin), "head.tilt_max": f(c.TiltMax),
		"head.park_pan": "0deg", "head.park_tilt": "0deg",
	}
}

// MaxCalibrationStep bounds one nudge: the walkthrough moves the raw
// servos, behind no slew limit, so steps stay small.
const MaxCalibrationStep = 10.0

// ErrCalibrationAborted is returned when the user quits the walkthrough.
var ErrCalibrationAborted = errors.New("calibrate: aborted")

// Calibrate walks a user through centring each axis, checking its
// direction and finding its limits, on a head driven raw (its servos with
// no trim and no inversion). Each prompt takes lines: "+" or "-" nudge by
// 1°, "+5" or "-0.5" by that many degrees (at most MaxCalibrationStep), an
// empty line accepts, "q" quits. The head is left where it is; the caller
// halts it.
func Calibrate(in io.Reader, out io.Writer, head device.PanTilt) (Calibration, error) {
	var c Calibration
	sc := bufio.NewScanner(in)
	raw := [2]float64{0, 0} // pan, tilt, raw servo degrees
	names := [2]string{"pan", "tilt"}
	move := func() error {
		return head.SetPose(device.PoseDeg(raw[0], raw[1]))
	}
	if err := move(); err != nil {
		return c, fmt.Errorf("calibrate: moving to the servos' middle: %w", err)
	}
	// adjust nudges axis until the user accepts and returns its raw angle.
	adjust := func(axis int, prompt string) (float64, error) {
		fmt.Fprintf(out, "%s\n  [+ - +N -N: nudge %s by 1° or N°; Enter: accept; q: quit]\n", prompt, names[axis])
		for {
			fmt.Fprintf(out, "  %s at %.1f° raw > ", names[axis], raw[axis])
			if !sc.Scan() {
				return 0, fmt.Errorf("calibrate: input ended: %w", ErrCalibrationAborted)
			}
			cmd := strings.TrimSpace(sc.Text())
			switch {
			case cmd == "":
				fmt.Fprintln(out)
				return raw[axis], nil
			case cmd == "q":
				return 0, ErrCalibrationAborted
			}
			step := 0.0
			switch cmd {
			case "+":
				step = 1
			case "-":
				step = -1
			default:
				v, err := strconv.ParseFloat(cmd, 64)
				if err != nil || (cmd[0] != '+' && cmd[0] != '-') || math.IsNaN(v) || math.IsInf(v, 0) {
					fmt.Fprintf(out, "  %q: type +, -, +N or -N (degrees), Enter or q\n", cmd)
					continue
				}
				if math.Abs(v) > MaxCalibrationStep {
					fmt.Fprintf(out, "  steps are at most %g°; moving %g°\n", MaxCalibrationStep, math.Copysign(MaxCalibrationStep, v))
					v = math.Copysign(MaxCalibrationStep, v)
				}
				step = v
			}
			old := raw[axis]
			raw[axis] += step
			if err := move(); err != nil {
				raw[axis] = old
				fmt.Fprintf(out, "  cannot go there: %v\n", err)
			}
		}
	}
	yes := func(prompt string) (bool, error) {
		for {
			fmt.Fprintf(out, "%s [y/n] > ", prompt)
			if !sc.Scan() {
				return false, fmt.Errorf("calibrate: input ended: %w", ErrCalibrationAborted)
			}
			switch strings.ToLower(strings.TrimSpace(sc.Text())) {
			case "y", "yes":
				return true, nil
			case "n", "no":
				return false, nil
			case "q":
				return false, ErrCalibrationAborted
			}
		}
	}
	centre := [2]float64{}
	invert := [2]bool{}
	for axis, what := range []string{"Point the camera straight ahead: centre the pan axis.", "Level the camera: centre the tilt axis."} {
		v, err := adjust(axis, what)
		if err != nil {
			return c, err
		}
		centre[axis] = v
	}
	for axis, dir := range []string{"right", "up"} {
		raw[axis] = centre[axis] + 5
		if err := move(); err != nil {
			return c, fmt.Errorf("calibrate: %s direction test: %w", names[axis], err)
		}
		ok, err := yes(fmt.Sprintf("The %s axis moved by +5°: did the camera turn %s?", names[axis], dir))
		if err != nil {
			return c, err
		}
		invert[axis] = !ok
		raw[axis] = centre[axis]
		if err := move(); err != nil {
			return c, err
		}
	}
	limit := [2][2]float64{}
	for axis, ends := range [][2]string{{"left", "right"}, {"down", "up"}} {
		for k, end := range ends {
			v, err := adjust(axis, fmt.Sprintf("Turn the camera %s as far as it may safely go (short of the stop, clear of cables).", end))
			if err != nil {
				return c, err
			}
			limit[axis][k] = v
			raw[axis] = centre[axis]
			if err := move(); err != nil {
				return c, err
			}
		}
	}
	// Raw r = ±(commanded + trim): trim = ±centre; commanded = ±r − trim.
	cmdAngle := func(axis int, r float64) float64 {
		if invert[axis] {
			return -r - (-centre[axis])
		}
		return r - centre[axis]
	}
	trim := func(axis int) float64 {
		if invert[axis] {
			return -centre[axis]
		}
		return centre[axis]
	}
	c.PanTrim, c.TiltTrim = trim(0), trim(1)
	c.PanInvert, c.TiltInvert = invert[0], invert[1]
	c.PanRawMin, c.PanRawMax, c.TiltRawMin, c.TiltRawMax = limit[0][0], limit[0][1], limit[1][0], limit[1][1]
	a, b := cmdAngle(0, limit[0][0]), cmdAngle(0, limit[0][1])
	c.PanMin, c.PanMax = math.Min(a, b), math.Max(a, b)
	a, b = cmdAngle(1, limit[1][0]), cmdAngle(1, limit[1][1])
	c.TiltMin, c.TiltMax = math.Min(a, b), math.Max(a, b)
	if !(c.PanMin < 0 && c.PanMax > 0) || !(c.TiltMin < 0 && c.TiltMax > 0) {
		return c, fmt.Errorf("calibrate: limits pan %.1f°…%.1f°, tilt %.1f°…%.1f° do not surround the centre: were left/right or down/up swapped?",
			c.PanMin, c.PanMax, c.TiltMin, c.TiltMax)
	}
	return c, nil
}

// SetConfigValues sets dotted keys (head.pan_servo.trim) to scalar values
// in a YAML configuration, keeping its comments and other keys, creating
// the mappings a key needs; the result must still be a valid configuration.
func SetConfigValues(doc []byte, values map[string]string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if root.Kind == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("config: not a mapping of keys")
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := root.Content[0]
		parts := strings.Split(k, ".")
		for i, part := range parts {
			var val *yaml.Node
			for j := 0; j+1 < len(m.Content); j += 2 {
				if m.Content[j].Value == part {
					val = m.Content[j+1]
				}
			}
			last := i == len(parts)-1
			if val == nil {
				val = &yaml.Node{Kind: yaml.MappingNode}
				if last {
					val = &yaml.Node{Kind: yaml.ScalarNode}
				}
				m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part}, val)
			}
			if last {
				val.Kind, val.Tag, val.Style, val.Value, val.Content = yaml.ScalarNode, "", 0, values[k], nil
			} else if val.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("config: %s is not a mapping", strings.Join(parts[:i+1], "."))
			}
			m = val
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if _, err := ParseConfig(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("config after calibration: %w", err)
	}
	return buf.Bytes(), nil
}
