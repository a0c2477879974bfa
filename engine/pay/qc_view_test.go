package pay_test

import (
	"context"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/pay"
)

// TestSpotCheckPageReads: QCOverview reads a period without drawing,
// RecordPay gives a sampled record's ledger lines to the supervisor who
// checked it, and the attendance reads list the supervisors one may log
// for and the days logged with their pay.
func TestSpotCheckPageReads(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t, enginetest.China(2026, 12, 6, 9))
	for range 3 {
		id := w.collect(t, w.worker, "survey-2026", "fertility-household", map[string]any{"household": "H"})
		w.act(t, w.reviewer, id, "approve")
	}
	o, err := w.e.Pay.QCOverview(ctx, w.supervisor, "survey-2026", "2026-12")
	if err != nil || o.Sample != nil || o.Completed[w.worker.ID()] != 3 || o.QC.Min != 1 {
		t.Fatalf("before the draw: %+v %v", o, err)
	}
	if _, err := w.e.Pay.QCOverview(ctx, w.finance, "survey-2026", "2026-12"); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("finance reads the spot checks: %v", err)
	}
	if _, err := w.e.Pay.QCOverview(ctx, w.supervisor, "survey-2026", "2026-13"); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("a bad period: %v", err)
	}
	s, err := w.e.Pay.SampleQC(ctx, w.supervisor, "survey-2026", "2026-12")
	if err != nil {
		t.Fatal(err)
	}
	o, err = w.e.Pay.QCOverview(ctx, w.supervisor, "survey-2026", "2026-12")
	if err != nil || o.Sample == nil || o.Sample.Seed != s.Seed || len(o.Sample.Records[w.worker.ID()]) != 1 {
		t.Fatalf("after the draw: %+v %v", o, err)
	}
	sampled := s.Records[w.worker.ID()][0]
	if _, err := w.e.Pay.RecordQCOutcome(ctx, w.supervisor, sampled, false, "wrong household size"); err != nil {
		t.Fatal(err)
	}
	lines, err := w.e.Pay.RecordPay(ctx, w.supervisor, sampled)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, le := range lines {
		sum += le.AmountFen
	}
	if len(lines) != 2 || sum != 0 {
		t.Errorf("the checked record's ledger: %d lines summing to %d fen, want the payment and its withholding", len(lines), sum)
	}
	if _, err := w.e.Pay.RecordPay(ctx, w.worker, sampled); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("a field worker reads a record's pay lines: %v", err)
	}

	workers, err := w.e.Pay.AttendanceWorkers(ctx, w.supervisor, "survey-2026")
	if err != nil || len(workers) == 0 || workers[0].ID != w.supervisor.ID() {
		t.Fatalf("attendance workers: %v %v", workers, err)
	}
	for _, u := range workers {
		if !u.HasRole(engine.RoleSupervisor) {
			t.Errorf("%s is listed for days in the field without the supervisor role", u.Username)
		}
	}
	for _, day := range []string{"2026-12-04", "2026-12-05", "2026-12-05"} {
		if _, err := w.e.Pay.RecordAttendance(ctx, w.supervisor, pay.Attendance{CampaignID: "survey-2026", Date: day, WorkerID: w.supervisor.ID()}); err != nil {
			t.Fatal(err)
		}
	}
	days, err := w.e.Pay.AttendanceDays(ctx, w.supervisor, "survey-2026", 10)
	if err != nil || len(days) != 2 || days[0].Date != "2026-12-05" || len(days[0].Entries) != 1 || days[0].Entries[0].AmountFen != 5000 {
		t.Errorf("days logged: %+v %v", days, err)
	}
}
