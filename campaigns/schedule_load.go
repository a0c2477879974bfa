package campaigns

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// maxScheduleCopy bounds the fields one scheduled task copies.
const maxScheduleCopy = 20

// fieldPathPattern is a reference to an answer: field keys joined by dots.
var fieldPathPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$`)

// schedule decodes the campaign's scheduled follow-ups. Every entry must
// say what it creates (form), for whom (for) and where its task opens
// (state): an entry that would fire and do nothing is refused.
func (l *loader) schedule(e yamldoc.Entry, c *Campaign) []ScheduleEntry {
	items, ok := l.Sequence(e, "schedule")
	if !ok {
		return nil
	}
	if len(items) > maxSchedule {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a campaign may have at most %d scheduled tasks", maxSchedule).With("max", strconv.Itoa(maxSchedule))
		items = items[:maxSchedule]
	}
	var out []ScheduleEntry
	for i, item := range items {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(item, p, "a scheduled task")
		if !ok {
			continue
		}
		f := l.Fields(entries, "a scheduled task", "name", "cron", "form", "for", "state", "states", "link", "copy")
		l.Require(f, yamldoc.PosOf(item), p, "a scheduled task", "name", "cron", "form", "for", "state")
		var s ScheduleEntry
		if name := l.Str(f["name"]); name.Set {
			switch {
			case !yamldoc.IDPattern.MatchString(name.Val):
				l.Errorf(name.At, name.Path, rules.CodeBadName, "task name %q must be lower-case letters, digits and dashes", name.Val).With("value", name.Val)
			case slices.ContainsFunc(out, func(o ScheduleEntry) bool { return o.Name == name.Val }):
				l.Errorf(name.At, name.Path, rules.CodeDuplicateKey, "task %s is scheduled twice", name.Val).With("value", name.Val)
			default:
				s.Name = name.Val
			}
		}
		if spec := l.Str(f["cron"]); spec.Set {
			sched, err := parseCron(spec.Val)
			if err != nil {
				l.Errorf(spec.At, spec.Path, rules.CodeBadCron, "%q: %v", spec.Val, err).With("value", spec.Val)
			}
			s.Spec, s.cron = strings.TrimSpace(spec.Val), sched
		}
		if form := l.Str(f["form"]); form.Set && l.checkForm(form, c) {
			s.Form = form.Val
		}
		if subject := l.Str(f["for"]); subject.Set && l.checkForm(subject, c) {
			s.For = subject.Val
		}
		if st := l.Str(f["state"]); st.Set {
			if yamldoc.NamePattern.MatchString(st.Val) {
				s.State = st.Val
			} else {
				l.Errorf(st.At, st.Path, rules.CodeBadName, "state %q must be lower-case letters, digits and underscores, as in the workflow", st.Val).With("value", st.Val)
			}
		}
		if e, ok := f["states"]; ok {
			for _, st := range l.StringList(e) {
				switch {
				case !yamldoc.NamePattern.MatchString(st.Val):
					l.Errorf(st.At, st.Path, rules.CodeBadName, "state %q must be lower-case letters, digits and underscores, as in the workflow", st.Val).With("value", st.Val)
				case slices.Contains(s.States, st.Val):
					l.Errorf(st.At, st.Path, rules.CodeDuplicateKey, "state %s is listed twice", st.Val).With("value", st.Val)
				default:
					s.States = append(s.States, st.Val)
				}
			}
		}
		if link := l.Str(f["link"]); link.Set {
			if l.fieldPath(link) {
				s.Link = link.Val
			}
		}
		if e, ok := f["copy"]; ok {
			s.Copy = l.scheduleCopy(e, s.Link)
		}
		out = append(out, s)
	}
	return out
}

// scheduleCopy decodes copy: {followUpField: subjectField, ...}.
func (l *loader) scheduleCopy(e yamldoc.Entry, link string) []ScheduleCopy {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "copy")
	if !ok {
		return nil
	}
	if len(entries) > maxScheduleCopy {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a scheduled task may copy at most %d fields", maxScheduleCopy).With("max", strconv.Itoa(maxScheduleCopy))
		entries = entries[:maxScheduleCopy]
	}
	var out []ScheduleCopy
	for _, en := range entries {
		to, from := en.Key, l.Str(en)
		switch {
		case !l.fieldPath(to):
		case to.Val == link:
			l.Errorf(to.At, to.Path, rules.CodeDuplicateKey, "field %s already receives the linked record", to.Val).With("value", to.Val)
		case !from.Set || !l.fieldPath(from):
		default:
			out = append(out, ScheduleCopy{To: to.Val, From: from.Val})
		}
	}
	return out
}

// fieldPath reports whether s is a well-formed answer path, reporting it
// when not. Whether the field exists is checked against the form when the
// campaign is published.
func (l *loader) fieldPath(s yamldoc.Scalar) bool {
	if fieldPathPattern.MatchString(s.Val) {
		return true
	}
	l.Errorf(s.At, s.Path, rules.CodeBadName, "%q is not a field key (letters, digits and underscores; dots between levels)", s.Val).With("value", s.Val)
	return false
}
