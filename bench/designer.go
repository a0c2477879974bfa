package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"canvass/engine"
)

// designerFormID is the 200-field form the designer measurement edits.
const (
	designerFormID = "bench-designer"
	designerFields = 200
)

// designerRow is one kind of designer request: its latency, and the raw
// store's draft write of the same form measured in the same rounds.
type designerRow struct {
	name    string
	samples int
	canvass latencies
	cpu     time.Duration // process CPU (user + system) per request, mean
}

type designerFigures struct {
	rows      []designerRow
	raw       latencies // Store.SaveDraft of the 200-field form
	rawCPU    time.Duration
	rawN      int
	formBytes int
}

// designerResults holds each report's designer figures (as indicatorResults
// does), so the report struct stays as it is.
var designerResults sync.Map // *report → *designerFigures

// designerTarget is issue #16's bound on one designer request.
const designerTarget = 50 * time.Millisecond

// designerForm is a form of n fields as authors build them: text,
// integers with limits, yes/no questions, drop-down lists, dates; every
// tenth field shown only when the yes/no question before it is yes.
func designerForm(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"x-form-id": %q, "x-title": {"zh": "二百项大表", "en": "A form of 200 fields"}, "type": "object", "properties": {`, designerFormID)
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		rel := ""
		if i%10 == 9 {
			rel = fmt.Sprintf(`, "x-relevant": "q%d == true"`, i-(i%5))
		}
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, `"q%d": {"type": "boolean", "x-widget": "yesno", "x-label": {"zh": "问题%d"}}`, i, i)
		case 1:
			fmt.Fprintf(&b, `"q%d": {"type": "integer", "minimum": 0, "maximum": 99, "x-label": {"zh": "问题%d"}%s}`, i, i, rel)
		case 2:
			fmt.Fprintf(&b, `"q%d": {"type": "string", "x-widget": "select", "x-label": {"zh": "问题%d"}, "x-choices": [{"value": "a", "label": {"zh": "甲"}}, {"value": "b", "label": {"zh": "乙"}}, {"value": "c", "label": {"zh": "丙"}}]}`, i, i)
		case 3:
			fmt.Fprintf(&b, `"q%d": {"type": "string", "format": "date", "x-label": {"zh": "问题%d"}}`, i, i)
		default:
			fmt.Fprintf(&b, `"q%d": {"type": "string", "maxLength": 50, "x-label": {"zh": "问题%d"}%s}`, i, i, rel)
		}
	}
	b.WriteString("}}\n")
	return []byte(b.String())
}

// measureDesigner times the form designer's requests on a 200-field form
// over HTTP (the real Fiber app, as the author's browser sends them) and,
// in the same rounds, the raw store writing the same form as a draft
// (Store.SaveDraft, one durable write): what a designer edit costs beyond
// storing the file it saves.
func measureDesigner(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	st, err := b.openStore(ctx, "designer")
	if err != nil {
		return err
	}
	w, err := newWorld(ctx, st)
	if err != nil {
		st.Close()
		return err
	}
	defer w.close()
	author := w.actors[userAuthor]
	src := designerForm(designerFields)
	res, err := w.eng.SaveDraft(ctx, author, engine.KindForm, designerFormID, designerFormID+".form.json", src)
	if err != nil {
		return fmt.Errorf("save the designer form: %w", err)
	}
	fig := &designerFigures{formBytes: len(src)}
	base := map[string]any{"version": res.Definition.Version, "checksum": res.Definition.Checksum}
	api := "/api/v1/studio/forms/" + designerFormID
	post := func(op map[string]any) error {
		op["base"] = base
		body, err := json.Marshal(op)
		if err != nil {
			return err
		}
		out, err := w.send(ctx, userAuthor, http.MethodPost, api, body)
		if err != nil {
			return err
		}
		var state struct{ Base map[string]any }
		if err := json.Unmarshal(out, &state); err != nil {
			return err
		}
		base = state.Base
		return nil
	}
	round := 0
	label := func(zh string) map[string]any { return map[string]any{"zh": zh} }
	requests := []struct {
		name string
		run  func() error
	}{
		{"open a field (GET /api/v1/studio/forms/:form?field=…)", func() error {
			_, err := w.get(ctx, userAuthor, api+"?field=%2Fproperties%2Fq101")
			return err
		}},
		{"designer page with a field open (GET /studio/campaigns/:id/forms/:form)", func() error {
			_, err := w.get(ctx, userAuthor, "/studio/campaigns/"+campaignID+"/forms/"+designerFormID+"?field=%2Fproperties%2Fq101")
			return err
		}},
		{"update a field with a built condition (POST op update)", func() error {
			return post(map[string]any{"op": "update", "pointer": "/properties/q101",
				"spec":      map[string]any{"type": "integer", "label": label(fmt.Sprintf("改过的问题%d", round)), "minimum": 0, "maximum": 99},
				"condition": map[string]any{"join": "and", "rows": []map[string]any{{"field": "q100", "op": "eq", "value": "true"}}}})
		}},
		{"add a field (POST op add)", func() error {
			return post(map[string]any{"op": "add", "index": 50, "spec": map[string]any{"type": "text", "key": "added", "label": label("新问题")}})
		}},
		{"move a field (POST op move)", func() error {
			return post(map[string]any{"op": "move", "pointer": "/properties/added", "index": 10})
		}},
		{"delete a field (POST op delete)", func() error {
			return post(map[string]any{"op": "delete", "pointer": "/properties/added"})
		}},
		{"check an expression as typed (POST expr-check)", func() error {
			body := []byte(`{"kind": "relevant", "src": "q100 == true && q101 > 3", "pointer": "/properties/q104"}`)
			_, err := w.send(ctx, userAuthor, http.MethodPost, api+"/expr-check", body)
			return err
		}},
	}
	// The raw side writes the same form, alternating two sources so that
	// every write changes the draft, as every designer edit does.
	rawVersion := res.Definition.Version + 1
	sources := [2][]byte{src, []byte(strings.Replace(string(src), "问题101", "改过的问题101", 1))}
	rawWrite := func(i int) error {
		s := sources[i%2]
		sum := sha256.Sum256(s)
		return st.SaveDraft(ctx, &engine.DefinitionVersion{Kind: engine.KindForm, ID: "bench-raw", Version: rawVersion, Filename: "bench-raw.form.json",
			Source: s, Checksum: hex.EncodeToString(sum[:]), CreatedBy: author.ID(), CreatedAt: benchNow(), Owner: author.User.OrgPath})
	}
	samples := max(10, cfg.sizes.latencySamples/2)
	times := make([][]time.Duration, len(requests))
	cpu := make([]time.Duration, len(requests))
	var raw []time.Duration
	var rawCPU time.Duration
	for i := -3; i < samples; i++ { // three rounds to warm up
		round = i
		for j, q := range requests {
			t, c := time.Now(), processCPU()
			if err := q.run(); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			if i >= 0 {
				times[j] = append(times[j], time.Since(t))
				cpu[j] += processCPU() - c
			}
		}
		t, c := time.Now(), processCPU()
		if err := rawWrite(i + 3); err != nil {
			return fmt.Errorf("raw draft write: %w", err)
		}
		if i >= 0 {
			raw = append(raw, time.Since(t))
			rawCPU += processCPU() - c
		}
	}
	for j, q := range requests {
		row := designerRow{name: q.name, samples: samples, canvass: percentiles(times[j]), cpu: cpu[j] / time.Duration(samples)}
		fig.rows = append(fig.rows, row)
		progress("designer: %s: p50 %v, p99 %v, CPU %v", q.name, row.canvass.p50, row.canvass.p99, row.cpu)
	}
	fig.raw, fig.rawN, fig.rawCPU = percentiles(raw), len(raw), rawCPU/time.Duration(samples)
	progress("designer: raw Store.SaveDraft of the same form: p50 %v, p99 %v", fig.raw.p50, fig.raw.p99)
	designerResults.Store(r, fig)
	return nil
}

// send is do that returns the answer's body.
func (w *world) send(ctx context.Context, user, method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(out[:min(len(out), 500)])))
	}
	return out, err
}

// writeDesigner prints the designer figures as a Markdown table.
func writeDesigner(r *report, out io.Writer) {
	v, ok := designerResults.Load(r)
	if !ok {
		return
	}
	fig := v.(*designerFigures)
	fmt.Fprintf(out, "Form designer on a %d-field form (%d bytes), %d samples of each request, one at a time, interleaved with the raw store's draft write of the same form. "+
		"Time is as the client sees it over loopback HTTP (an upper bound of server time); CPU is the process's user + system time per request (server, in-process client and store), which a busy machine moves much less than it moves the clock:\n\n",
		designerFields, fig.formBytes, fig.rawN)
	fmt.Fprintln(out, "| request | p50 | p99 | CPU per request | raw Store.SaveDraft p50 / p99 / CPU | p50 ÷ raw | target ≤ 50 ms (p50 / CPU) |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---|")
	for _, row := range fig.rows {
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s / %s / %s | %.1f | %s / %s |\n", row.name, indicatorMS(row.canvass.p50), indicatorMS(row.canvass.p99), indicatorMS(row.cpu),
			indicatorMS(fig.raw.p50), indicatorMS(fig.raw.p99), indicatorMS(fig.rawCPU), float64(row.canvass.p50)/float64(max(fig.raw.p50, 1)),
			check(row.canvass.p50 <= designerTarget), check(row.cpu <= designerTarget))
	}
}

// processCPU is the user + system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
