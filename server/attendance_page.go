package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/paytables"
)

// The attendance page of a campaign: a supervisor logs a day in the field
// for themselves or a supervisor of their org (picked from a list), which
// pays what the pay table's attendance.day items pay
// (pay.RecordAttendance; logging the same day twice pays once), and sees
// the days logged with what each paid.

// attendanceData is the attendance page's own data.
type attendanceData struct {
	Campaign, Title string
	Workers         []option
	Worker, Date    string // as typed, or the defaults
	Today           string
	DateError       string
	WorkerError     string
	Days            []attendanceRow
	NoPayTable      bool
}

type attendanceRow struct {
	Date, Worker, By string
	Paid             []qcPayLine
}

// attendanceDaysShown is how many logged days the page lists.
const attendanceDaysShown = 60

func (s *Server) attendanceRoutes() {
	s.app.Get("/campaigns/:id/attendance", s.signedInPage, s.attendancePage)
	s.app.Post("/campaigns/:id/attendance", s.signedInPage, s.attendanceSubmit)
}

func (s *Server) attendancePage(c fiber.Ctx) error {
	return s.renderAttendance(c, fiber.StatusOK, "", "", nil)
}

// attendanceSubmit logs one day. A day logged before (a double click, or
// a colleague first) pays nothing more and says so.
func (s *Server) attendanceSubmit(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	worker, date := strings.TrimSpace(bodyField(c, "worker")), strings.TrimSpace(bodyField(c, "date"))
	// Whether the day was logged before (a double click, a colleague
	// first) only changes the words: the ledger pays a day once anyway.
	logged := false
	if days, err := s.pay.AttendanceDays(c.Context(), a, id, attendanceDaysShown); err == nil {
		for _, d := range days {
			logged = logged || (d.Date == date && d.WorkerID == worker)
		}
	}
	_, err = s.pay.RecordAttendance(c.Context(), a, pay.Attendance{CampaignID: id, Date: date, WorkerID: worker})
	if err != nil {
		code := engine.ErrorCode(err)
		if code != engine.EINVALID && code != engine.ENOTFOUND {
			return err
		}
		for _, fe := range engine.ErrorFields(err) {
			switch fe.Pointer {
			case "/date":
				return s.renderAttendance(c, fiber.StatusUnprocessableEntity, worker, date, map[string]string{"date": "attendance.bad.date"})
			case "/worker":
				return s.renderAttendance(c, fiber.StatusUnprocessableEntity, worker, date, map[string]string{"worker": "attendance.bad.worker"})
			case "/campaign":
				return s.renderAttendance(c, fiber.StatusUnprocessableEntity, worker, date, map[string]string{"page": "attendance.nopaytable"})
			}
		}
		return err
	}
	done := "logged"
	if logged {
		done = "again"
	}
	return redirect(c, "/campaigns/"+id+"/attendance?done="+done+"&date="+date)
}

func (s *Server) renderAttendance(c fiber.Ctx, status int, worker, date string, problems map[string]string) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	camp, err := s.engine.Campaign(c.Context(), id)
	if err != nil {
		return err
	}
	users, err := s.pay.AttendanceWorkers(c.Context(), a, id)
	if err != nil {
		return err
	}
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/campaigns/" + id + "/attendance"
	}
	p := s.newPage(c, "attendance.title", "attendance", path)
	today := s.engine.Now().In(chinaTime).Format(time.DateOnly)
	d := attendanceData{Campaign: id, Title: camp.Title(p.Lang), Worker: worker, Date: date, Today: today, NoPayTable: camp.PayTable() == ""}
	if d.Date == "" {
		d.Date = today
		if q := c.Query("date"); q != "" && len(q) == len(today) {
			d.Date = q
		}
	}
	if d.Worker == "" {
		d.Worker = a.ID()
	}
	for _, u := range users {
		d.Workers = append(d.Workers, option{Value: u.ID, Label: u.DisplayName + " (" + u.Username + ")"})
	}
	for k, key := range problems {
		switch k {
		case "date":
			d.DateError = p.T(key)
		case "worker":
			d.WorkerError = p.T(key)
		default:
			p.Error = p.T(key)
		}
	}
	if len(problems) > 0 && p.Error == "" {
		p.Error = p.T("attendance.failed")
	}
	switch c.Query("done") {
	case "logged":
		p.Flash = p.T("attendance.done.logged", c.Query("date"))
	case "again":
		p.Flash = p.T("attendance.done.again", c.Query("date"))
	}
	names := newNamer(s, c.Context(), a, p.Lang)
	var pt *paytables.PayTable
	if camp.PayTable() != "" {
		pt, _, _ = s.pay.PayTable(c.Context(), camp.PayTable(), 0)
	}
	days, err := s.pay.AttendanceDays(c.Context(), a, id, attendanceDaysShown)
	if err != nil {
		return err
	}
	for _, day := range days {
		row := attendanceRow{Date: day.Date, Worker: names.user(day.WorkerID), By: names.user(day.CreatedBy)}
		for _, le := range day.Entries {
			label := le.Item
			if pt != nil {
				label = pt.ItemLabel(le.Item, p.Lang)
			}
			line := qcPayLine{Label: label, Amount: pay.Yuan(le.AmountFen), Kind: "pay"}
			if le.AmountFen < 0 {
				line.Kind, line.Amount = "withheld", pay.Yuan(-le.AmountFen)
			}
			row.Paid = append(row.Paid, line)
		}
		d.Days = append(d.Days, row)
	}
	p.Data = d
	return s.render(c, status, "attendance", p)
}
