package engine

import "github.com/goccy/go-yaml"

// The campaign studio's editors outside this package (engine/studio: 抽查,
// 预算, 指标与报表) rewrite a campaign file the way 基本信息 does
// (rewriteBasics): decode it into an ordered map, change the keys they own,
// write the rest back as it was. These expose the same three steps, so there
// is one way to rewrite a campaign file.

// DecodeOrderedYAML decodes a YAML definition into an ordered map, keeping
// the author's key order. Returns EINVALID when src is not YAML.
func DecodeOrderedYAML(src []byte) (yaml.MapSlice, error) { return decodeOrdered(src) }

// EncodeOrderedYAML writes an ordered map back as block-style YAML, the
// studio's house style.
func EncodeOrderedYAML(doc yaml.MapSlice) ([]byte, error) { return encodeOrdered(doc) }

// SetOrderedKey sets key in doc, in place when present, else at the end.
func SetOrderedKey(doc yaml.MapSlice, key string, v any) yaml.MapSlice { return setKey(doc, key, v) }
