package workflows

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// DefaultLadder is the review flow a campaign starts with when its author
// has not designed one — a new blank campaign, or a campaign whose
// workflow file is missing — as a workflow file with the given id and
// title: village review, then township review, each of which may pass the
// record on, return it to the field worker for correction (a reason is
// always required) or reject it (不予采用, with a reason); the correction
// step sends it back to the village. Each level has five days (the
// township reminds twice, a day apart, when they are over), the
// correction seven. The state names are the ones the
// studio gives new levels (<level>_review), so a level the author adds
// later fits the pattern. It loads without findings (a test says so).
func DefaultLadder(id string, title Text) []byte {
	return fmt.Appendf(nil, `id: %s
title: {zh: %s, en: %s}
start: village_review

states:
  village_review:
    title: {zh: 村级审核, en: Village review}
    step: {role: reviewer, level: village}
    due: P5D
    actions:
      approve: township_review
      return: {to: correction}
      reject: {to: rejected, reason: required}

  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    due: P5D
    remind: {every: P1D, times: 2}
    actions:
      approve: approved
      return: {to: correction}
      reject: {to: rejected, reason: required}

  correction:
    title: {zh: 退回补正, en: Returned for correction}
    step: {role: field_worker, level: village}
    due: P7D
    actions:
      submit: village_review

  approved:
    title: {zh: 已通过, en: Accepted}
    final: true

  rejected:
    title: {zh: 不予采用, en: Rejected}
    final: true
`, flowScalar(id), flowScalar(title.In("zh")), flowScalar(orText(title["en"], title.In("zh"))))
}

func orText(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}

// plainFlow is text that reads the same unquoted inside a YAML flow
// mapping: letters (Chinese included), digits, spaces inside, and
// punctuation that means nothing to YAML.
var plainFlow = regexp.MustCompile(`^[\p{L}\p{N}_（）、，。·《》“”-][\p{L}\p{N}_ （）、，。·《》“”-]*$`)

// flowScalar writes s plain when it is safe there, else double-quoted
// (a JSON string is a valid YAML double-quoted scalar).
func flowScalar(s string) string {
	if plainFlow.MatchString(s) && s[len(s)-1] != ' ' {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}
