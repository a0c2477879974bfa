package yamldoc

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"canvass/internal/textdist"
	"canvass/rules"
)

// Resolve follows anchors and aliases to the node that holds the value. It
// returns nil for an alias to an unknown anchor (reported) and for a null.
// A tag is reported once and then ignored.
func (d *Decoder) Resolve(node ast.Node, path string) ast.Node {
	for {
		switch n := node.(type) {
		case *ast.AnchorNode:
			node = n.Value
		case *ast.AliasNode:
			d.aliases++
			if d.aliases > MaxAliasExpansions {
				d.Errorf(PosOf(n), path, rules.CodeTooLarge, "too many aliases (more than %d)", MaxAliasExpansions).With("max", strconv.Itoa(MaxAliasExpansions))
				return nil
			}
			var target ast.Node
			for _, a := range d.anchors[n.Value.String()] {
				if a.at.Before(PosOf(n)) {
					target = a.node
				}
			}
			if target == nil {
				d.Errorf(PosOf(n), path, rules.CodeYAMLSyntax, "unknown alias %q", n.Value.String())
				return nil
			}
			node = target
		case *ast.NullNode:
			return nil
		case *ast.TagNode:
			// Reported once (the walk may resolve a node more than once),
			// then decoded as if untagged so that one finding is enough.
			if !d.tagsSeen[n] {
				if d.tagsSeen == nil {
					d.tagsSeen = map[*ast.TagNode]bool{}
				}
				d.tagsSeen[n] = true
				d.Errorf(PosOf(n), path, rules.CodeYAMLSyntax, "YAML tags (%s) are not supported", n.Start.Value)
			}
			node = n.Value
		default:
			return node
		}
	}
}

// Mapping returns the pairs of a mapping node in order, or reports
// wrong_type. what names the value for the message ("a state").
func (d *Decoder) Mapping(node ast.Node, path, what string) ([]Entry, bool) {
	at := PosOf(node)
	node = d.Resolve(node, path)
	var pairs []*ast.MappingValueNode
	switch n := node.(type) {
	case *ast.MappingNode:
		pairs = n.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{n}
	default:
		if node != nil {
			at = PosOf(node)
		}
		d.Errorf(at, path, rules.CodeWrongType, "%s must be a mapping", what).WithTerm("want", "mapping")
		return nil, false
	}
	entries := make([]Entry, 0, len(pairs))
	for _, p := range pairs {
		if _, merge := p.Key.(*ast.MergeKeyNode); merge {
			d.Errorf(PosOf(p.Key), path, rules.CodeYAMLSyntax, "merge keys (<<) are not supported")
			continue
		}
		k, ok := keyString(p.Key)
		if !ok {
			d.Errorf(PosOf(p.Key), path, rules.CodeWrongType, "a key must be a plain string").WithTerm("want", "key")
			continue
		}
		entries = append(entries, Entry{
			Key:   Scalar{Val: k, Set: true, Node: p.Key, At: PosOf(p.Key), Path: Join(path, k)},
			Value: p.Value,
		})
	}
	return entries, true
}

func keyString(key ast.MapKeyNode) (string, bool) {
	switch k := key.(type) {
	case *ast.StringNode:
		return k.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return k.GetToken().Value, true
	}
	return "", false
}

// Fields checks a mapping's keys against the allowed ones and returns the
// entries by key. Unknown keys are reported with a suggestion when a known
// key is spelled alike.
func (d *Decoder) Fields(entries []Entry, what string, allowed ...string) map[string]Entry {
	m := make(map[string]Entry, len(entries))
	for _, e := range entries {
		if !slices.Contains(allowed, e.Key.Val) {
			hint := ""
			if s := Closest(e.Key.Val, allowed); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.Errorf(e.Key.At, e.Key.Path, rules.CodeUnknownKey, "unknown key %q in %s%s", e.Key.Val, what, hint).With("suggest", Closest(e.Key.Val, allowed))
			continue
		}
		m[e.Key.Val] = e
	}
	return m
}

// Require reports missing_key at at for each of keys that f lacks: "what
// needs "key"". path is the mapping's path.
func (d *Decoder) Require(f map[string]Entry, at Pos, path, what string, keys ...string) {
	for _, key := range keys {
		if _, ok := f[key]; !ok {
			d.Errorf(at, Join(path, key), rules.CodeMissingKey, "%s needs %q", what, key)
		}
	}
}

// Str decodes a string scalar. A missing value is not set; a null one is
// reported (a key written without a value is a slip, not a choice).
func (d *Decoder) Str(e Entry) Scalar {
	if !e.Key.Set {
		return Scalar{}
	}
	s := Scalar{At: e.Key.At, Path: e.Key.Path}
	if e.Value != nil {
		s.At = PosOf(e.Value)
	}
	node := d.Resolve(e.Value, e.Key.Path)
	switch n := node.(type) {
	case nil:
		// A guard left empty, say, must not silently allow everything.
		d.Errorf(s.At, e.Key.Path, rules.CodeWrongType, "%s has no value", e.Key.Val).WithTerm("want", "value")
		return s
	case *ast.StringNode:
		s.Val = n.Value
	case *ast.LiteralNode:
		s.Val = n.Value.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		// Unquoted numbers and booleans are not strings: "version: 1.0"
		// as a title would silently lose its trailing zero.
		d.Errorf(PosOf(node), e.Key.Path, rules.CodeWrongType, "%s must be a string; quote it", e.Key.Val).WithTerm("want", "quoted")
		return s
	default:
		d.Errorf(PosOf(node), e.Key.Path, rules.CodeWrongType, "%s must be a string", e.Key.Val).WithTerm("want", "string")
		return s
	}
	s.Set, s.Node, s.At = true, node, PosOf(node)
	return s
}

// Bool decodes true or false; a missing or null value is false. ok is false
// when the value is something else (reported).
func (d *Decoder) Bool(e Entry) (value, ok bool) {
	if !e.Key.Set {
		return false, true
	}
	switch n := d.Resolve(e.Value, e.Key.Path).(type) {
	case nil:
		return false, true
	case *ast.BoolNode:
		return n.Value, true
	default:
		d.Errorf(PosOf(n), e.Key.Path, rules.CodeWrongType, "%s must be true or false", e.Key.Val).WithTerm("want", "bool")
		return false, false
	}
}

// Int decodes a whole number. Numbers beyond int32 either way come back as
// math.MaxInt32, so that a range check reports them: no count or limit in a
// definition comes near.
func (d *Decoder) Int(e Entry) (value int, at Pos, set bool) {
	if !e.Key.Set {
		return 0, Pos{}, false
	}
	switch n := d.Resolve(e.Value, e.Key.Path).(type) {
	case nil:
		return 0, Pos{}, false
	case *ast.IntegerNode:
		// goccy gives uint64 for non-negative numbers and int64 for
		// negative ones.
		v := int64(math.MaxInt32)
		switch x := n.Value.(type) {
		case uint64:
			if x <= math.MaxInt32 {
				v = int64(x)
			}
		case int64:
			if x >= math.MinInt32 {
				v = x
			}
		}
		return int(v), PosOf(n), true
	default:
		tk := n.GetToken()
		if digits := strings.TrimPrefix(tk.Value, "-"); tk.Type != token.DoubleQuoteType && tk.Type != token.SingleQuoteType &&
			digits != "" && strings.Trim(digits, "0123456789") == "" {
			return math.MaxInt32, PosOf(n), true // a whole number too large for the parser's integers
		}
		d.Errorf(PosOf(n), e.Key.Path, rules.CodeWrongType, "%s must be a whole number", e.Key.Val).WithTerm("want", "whole number")
		return 0, Pos{}, false
	}
}

// Float decodes a number, whole or not. It is not set for a missing or null
// value, nor for a value of another type (reported).
func (d *Decoder) Float(e Entry) (value float64, at Pos, set bool) {
	if !e.Key.Set {
		return 0, Pos{}, false
	}
	switch n := d.Resolve(e.Value, e.Key.Path).(type) {
	case nil:
		return 0, Pos{}, false
	case *ast.IntegerNode, *ast.FloatNode:
		tk := n.GetToken()
		v, err := strconv.ParseFloat(tk.Value, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			if i, ok := n.(*ast.IntegerNode); ok { // hex, octal: goccy parsed it
				switch x := i.Value.(type) {
				case uint64:
					return float64(x), PosOf(n), true
				case int64:
					return float64(x), PosOf(n), true
				}
			}
			d.Errorf(PosOf(n), e.Key.Path, rules.CodeWrongType, "%s must be a finite number", e.Key.Val).WithTerm("want", "finite")
			return 0, Pos{}, false
		}
		return v, PosOf(n), true
	default:
		d.Errorf(PosOf(n), e.Key.Path, rules.CodeWrongType, "%s must be a number", e.Key.Val).WithTerm("want", "number")
		return 0, Pos{}, false
	}
}

// StringList decodes a string or a sequence of strings.
func (d *Decoder) StringList(e Entry) []Scalar {
	if !e.Key.Set {
		return nil
	}
	node := d.Resolve(e.Value, e.Key.Path)
	seq, isSeq := node.(*ast.SequenceNode)
	if !isSeq {
		if s := d.Str(e); s.Set {
			return []Scalar{s}
		}
		return nil
	}
	var out []Scalar
	for i, item := range seq.Values {
		p := Index(e.Key.Path, i)
		s := d.Str(Entry{Key: Scalar{Val: e.Key.Val, Set: true, Path: p}, Value: item})
		if s.Set {
			out = append(out, s)
		} else if d.Resolve(item, p) == nil {
			d.Errorf(PosOf(item), p, rules.CodeWrongType, "%s must not be empty", e.Key.Val).WithTerm("want", "non-empty")
		}
	}
	return out
}

// Sequence returns the items of a sequence node, or reports wrong_type.
// what names the value for the message ("routes").
func (d *Decoder) Sequence(e Entry, what string) ([]ast.Node, bool) {
	switch n := d.Resolve(e.Value, e.Key.Path).(type) {
	case *ast.SequenceNode:
		return n.Values, true
	default:
		at := e.Key.At
		if n != nil {
			at = PosOf(n)
		}
		d.Errorf(at, e.Key.Path, rules.CodeWrongType, "%s must be a list", what).WithTerm("want", "list")
		return nil, false
	}
}

// Text decodes {zh: "…", en: "…"}, or a plain string taken as Chinese. It
// returns nil when the key is missing or the value is wrong (reported).
func (d *Decoder) Text(e Entry) map[string]string {
	if !e.Key.Set {
		return nil
	}
	if _, isStr := d.Resolve(e.Value, e.Key.Path).(*ast.StringNode); isStr {
		if s := d.Str(e); s.Set {
			return map[string]string{"zh": s.Val}
		}
		return nil
	}
	node := d.Resolve(e.Value, e.Key.Path)
	if _, isMap := node.(*ast.MappingNode); !isMap {
		if _, isPair := node.(*ast.MappingValueNode); !isPair {
			at := e.Key.At
			if node != nil {
				at = PosOf(node)
			}
			d.Errorf(at, e.Key.Path, rules.CodeWrongType, "%s must be {zh: …, en: …} or a string", e.Key.Val).WithTerm("want", "text")
			return nil
		}
	}
	entries, _ := d.Mapping(node, e.Key.Path, e.Key.Val)
	t := map[string]string{}
	for k, v := range d.Fields(entries, e.Key.Val, "zh", "en") {
		if s := d.Str(v); s.Set {
			t[k] = s.Val
		}
	}
	return t
}

// Join appends a key to a dotted path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a sequence index to a path: "items[2]".
func Index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

// Closest returns the candidate within two edits of s, or "", for "did you
// mean" hints; of equally near ones, the first listed. Names longer than
// maxHintRunes get no hint: comparing costs the product of the lengths,
// and a fuzzed key can be long.
func Closest(s string, candidates []string) string {
	if utf8.RuneCountInString(s) > maxHintRunes {
		return ""
	}
	short := slices.DeleteFunc(slices.Clone(candidates), func(c string) bool {
		return utf8.RuneCountInString(c) > maxHintRunes
	})
	return textdist.Closest(s, short, 2)
}

// maxHintRunes is the longest name Closest compares.
const maxHintRunes = 64
