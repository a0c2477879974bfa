package xlsform

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Severities of a Problem.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Problem is one finding about a workbook, addressed by sheet and cell
// (Cell is "" when it concerns the whole sheet or workbook). ZH and EN say
// what is wrong and what to do.
type Problem struct {
	Sheet    string `json:"sheet"`
	Cell     string `json:"cell"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	ZH       string `json:"zh"`
	EN       string `json:"en"`
	// Row is the cell's 1-based row (0 without a cell); Label is the
	// label of the question or choice on that row, in Chinese and
	// English (its name when it has no label), so that people can find it.
	Row     int    `json:"row,omitempty"`
	LabelZH string `json:"labelZh,omitempty"`
	LabelEN string `json:"labelEn,omitempty"`
}

// Sentence is the problem as people read it, in lang: Place, then what is
// wrong and what to do — "第 12 行「出生日期」（survey!E12）：…",
// "Row 12, Date of birth (survey!E12): …".
func (p Problem) Sentence(lang string) string {
	place := p.Place(lang)
	switch {
	case place == "":
		return p.Text(lang)
	case isEnglish(lang):
		return place + ": " + p.Text(lang)
	}
	return place + "：" + p.Text(lang)
}

// Place says where the problem is, in lang: by row and the label of the
// question or choice there, with its sheet!cell; "表头（survey!F1）" for the
// header row, "工作表「choices」" for a whole sheet, "" for the workbook.
func (p Problem) Place(lang string) string {
	en := isEnglish(lang)
	label := p.LabelZH
	if en && p.LabelEN != "" {
		label = p.LabelEN
	}
	switch {
	case p.Sheet == "":
		return ""
	case p.Cell == "" && en:
		return "Sheet " + p.Sheet
	case p.Cell == "":
		return "工作表「" + p.Sheet + "」"
	case p.Row == 1 && en:
		return fmt.Sprintf("Header (%s)", p.Where())
	case p.Row == 1:
		return fmt.Sprintf("表头（%s）", p.Where())
	case label != "" && en:
		return fmt.Sprintf("Row %d, %s (%s)", p.Row, label, p.Where())
	case label != "":
		return fmt.Sprintf("第 %d 行「%s」（%s）", p.Row, label, p.Where())
	case en:
		return fmt.Sprintf("Row %d (%s)", p.Row, p.Where())
	}
	return fmt.Sprintf("第 %d 行（%s）", p.Row, p.Where())
}

// Where returns "sheet!cell", "sheet" or "workbook".
func (p Problem) Where() string {
	switch {
	case p.Sheet == "":
		return "workbook"
	case p.Cell == "":
		return p.Sheet
	}
	return p.Sheet + "!" + p.Cell
}

// Text returns the sentence in lang ("en…" for English, else Chinese).
func (p Problem) Text(lang string) string {
	if isEnglish(lang) {
		return p.EN
	}
	return p.ZH
}

func isEnglish(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "en") }

// String formats p as "survey!C7: error: 中文 / English".
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s / %s", p.Where(), p.Severity, p.ZH, p.EN)
}

// Error is Import's error when a workbook has problems that stop it: it
// carries them all, warnings included.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// sortProblems orders problems by sheet (the workbook, settings, survey,
// choices, others), then row, then column.
func sortProblems(ps []Problem) {
	rank := func(p Problem) int {
		switch strings.ToLower(p.Sheet) {
		case "":
			return 0
		case "settings", "设置":
			return 1
		case "survey", "问卷", "题目":
			return 2
		case "choices", "选项":
			return 3
		}
		return 4
	}
	pos := func(p Problem) (int, int) {
		if p.Cell == "" {
			return 0, 0
		}
		c, r, err := excelize.CellNameToCoordinates(p.Cell)
		if err != nil {
			return 0, 0
		}
		return r, c
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		ra, ca := pos(a)
		rb, cb := pos(b)
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Sheet, b.Sheet), cmp.Compare(ra, rb), cmp.Compare(ca, cb))
	})
}

// problems collects findings in the order they are found.
type problems struct{ list []Problem }

func (ps *problems) add(sev, sheet, cell, code, zh, en string) {
	ps.list = append(ps.list, Problem{Sheet: sheet, Cell: cell, Code: code, Severity: sev, ZH: zh, EN: en})
}

func (ps *problems) errorf(sheet, cell, code, zh, en string) {
	ps.add(SeverityError, sheet, cell, code, zh, en)
}

func (ps *problems) warnf(sheet, cell, code, zh, en string) {
	ps.add(SeverityWarning, sheet, cell, code, zh, en)
}
