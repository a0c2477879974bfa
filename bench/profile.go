package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// cpuPart is a component of the server's work, recognised by the
// functions on a sample's stack. Each sample goes to the innermost
// component on its stack (a malloc inside expr is rule evaluation; the
// JSON Schema validation inside forms.Evaluate is not "forms"), so the
// parts add up to the whole.
type cpuPart struct {
	name     string
	prefixes []string
}

// rulesPart is the figure issue #10 asks for: expression evaluation. Its
// share is counted inclusively too (every sample whose stack passes
// through it), which is the headline figure.
var rulesPart = cpuPart{"rule evaluation (canvass/rules, expr-lang/expr)", []string{"canvass/rules.", "github.com/expr-lang/expr"}}

var cpuParts = []cpuPart{
	rulesPart,
	{"JSON Schema validation (santhosh-tekuri/jsonschema)", []string{"github.com/santhosh-tekuri/jsonschema"}},
	{"forms, the rest of forms.Evaluate", []string{"canvass/forms."}},
	{"workflow start (canvass/workflows)", []string{"canvass/workflows."}},
	{"JSON encoding and decoding (encoding/json)", []string{"encoding/json."}},
	{"personal data: AES-GCM, HMAC, SHA-256 (crypto/…)", []string{"crypto/", "canvass/engine.(*Vault)"}},
	{"ULIDs and random numbers", []string{"github.com/oklog/ulid"}},
	{"SQLite (modernc.org/sqlite, libc)", []string{"modernc.org/"}},
	{"MongoDB driver", []string{"go.mongodb.org/mongo-driver"}},
	{"store adapter (canvass/store/…)", []string{"canvass/store/"}},
	{"engine, the rest (canvass/engine)", []string{"canvass/engine"}},
	{"server handlers and middleware (canvass/server)", []string{"canvass/server"}},
	{"HTTP server (fasthttp, Fiber), network I/O", []string{"github.com/valyala/fasthttp", "github.com/gofiber/", "net."}},
	{"database/sql", []string{"database/sql."}},
	{"garbage collection (background mark workers)", []string{"runtime.gcBgMarkWorker"}},
}

const otherPart = "other (scheduler, runtime, idle loops)"

// cpuReport is how the CPU of the profiled HTTP ingest cells divides.
type cpuReport struct {
	total, client, server time.Duration      // sampled CPU time
	database              time.Duration      // of an embedded FerretDB (side=database)
	rules                 float64            // share of the server side whose stack passes through rule evaluation
	shares                map[string]float64 // part name → share of the server side (innermost part)
	storeCalls            map[string]float64 // store method → share of the server side spent under it
}

// cpuShares merges the profiles with "go tool pprof -traces" and divides
// the samples: those labelled side=client are the load generator (the
// HTTP clients), side=database an embedded FerretDB, the rest are the
// server and the store adapter.
func cpuShares(ctx context.Context, profiles []string) (*cpuReport, error) {
	if len(profiles) == 0 {
		return nil, nil
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go command reads the CPU profiles: %w", err)
	}
	cmd := exec.CommandContext(ctx, goTool, append([]string{"tool", "pprof", "-traces"}, profiles...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go tool pprof: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return parseTraces(out)
}

// parseTraces reads pprof's -traces output: samples separated by dashed
// lines, each with its label lines ("side:  client"), then the value on
// the first frame's line ("  230ms   runtime.nanotime"), then one frame a
// line.
func parseTraces(out []byte) (*cpuReport, error) {
	rep := &cpuReport{shares: map[string]float64{rulesPart.name: 0}, storeCalls: map[string]float64{}}
	inPart, inCall := map[string]time.Duration{}, map[string]time.Duration{}
	var inRules time.Duration
	var (
		value  time.Duration
		side   string // the sample's label side, "" for the server
		frames []string
		seen   bool
	)
	flush := func() {
		if !seen {
			return
		}
		rep.total += value
		switch side {
		case "client":
			rep.client += value
		case "database":
			rep.database += value
		default:
			rep.server += value
			inPart[innermostPart(frames)] += value
			if call := storeCall(frames); call != "" {
				inCall[call] += value
			}
			if slices.ContainsFunc(frames, rulesPart.has) {
				inRules += value
			}
		}
		value, side, frames, seen = 0, "", frames[:0], false
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	body := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-----------+") {
			flush()
			body = true
			continue
		}
		if !body || strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Fields(line)
		switch {
		case strings.HasSuffix(fields[0], ":"): // a label line
			if fields[0] == "side:" && len(fields) > 1 {
				side = fields[1]
			}
		case !seen && len(fields) >= 2:
			d, err := time.ParseDuration(fields[0])
			if err != nil {
				return nil, fmt.Errorf("pprof -traces: unexpected line %q", line)
			}
			value, seen = d, true
			frames = append(frames, fields[1])
		default:
			frames = append(frames, fields[0])
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if rep.server > 0 {
		for name, d := range inPart {
			rep.shares[name] = float64(d) / float64(rep.server)
		}
		for name, d := range inCall {
			rep.storeCalls[name] = float64(d) / float64(rep.server)
		}
		rep.rules = float64(inRules) / float64(rep.server)
	}
	return rep, nil
}

// innermostPart names the part of the first frame, from the leaf up, that
// belongs to one.
func innermostPart(frames []string) string {
	for _, f := range frames {
		for _, p := range cpuParts {
			if p.has(f) {
				return p.name
			}
		}
	}
	return otherPart
}

// storeCall names the store method a sample ran under: the outermost
// frame of a method of a store adapter's Store (the closures that the
// SQLite writer runs for a method included), else the SQLite writer's own
// work of batching and committing. "" when the sample is outside the store.
func storeCall(frames []string) string {
	writer := false
	for i := len(frames) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(frames[i], "canvass/store/")
		if !ok {
			continue
		}
		if _, m, ok := strings.Cut(rest, ".(*Store)."); ok {
			m, _, _ = strings.Cut(m, ".")
			return m
		}
		writer = writer || strings.Contains(rest, ".(*writer).")
	}
	if writer {
		return "the SQLite writer's own work: BEGIN, SAVEPOINT, COMMIT"
	}
	return ""
}

// has reports whether the function named f belongs to the part.
func (p cpuPart) has(f string) bool {
	for _, prefix := range p.prefixes {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
}
