package studio

import (
	"testing"

	"canvass/engine"
)

// assertProblem checks that err is EINVALID with a field error of code at
// pointer ptr.
func assertProblem(t *testing.T, err error, ptr, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s at %q", code, ptr)
	}
	if got := engine.ErrorCode(err); got != engine.EINVALID {
		t.Fatalf("code %s, want %s (%v)", got, engine.EINVALID, err)
	}
	for _, f := range engine.ErrorFields(err) {
		if f.Pointer == ptr && f.Code == code {
			if f.Message == "" {
				t.Errorf("%s at %q has no message", code, ptr)
			}
			return
		}
	}
	t.Fatalf("no %s at %q in %+v", code, ptr, engine.ErrorFields(err))
}
