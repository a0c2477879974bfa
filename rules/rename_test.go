package rules

import "testing"

func TestRenameFormLiterals(t *testing.T) {
	renames := map[string]string{"vital-event": "vital-event-x1", "生育": "birth-x1"}
	for _, tc := range []struct{ in, want string }{
		{`count(form == "vital-event" && answers.eventType == "birth")`, `count(form == "vital-event-x1" && answers.eventType == "birth")`},
		{`count("vital-event" != form)`, `count("vital-event-x1" != form)`},
		{`count(form in ['vital-event', "other"]) / 2`, `count(form in ["vital-event-x1", "other"]) / 2`},
		{`count(form == "生育" && answers.kind == "vital-event")`, `count(form == "birth-x1" && answers.kind == "vital-event")`},
		{`official("births")`, `official("births")`},
		{`count(form == "vital-event"`, `count(form == "vital-event"`}, // does not parse: unchanged
	} {
		if got := RenameFormLiterals(tc.in, renames); got != tc.want {
			t.Errorf("RenameFormLiterals(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
