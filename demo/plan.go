package demo

import (
	"slices"
	"time"

	"canvass/workflows"
)

// pathTo is how to bring a new record into a state: submit it with
// answers of a variant, then take the actions in order.
type pathTo struct {
	state   string
	variant int
	actions []string
}

// planPaths finds, for every state of wf reachable from its start and
// for each variant of answers (clean, as forms.Evaluate gives them), the
// shortest action path that reaches the state. It walks the workflow
// with workflows.Begin and Apply, which are pure: nothing is stored. Each
// step is taken with its own roles; return and reject get a reason. The
// result lists the states in the workflow's order, each with one path
// per variant that reaches it.
func planPaths(wf *workflows.Workflow, variants []map[string]any, level string, ref, at time.Time) []statePaths {
	reach := map[string][]pathTo{}
	for v, answers := range variants {
		in := workflows.Input{Answers: answers, OrgLevel: level, SubmittedAt: at, CreatedAt: at, RefTime: ref, At: at}
		start, err := wf.Begin(in)
		if err != nil {
			continue
		}
		seen := map[string]bool{start.To: true}
		queue := []pathTo{{state: start.To, variant: v}}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			reach[p.state] = append(reach[p.state], p)
			if wf.IsFinal(p.state) {
				continue
			}
			var roles []string
			if st := wf.Step(p.state); st != nil {
				roles = st.Roles
			}
			for _, act := range wf.Actions(p.state) {
				step := in
				step.State, step.Action, step.ActorRoles, step.Reason = p.state, act, roles, reasonFor(act)
				out, err := wf.Apply(step)
				if err != nil || seen[out.To] {
					continue
				}
				seen[out.To] = true
				queue = append(queue, pathTo{state: out.To, variant: v, actions: append(slices.Clone(p.actions), act)})
			}
		}
	}
	var out []statePaths
	for _, st := range wf.States() {
		if ps := reach[st]; len(ps) > 0 {
			out = append(out, statePaths{state: st, paths: ps})
		}
	}
	return out
}

// statePaths are the ways found into one state, one per variant.
type statePaths struct {
	state string
	paths []pathTo
}

// reasonFor is the reason the demo gives for an action: returns and
// rejections say why, as a reviewer would; other actions need none.
func reasonFor(action string) string {
	switch action {
	case "return":
		return "登记信息与户口簿或实际情况不一致，请核实更正后重新提交。"
	case "reject":
		return "经核查不符合本次调查（审核）条件，不予采用。"
	}
	return ""
}
