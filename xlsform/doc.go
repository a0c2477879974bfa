// Package xlsform converts between XLSForm workbooks — the spreadsheet
// format of ODK, KoboToolbox, Ona and SurveyCTO — and Canvass form
// definitions (JSON Schema with x- extensions, see package forms).
//
// Import reads a workbook's survey, choices and settings sheets (or their
// Chinese names 问卷/题目, 选项, 设置), translates the XPath expressions
// people write in XLSForm into the rules language, and returns the form
// JSON; the result always passes forms.Load, or Import reports why not.
// Every problem is a Problem addressed by sheet!cell (survey!C7) with a
// Chinese and an English sentence; all are reported at once, and nothing
// is returned when any is an error. Export writes a form back as a
// workbook, translating expressions back to XPath; an expression with no
// XPath equivalent is written as "expr: …" in the rules language, which
// Import reads back verbatim, so import → export → import is lossless.
//
// Limits (Limits): a workbook is at most 10 MiB, unpacks to at most
// 64 MiB (a zip bomb is refused before it is unpacked), and has at most
// 5,000 survey rows and 20,000 choice rows.
//
// docs/xlsform.md is the user's guide: the mapping table, what is not
// supported and what to use instead.
package xlsform
