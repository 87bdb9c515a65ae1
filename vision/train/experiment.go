package train

import (
	"fmt"
	"image/color"
	"io"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/fovea-vision/fovea/vision"
)

// The light changes of the precortical experiment.
var (
	Intensities = []float64{0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3}
	Contrasts   = []float64{0.1, 0.2, 0.3, 0.5, 0.7, 1}
)

// Row is one light change and the two models' accuracies under it.
type Row struct {
	Kind            string // "intensity" or "contrast"
	Light           Light
	With, Without   float64 // accuracy with and without the precortical stage
	CostWith        float64 // accuracy lost against unchanged light, with the stage
	CostWithout     float64
	ExceedsCriteria bool `json:",omitempty"` // CostWith > CostWithout/3 (the bound)
}

// Table is the experiment's result.
type Table struct {
	Images             int
	BaseWith, BaseWout float64
	Rows               []Row
	Harshest           int // the index of the row that costs the raw model most
}

// LightExperiment measures with (the precortical model) and without (the
// raw model) on data under each intensity and contrast change.
func LightExperiment(with, without *vision.Categorizer, data Samples, progress func(done, total int)) (*Table, error) {
	t := &Table{Images: data.Len()}
	var err error
	if t.BaseWith, err = Evaluate(with, data, nil); err != nil {
		return nil, err
	}
	if t.BaseWout, err = Evaluate(without, data, nil); err != nil {
		return nil, err
	}
	var rows []Row
	for _, k := range Intensities {
		rows = append(rows, Row{Kind: "intensity", Light: Light{Intensity: k, Contrast: 1}})
	}
	for _, c := range Contrasts {
		rows = append(rows, Row{Kind: "contrast", Light: Light{Intensity: 1, Contrast: c}})
	}
	for i, r := range rows {
		l := r.Light
		if r.With, err = Evaluate(with, data, &l); err != nil {
			return nil, err
		}
		if r.Without, err = Evaluate(without, data, &l); err != nil {
			return nil, err
		}
		r.CostWith, r.CostWithout = t.BaseWith-r.With, t.BaseWout-r.Without
		r.ExceedsCriteria = r.CostWith > r.CostWithout/3
		t.Rows = append(t.Rows, r)
		if r.CostWithout > t.Rows[t.Harshest].CostWithout {
			t.Harshest = i
		}
		if progress != nil {
			progress(i+1, len(rows))
		}
	}
	return t, nil
}

// Print writes the table.
func (t *Table) Print(w io.Writer) {
	fmt.Fprintf(w, "held-out accuracy under light changes (%d images); cost = accuracy lost against unchanged light\n", t.Images)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "change\twith precortical\twithout\tcost with\tcost without\t")
	for i, r := range t.Rows {
		name := fmt.Sprintf("intensity ×%g", r.Light.Intensity)
		if r.Kind == "contrast" {
			name = fmt.Sprintf("contrast ×%g", r.Light.Contrast)
		}
		mark := ""
		if i == t.Harshest {
			mark = " ← harshest"
		}
		fmt.Fprintf(tw, "%s\t%.2f %%\t%.2f %%\t%+.2f\t%+.2f\t%s\n", name, 100*r.With, 100*r.Without, 100*r.CostWith, 100*r.CostWithout, mark)
	}
	tw.Flush()
	h := t.Rows[t.Harshest]
	fmt.Fprintf(w, "harshest change: the precortical stage keeps %.2f %% where raw pixels keep %.2f %%: it costs %.2f points against %.2f",
		100*h.With, 100*h.Without, 100*h.CostWith, 100*h.CostWithout)
	if h.CostWith > 0 {
		fmt.Fprintf(w, " (%.1f× less)", h.CostWithout/h.CostWith)
	}
	fmt.Fprintln(w)
}

// PNG draws accuracy against intensity and against contrast, with and
// without the stage, side by side.
func (t *Table) PNG(w io.Writer) error {
	panel := func(title, x string, pick func(Row) (float64, bool)) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = x
		p.Y.Label.Text = "held-out accuracy"
		p.X.Scale = plot.LogScale{}
		var ticks []plot.Tick
		for _, r := range t.Rows {
			if v, ok := pick(r); ok {
				ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("×%g", v)})
			}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Y.Min, p.Y.Max = 0, 1
		var with, wout plotter.XYs
		for _, r := range t.Rows {
			if v, ok := pick(r); ok {
				with = append(with, plotter.XY{X: v, Y: r.With})
				wout = append(wout, plotter.XY{X: v, Y: r.Without})
			}
		}
		for _, s := range []struct {
			name string
			xy   plotter.XYs
			c    color.RGBA
		}{{"with precortical stage", with, color.RGBA{B: 200, A: 255}}, {"raw pixels", wout, color.RGBA{R: 200, A: 255}}} {
			l, pts, err := plotter.NewLinePoints(s.xy)
			if err != nil {
				return nil, err
			}
			l.Color, pts.Color = s.c, s.c
			p.Add(l, pts)
			p.Legend.Add(s.name, l, pts)
		}
		p.Legend.Top = false
		p.Add(plotter.NewGrid())
		return p, nil
	}
	pi, err := panel("Global intensity change", "intensity factor", func(r Row) (float64, bool) { return r.Light.Intensity, r.Kind == "intensity" })
	if err != nil {
		return err
	}
	pc, err := panel("Contrast change", "contrast factor", func(r Row) (float64, bool) { return r.Light.Contrast, r.Kind == "contrast" })
	if err != nil {
		return err
	}
	img := vgimg.New(12*vg.Inch, 4.5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 2, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{{pi, pc}}, tiles, dc)
	pi.Draw(canvases[0][0])
	pc.Draw(canvases[0][1])
	_, err = vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}
