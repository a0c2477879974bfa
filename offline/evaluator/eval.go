// Command evaluator is the offline form evaluator: package forms compiled
// to WebAssembly (GOOS=wasip1, -buildmode=c-shared), so a phone with no
// signal checks answers with the very code the server runs. It has no
// main work of its own; the browser instantiates it as a WASI reactor
// through our own small shim (ui/static/offline_wasm.js), then calls the
// exports in exports_wasip1.go. Built by `go generate ./offline`; see
// package offline for why and how.
package main

import (
	"encoding/json"
	"runtime/debug"
	"time"

	"canvass/forms"
	"canvass/rules"
)

// forms loaded so far, by the key the page gives them (form ID and
// version): compiling the expressions once per page, not per keystroke.
var loaded = map[string]*forms.Form{}

// request is one call from the page: load a form's source, or evaluate
// answers against a loaded form.
type request struct {
	Op          string         `json:"op"` // "load" or "evaluate"
	Key         string         `json:"key"`
	Source      string         `json:"source,omitempty"`
	Answers     map[string]any `json:"answers,omitempty"`
	RefTime     time.Time      `json:"refTime"`
	SubmittedAt time.Time      `json:"submittedAt"`
	Lang        string         `json:"lang"`
}

// StateJSON is forms.State as the server's evaluate endpoint answers it:
// errors is a list, never null. Clean is left out, as there.
type StateJSON struct {
	Relevant   map[string]bool    `json:"relevant"`
	Required   map[string]bool    `json:"required"`
	Calculated map[string]any     `json:"calculated"`
	Choices    map[string][]any   `json:"choices"`
	Errors     []rules.FieldError `json:"errors"`
	Reasons    map[string]string  `json:"reasons"`
}

// reply is the answer to a request: the state, or what went wrong.
type reply struct {
	State *StateJSON `json:"state,omitempty"`
	Error string     `json:"error,omitempty"`
}

// ToStateJSON shapes a state as the evaluate endpoint does.
func ToStateJSON(st forms.State) StateJSON {
	out := StateJSON{Relevant: st.Relevant, Required: st.Required, Calculated: st.Calculated, Choices: st.Choices, Errors: st.Errors, Reasons: st.Reasons}
	if out.Errors == nil {
		out.Errors = []rules.FieldError{}
	}
	return out
}

// handle runs one request, given and answered as JSON.
func handle(in []byte) []byte {
	var req request
	var rep reply
	// Numbers decode as float64, as the server's evaluate endpoint
	// decodes them: the same input reaches forms.Evaluate.
	if err := json.Unmarshal(in, &req); err != nil {
		rep.Error = "bad request: " + err.Error()
		return mustJSON(rep)
	}
	switch req.Op {
	case "load":
		f, diags := forms.Load(req.Key, []byte(req.Source))
		if f == nil {
			msg := "form does not load"
			for _, d := range diags {
				msg += "; " + d.String()
			}
			rep.Error = msg
			break
		}
		loaded[req.Key] = f
		st := ToStateJSON(forms.State{})
		rep.State = &st
	case "evaluate":
		f := loaded[req.Key]
		if f == nil {
			rep.Error = "form not loaded: " + req.Key
			break
		}
		st := ToStateJSON(forms.Evaluate(f, req.Answers, forms.Env{RefTime: req.RefTime, SubmittedAt: req.SubmittedAt, Lang: req.Lang}))
		rep.State = &st
	default:
		rep.Error = "unknown op " + req.Op
	}
	return mustJSON(rep)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(reply{Error: err.Error()})
	}
	return b
}

// The heap of one page is small (a few forms, one answer set at a time):
// collecting less often keeps a keystroke's evaluation clear of most GC
// pauses, which on a slow phone were the slowest evaluations.
func init() {
	debug.SetGCPercent(400)
}

func main() {}
