package xlsform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// object is a JSON object that keeps its keys in order: forms are read and
// written in the author's order.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) set(k string, v any) *object {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

func (o *object) get(k string) any { return o.vals[k] }

func (o *object) str(k string) string {
	s, _ := o.vals[k].(string)
	return s
}

func (o *object) obj(k string) *object {
	v, _ := o.vals[k].(*object)
	return v
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// parseOrdered decodes JSON keeping object key order; numbers stay
// json.Number.
func parseOrdered(src []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the top-level value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch d := t.(type) {
	case json.Delim:
		switch d {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var a []any
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			if a == nil {
				a = []any{}
			}
			return a, err
		}
	}
	return t, nil
}

// indentJSON renders v in the house style of the examples: two-space
// indentation, with short objects and lists ({"zh": …, "en": …}, a choice)
// kept on one line.
func indentJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := writeJSON(&b, v, ""); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

const oneLine = 100

func writeJSON(b *bytes.Buffer, v any, indent string) error {
	// Schemas (objects with a "type") always open up, like the examples;
	// anything else short enough stays on one line.
	o, isObj := v.(*object)
	if !nested(v) || !(isObj && o.get("type") != nil) && fits(v, 2*oneLine) {
		flat, err := marshal(v)
		if err != nil {
			return err
		}
		if !nested(v) {
			b.Write(flat)
			return nil
		}
		if len(flat) <= oneLine {
			b.Write(spaced(flat))
			return nil
		}
	}
	inner := indent + "  "
	switch t := v.(type) {
	case *object:
		if len(t.keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i, k := range t.keys {
			kb, _ := marshal(k)
			b.WriteString(inner)
			b.Write(kb)
			b.WriteString(": ")
			if err := writeJSON(b, t.vals[k], inner); err != nil {
				return err
			}
			if i < len(t.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		b.WriteString("[\n")
		for i, e := range t {
			b.WriteString(inner)
			if err := writeJSON(b, e, inner); err != nil {
				return err
			}
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	}
	return nil
}

// fits reports whether v, written on one line, is at most budget bytes
// long (roughly: it stops counting as soon as it is over).
func fits(v any, budget int) bool {
	var walk func(v any) bool
	walk = func(v any) bool {
		switch t := v.(type) {
		case *object:
			budget -= 2
			for _, k := range t.keys {
				budget -= len(k) + 4
				if budget < 0 || !walk(t.vals[k]) {
					return false
				}
			}
		case []any:
			budget -= 2
			for _, e := range t {
				budget -= 2
				if budget < 0 || !walk(e) {
					return false
				}
			}
		case string:
			budget -= len(t) + 2
		default:
			budget -= 5
		}
		return budget >= 0
	}
	return walk(v)
}

func nested(v any) bool {
	switch v.(type) {
	case *object, []any:
		return true
	}
	return false
}

// spaced adds a space after the commas and colons that separate members
// of compact JSON (not those inside strings).
func spaced(flat []byte) []byte {
	var out bytes.Buffer
	inStr, esc := false, false
	for _, c := range flat {
		out.WriteByte(c)
		switch {
		case esc:
			esc = false
		case c == '\\' && inStr:
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ',' || c == ':'):
			out.WriteByte(' ')
		}
	}
	return out.Bytes()
}
