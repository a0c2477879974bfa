package demo

import (
	"fmt"

	"canvass/engine"
)

// User is one demo account. The passwords are fixed and printed at start:
// the demo is for trying Canvass out, never for real data.
type User struct {
	Username    string
	Password    string
	DisplayName string
	Roles       []string
	OrgUnit     string // code of the root of the user's scope
	What        string // what to try as this user, for the start-up message and docs
}

// Users returns the demo accounts: one per role, with reviewers at the
// village, township and district levels and three field workers in
// villages of two townships, each village with its own reviewer (the
// migrant grid's community station checks in the village).
func Users() []User {
	return []User{
		{"admin", "demo-admin", "管理员 周宁", []string{engine.RoleAdmin}, DistrictCode, "users, org units, audit log"},
		{"author", "demo-author", "方案编写 林秋", []string{engine.RoleAuthor}, DistrictCode, "definitions: draft, lint, publish"},
		{"worker", "demo-worker", "调查员 陈小雨", []string{engine.RoleFieldWorker}, "341299001001", "fill forms in 东柳村 on a phone"},
		{"worker2", "demo-worker2", "调查员 王建华", []string{engine.RoleFieldWorker}, "341299001002", "fill forms in 西柳村"},
		{"worker3", "demo-worker3", "调查员 刘芳", []string{engine.RoleFieldWorker}, "341299002001", "fill forms in 石桥村"},
		{"village-reviewer", "demo-village-reviewer", "村审核 赵桂兰", []string{engine.RoleReviewer}, "341299001001", "village checks in 东柳村"},
		{"village-reviewer2", "demo-village-reviewer2", "村审核 钱玉梅", []string{engine.RoleReviewer}, "341299001002", "village checks in 西柳村"},
		{"village-reviewer3", "demo-village-reviewer3", "村审核 郭春生", []string{engine.RoleReviewer}, "341299002001", "village checks in 石桥村"},
		{"township-reviewer", "demo-township-reviewer", "镇审核 孙志强", []string{engine.RoleReviewer}, "341299001", "township review in 柳泉镇"},
		{"township-reviewer2", "demo-township-reviewer2", "镇审核 何丽", []string{engine.RoleReviewer}, "341299002", "township review in 石桥镇"},
		{"district-reviewer", "demo-district-reviewer", "区审批 郑文", []string{engine.RoleReviewer}, DistrictCode, "district approval"},
		{"supervisor", "demo-supervisor", "指导员 吴海", []string{engine.RoleSupervisor}, DistrictCode, "spot checks, attendance"},
		{"finance", "demo-finance", "财务 钱敏", []string{engine.RoleFinance}, DistrictCode, "payment tables, XLSX export"},
	}
}

// workerUsernames are the demo's field workers, in the order Users lists
// them: the sample records are spread over them (and their villages) in
// turn.
var workerUsernames = []string{"worker", "worker2", "worker3"}

// UserPersonal returns the ID number and mobile of a demo user: fictitious
// but valid (the check digit holds; the district 341299 does not exist),
// so that the 劳务报酬发放表 has a 身份证号码 for everyone it pays. Empty
// for a name that is not a demo user.
func UserPersonal(username string) engine.UserPersonal {
	for i, u := range Users() {
		if u.Username == username {
			birth := date(1968+(i*3)%30, 1+(i*5)%12, 1+(i*7)%28)
			return engine.UserPersonal{IDNumber: residentID(birth, womenUsers[username], 500+i), Mobile: fmt.Sprintf("1390553%04d", 1+i)}
		}
	}
	return engine.UserPersonal{}
}

// womenUsers are the demo users with a woman's name: their ID numbers
// carry an even sex digit.
var womenUsers = map[string]bool{
	"author": true, "worker": true, "worker3": true, "village-reviewer": true,
	"village-reviewer2": true, "township-reviewer2": true, "finance": true,
}
