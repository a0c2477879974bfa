package e2e

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"canvass/forms"
)

// randomAnswers makes an answer set for fields: mostly plausible values
// (choices, dates, valid resident IDs, ages), with a share of missing,
// malformed and wrongly typed ones, so that every rule path is taken.
func randomAnswers(fields []*forms.Field, r *rand.Rand) map[string]any {
	out := map[string]any{}
	for _, fd := range fields {
		if r.IntN(6) == 0 {
			continue // unanswered
		}
		if v, ok := randomValue(fd, r); ok {
			out[fd.Key()] = v
		}
	}
	return out
}

func randomValue(fd *forms.Field, r *rand.Rand) (any, bool) {
	switch {
	case fd.Type() == "object":
		return randomAnswers(fd.Children(), r), true
	case fd.Type() == "array" && len(fd.Children()) > 0:
		rows := make([]any, r.IntN(4))
		for i := range rows {
			rows[i] = randomAnswers(fd.Children(), r)
		}
		return rows, true
	case fd.Type() == "array":
		var picked []any
		for _, c := range fd.Choices() {
			if r.IntN(3) == 0 {
				picked = append(picked, c.Value())
			}
		}
		if r.IntN(10) == 0 {
			picked = append(picked, "不是选项")
		}
		return picked, true
	}
	if ch := fd.Choices(); len(ch) > 0 && r.IntN(8) != 0 {
		return ch[r.IntN(len(ch))].Value(), true
	}
	switch fd.Type() {
	case "integer":
		switch r.IntN(10) {
		case 0:
			return "十二", true
		case 1:
			return 3.5, true
		}
		return r.IntN(130) - 5, true
	case "number":
		if r.IntN(10) == 0 {
			return "abc", true
		}
		return float64(r.IntN(100000)) / 100, true
	case "boolean":
		if r.IntN(12) == 0 {
			return "是", true
		}
		return r.IntN(2) == 0, true
	}
	switch fd.Format() {
	case "cn-resident-id":
		return randomResidentID(r), true
	case "date":
		if r.IntN(10) == 0 {
			return "2020-13-45", true
		}
		return fmt.Sprintf("%04d-%02d-%02d", 1930+r.IntN(98), 1+r.IntN(12), 1+r.IntN(28)), true
	case "cn-mobile":
		if r.IntN(5) == 0 {
			return "12345", true
		}
		return fmt.Sprintf("13%09d", r.IntN(1_000_000_000)), true
	case "cn-admin-code":
		return []string{"110101", "320102", "999999", "abc"}[r.IntN(4)], true
	}
	texts := []string{"", "  ", "王小明", "  李 四 ", "x", strings.Repeat("长", 300), "a\nb", "<script>", "12", "2026-12-06"}
	return texts[r.IntN(len(texts))], true
}

var idWeights = []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// randomResidentID returns a valid 18-character ID most of the time, and
// otherwise one broken in a way the check names (check digit, length,
// lower-case x, birth date in the future).
func randomResidentID(r *rand.Rand) string {
	year := 1930 + r.IntN(97)
	if r.IntN(12) == 0 {
		year = 2030 // born after the reference time
	}
	body := fmt.Sprintf("110105%04d%02d%02d%03d", year, 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	check := "10X98765432"[sum%11]
	id := body + string(check)
	switch r.IntN(8) {
	case 0:
		last := byte('0' + (check-'0'+1)%10)
		if check == 'X' {
			last = '0'
		}
		return body + string(last) // wrong check character
	case 1:
		return id[:17]
	case 2:
		return strings.ReplaceAll(id, "X", "x")
	}
	return id
}
