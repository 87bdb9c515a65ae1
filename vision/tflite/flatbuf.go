package tflite

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A hand-written, bounds-checked reader of the FlatBuffers wire format,
// for the tables of the TensorFlow Lite schema (schema.fbs). Every access
// is checked against the buffer; a bad offset yields a *FormatError, never a
// panic. Nothing is copied: vectors of bytes are slices of the model buffer.

// FormatError tells what is wrong with a model file and where.
type FormatError struct {
	Where string // the path of the field, e.g. subgraphs[0].tensors[3].shape
	Msg   string
}

func (e *FormatError) Error() string { return "tflite: model: " + e.Where + ": " + e.Msg }

// maxVector bounds vector lengths beyond the buffer size check: no model
// has more elements in any list than this.
const maxVector = 1 << 26

type fbuf struct{ b []byte }

func (f fbuf) u32(off int) (uint32, bool) {
	if off < 0 || off+4 > len(f.b) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(f.b[off:]), true
}

// table is a FlatBuffers table at pos with its vtable.
type table struct {
	f     fbuf
	pos   int
	vt    int
	vtLen int
	where string
}

func (f fbuf) table(pos int, where string) (table, error) {
	if pos < 0 || pos+4 > len(f.b) {
		return table{}, &FormatError{where, fmt.Sprintf("table offset %d outside the %d-byte file", pos, len(f.b))}
	}
	soff := int32(binary.LittleEndian.Uint32(f.b[pos:]))
	vt := pos - int(soff)
	if vt < 0 || vt+4 > len(f.b) {
		return table{}, &FormatError{where, fmt.Sprintf("vtable offset %d outside the file", vt)}
	}
	vtLen := int(binary.LittleEndian.Uint16(f.b[vt:]))
	objLen := int(binary.LittleEndian.Uint16(f.b[vt+2:]))
	if vtLen < 4 || vtLen%2 != 0 || vt+vtLen > len(f.b) {
		return table{}, &FormatError{where, fmt.Sprintf("vtable of %d bytes at %d invalid", vtLen, vt)}
	}
	if objLen < 4 || pos+objLen > len(f.b) {
		return table{}, &FormatError{where, fmt.Sprintf("table of %d bytes at %d runs past the file", objLen, pos)}
	}
	return table{f: f, pos: pos, vt: vt, vtLen: vtLen, where: where}, nil
}

// field returns the absolute offset of field i, or 0 when absent.
func (t table) field(i int) int {
	o := 4 + 2*i
	if o+2 > t.vtLen {
		return 0
	}
	fo := int(binary.LittleEndian.Uint16(t.f.b[t.vt+o:]))
	if fo == 0 {
		return 0
	}
	return t.pos + fo
}

func (t table) errf(field, format string, a ...any) error {
	return &FormatError{t.where + "." + field, fmt.Sprintf(format, a...)}
}

func (t table) scalar(i, size int, name string) ([]byte, bool, error) {
	p := t.field(i)
	if p == 0 {
		return nil, false, nil
	}
	if p+size > len(t.f.b) {
		return nil, false, t.errf(name, "scalar at %d runs past the file", p)
	}
	return t.f.b[p : p+size], true, nil
}

func (t table) uint8(i int, name string, def uint8) (uint8, error) {
	b, ok, err := t.scalar(i, 1, name)
	if err != nil || !ok {
		return def, err
	}
	return b[0], nil
}

func (t table) bool(i int, name string, def bool) (bool, error) {
	v, err := t.uint8(i, name, 0)
	if err != nil {
		return def, err
	}
	if t.field(i) == 0 {
		return def, nil
	}
	return v != 0, nil
}

func (t table) int32(i int, name string, def int32) (int32, error) {
	b, ok, err := t.scalar(i, 4, name)
	if err != nil || !ok {
		return def, err
	}
	return int32(binary.LittleEndian.Uint32(b)), nil
}

func (t table) uint32(i int, name string, def uint32) (uint32, error) {
	v, err := t.int32(i, name, int32(def))
	return uint32(v), err
}

func (t table) float32(i int, name string, def float32) (float32, error) {
	v, err := t.int32(i, name, int32(math.Float32bits(def)))
	return math.Float32frombits(uint32(v)), err
}

func (t table) uint64(i int, name string) (uint64, error) {
	b, ok, err := t.scalar(i, 8, name)
	if err != nil || !ok {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// indirect follows the uoffset stored at field i.
func (t table) indirect(i int, name string) (int, bool, error) {
	p := t.field(i)
	if p == 0 {
		return 0, false, nil
	}
	u, ok := t.f.u32(p)
	if !ok {
		return 0, false, t.errf(name, "offset at %d runs past the file", p)
	}
	q := p + int(u)
	if int(u) < 0 || q > len(t.f.b) || q < p {
		return 0, false, t.errf(name, "offset %d points outside the file", u)
	}
	return q, true, nil
}

// vector returns the element count and the start of the vector at field i,
// checked for elemSize-byte elements.
func (t table) vector(i int, elemSize int, name string) (n, start int, ok bool, err error) {
	p, ok, err := t.indirect(i, name)
	if err != nil || !ok {
		return 0, 0, false, err
	}
	u, ok2 := t.f.u32(p)
	if !ok2 {
		return 0, 0, false, t.errf(name, "vector length at %d runs past the file", p)
	}
	if u > maxVector || p+4+int(u)*elemSize > len(t.f.b) {
		return 0, 0, false, t.errf(name, "vector of %d elements at %d runs past the %d-byte file", u, p, len(t.f.b))
	}
	return int(u), p + 4, true, nil
}

func (t table) bytes(i int, name string) ([]byte, error) {
	n, s, ok, err := t.vector(i, 1, name)
	if err != nil || !ok {
		return nil, err
	}
	return t.f.b[s : s+n : s+n], nil
}

func (t table) string(i int, name string) (string, error) {
	b, err := t.bytes(i, name)
	return string(b), err
}

func (t table) int32s(i int, name string) ([]int32, error) {
	n, s, ok, err := t.vector(i, 4, name)
	if err != nil || !ok {
		return nil, err
	}
	out := make([]int32, n)
	for k := range out {
		out[k] = int32(binary.LittleEndian.Uint32(t.f.b[s+4*k:]))
	}
	return out, nil
}

func (t table) float32s(i int, name string) ([]float32, error) {
	v, err := t.int32s(i, name)
	if err != nil || v == nil {
		return nil, err
	}
	out := make([]float32, len(v))
	for k := range v {
		out[k] = math.Float32frombits(uint32(v[k]))
	}
	return out, nil
}

func (t table) int64s(i int, name string) ([]int64, error) {
	n, s, ok, err := t.vector(i, 8, name)
	if err != nil || !ok {
		return nil, err
	}
	out := make([]int64, n)
	for k := range out {
		out[k] = int64(binary.LittleEndian.Uint64(t.f.b[s+8*k:]))
	}
	return out, nil
}

// tables returns the tables of a vector of tables at field i.
func (t table) tables(i int, name string) ([]table, error) {
	n, s, ok, err := t.vector(i, 4, name)
	if err != nil || !ok {
		return nil, err
	}
	out := make([]table, n)
	for k := range out {
		p := s + 4*k
		u, _ := t.f.u32(p)
		where := fmt.Sprintf("%s.%s[%d]", t.where, name, k)
		if int(u) < 0 || p+int(u) > len(t.f.b) {
			return nil, &FormatError{where, fmt.Sprintf("offset %d points outside the file", u)}
		}
		if out[k], err = t.f.table(p+int(u), where); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// child returns the sub-table at field i.
func (t table) child(i int, name string) (table, bool, error) {
	p, ok, err := t.indirect(i, name)
	if err != nil || !ok {
		return table{}, false, err
	}
	c, err := t.f.table(p, t.where+"."+name)
	return c, err == nil, err
}
