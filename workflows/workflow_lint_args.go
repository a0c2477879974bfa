package workflows

import "canvass/rules"

// named sets the "key" argument of a finding about a state to the state's
// title, so the message names it as authors know it ("村级审核"), or to
// its name when it has none.
func named(f rules.Finding, rs *rawState) rules.Finding {
	name := rs.name.Val
	zh, en := rs.title["zh"], rs.title["en"]
	if zh == "" {
		zh = en
	}
	if zh == "" {
		zh = name
	}
	if en == "" {
		en = zh
	}
	return f.WithText("key", zh, en)
}
