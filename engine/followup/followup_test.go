package followup_test

import (
	"testing"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/followup"
)

func entry(t *testing.T, cron string) campaigns.ScheduleEntry {
	t.Helper()
	src := `id: c
title: {zh: 测试}
forms: [child, check]
workflow: wf
org_scope: "341299"
reference_time: 2026-10-01
schedule:
  - {name: check, cron: "` + cron + `", form: check, for: child, state: due}
`
	c, ds := campaigns.Load("c.campaign.yaml", []byte(src))
	if c == nil || len(ds) > 0 {
		t.Fatalf("load: %v", ds)
	}
	return c.Schedule()[0]
}

func china(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestLatestFiring(t *testing.T) {
	tests := []struct {
		name, cron, now, want string
	}{
		{"quarterly, on the minute", "0 8 1 1,4,7,10 *", "2027-01-01 08:00", "2027-01-01 08:00"},
		{"quarterly, a minute before", "0 8 1 1,4,7,10 *", "2027-01-01 07:59", "2026-10-01 08:00"},
		{"quarterly, mid-quarter", "0 8 1 1,4,7,10 *", "2027-02-15 12:00", "2027-01-01 08:00"},
		{"every minute", "* * * * *", "2027-02-15 12:00", "2027-02-15 12:00"},
		{"daily", "30 9 * * *", "2027-02-15 09:00", "2027-02-14 09:30"},
		{"yearly, 29 February", "0 0 29 2 *", "2027-03-01 00:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := followup.LatestFiring(entry(t, tt.cron), china(tt.now))
			var want time.Time
			if tt.want != "" {
				want = china(tt.want)
			}
			if !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestTaskID(t *testing.T) {
	fire := china("2027-01-01 08:00")
	id := followup.TaskID("camp", "check", fire, "child-1")
	if !engine.ValidID(id) {
		t.Fatalf("%s is not an ID the engine accepts", id)
	}
	if again := followup.TaskID("camp", "check", fire.In(time.Local), "child-1"); again != id {
		t.Errorf("the same firing in another zone named the task %s, then %s", id, again)
	}
	others := []string{
		followup.TaskID("camp", "check", fire.AddDate(0, 3, 0), "child-1"),
		followup.TaskID("camp", "check", fire, "child-2"),
		followup.TaskID("camp", "check2", fire, "child-1"),
		followup.TaskID("camp2", "check", fire, "child-1"),
	}
	for _, o := range others {
		if o == id {
			t.Errorf("two different tasks share the ID %s", id)
		}
	}
}
