package demo

import (
	"fmt"
	"time"
)

// sampleSet makes a form's sample answers. Variants differ where the
// workflow's routes or the form's skip logic look (an amount above a
// threshold, a yes that opens a follow-up question); answers(v, n) is
// household n's answers of variant v, with its own fictional name, ID
// number and phone.
type sampleSet struct {
	variants int
	answers  func(variant, n int) map[string]any
	// correct, when set, changes answers as a field worker corrects a
	// returned record: the demo then returns one record and resubmits it
	// corrected, so its history shows what changed.
	correct func(answers map[string]any)
}

// samples are the sample answers by form ID. Every form of every example
// campaign needs one: Seed fails on a form it lacks, and its test says so.
var samples = map[string]sampleSet{
	"fertility-household":   {variants: 2, answers: fertilityHousehold, correct: correctFertility},
	"migrant-verification":  {variants: 3, answers: migrantVerification},
	"subsidy-application":   {variants: 2, answers: subsidyApplication, correct: correctSubsidy},
	"trainer-signup":        {variants: 2, answers: trainerSignup},
	"vital-event":           {variants: 3, answers: vitalEvent},
	"eligibility-check":     {variants: 2, answers: eligibilityCheck},
	"quarterly-report":      {variants: 1, answers: quarterlyReport},
	"birth-registration":    {variants: 2, answers: birthRegistration},
	"monthly-births-report": {variants: 1, answers: monthlyBirthsReport},
	"migrant-arrival":       {variants: 2, answers: migrantArrival},
	"resident-check":        {variants: 2, answers: residentCheck},
}

// Fictional people: family names and given names combined by household
// number.
var (
	familyNames = []string{"陈", "李", "张", "王", "刘", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何"}
	femaleNames = []string{"秀英", "丽娟", "海燕", "春梅", "晓静", "玉兰", "红霞", "雪梅", "佳怡", "婷婷", "慧敏", "桂芳"}
	maleNames   = []string{"建国", "志强", "海涛", "国平", "永亮", "文博", "俊杰", "明辉", "德胜", "振华", "立新", "宏伟"}
)

func personName(n int, female bool) string {
	given := maleNames
	if female {
		given = femaleNames
	}
	return familyNames[n%len(familyNames)] + given[(n/len(familyNames)+n)%len(given)]
}

// residentID returns a valid 18-character resident ID number in the
// fictional district 341299 for the birth date; the sequence digits come
// from n, the sex digit from female (even for women).
func residentID(birth time.Time, female bool, n int) string {
	seq := 10 + (n*7)%89 // two digits, 10..98
	sex := 1 + 2*(n%5)   // odd: male
	if female {
		sex--
	}
	body := fmt.Sprintf("341299%s%02d%d", birth.Format("20060102"), seq, sex)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// mobile returns a fictional mobile number.
func mobile(n int) string { return fmt.Sprintf("1390552%04d", n%10000) }

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// fertilityHousehold: variant 0 does not intend a third child, variant 1
// does (the follow-up question on timing applies), with an elder to care
// for.
func fertilityHousehold(v, n int) map[string]any {
	birth := date(1986+n%12, 1+n%12, 1+n%27)
	first := birth.AddDate(22+n%4, 3, 0)
	second := first.AddDate(3, 5, 0)
	a := map[string]any{
		"personal": map[string]any{
			"respondentName": personName(n, true),
			"respondentId":   residentID(birth, true, n),
			"mobile":         mobile(n),
			"maritalStatus":  "first_marriage",
			"education":      []string{"junior", "senior", "college"}[n%3],
			"employment":     []string{"farming", "employee", "self_employed"}[n%3],
		},
		"care": map[string]any{
			"childCount": 2,
			"children": []any{
				map[string]any{"childSex": "male", "childBirthDate": first.Format(time.DateOnly)},
				map[string]any{"childSex": "female", "childBirthDate": second.Format(time.DateOnly)},
			},
			"caresForElders": v == 1,
		},
		"support": map[string]any{
			"usesChildcare": false,
			"difficulties":  []any{"cost", "no_carer"},
			"supportWanted": []any{"cash", "childcare"},
		},
		"intention": map[string]any{
			"intendsThirdChild": v == 1,
		},
		"family": map[string]any{
			"householdSize": 4 + n%3,
			"hukouType":     "rural",
			"income":        []string{"30k_60k", "60k_100k", "100k_200k"}[n%3],
			"housingArea":   float64(90 + 10*(n%8)),
		},
	}
	if v == 1 {
		a["care"].(map[string]any)["elderCount"] = 2
		a["care"].(map[string]any)["elderCareBurden"] = "moderate"
		a["intention"].(map[string]any)["thirdChildTiming"] = "1_3y"
	} else {
		a["intention"].(map[string]any)["reasonsNot"] = []any{"cost", "enough"}
	}
	return a
}

// correctFertility: the household counted one person more after the
// surveyor's second visit, and she says so.
func correctFertility(a map[string]any) {
	family := a["family"].(map[string]any)
	family["householdSize"] = family["householdSize"].(int) + 1
	family["note"] = "复核：婆婆常住本户，家庭人口数已更正。"
}

// correctSubsidy: the village adds the death certificate it had not
// checked and rewrites its opinion.
func correctSubsidy(a map[string]any) {
	a["documents"] = []any{"hukou", "id_card", "marriage", "death"}
	a["villageOpinion"] = "已补充核验相关证明材料，情况属实，同意上报。"
}

// migrantVerification: variant 0 has left this township to work in
// another province (outflow), variant 1 came from another province to
// work here (inflow), variant 2 is away to study (excluded).
func migrantVerification(v, n int) map[string]any {
	female := n%2 == 0
	birth := date(1975+n%25, 1+n%12, 1+n%27)
	movement := map[string]any{"movedOn": date(2026, 1+n%9, 1+n%27).Format(time.DateOnly)}
	switch v {
	case 0:
		movement["hukouPlace"], movement["residencePlace"], movement["residenceCounty"] = "here", "outside", "320583"
		movement["residenceAddress"], movement["reason"] = "江苏省某市工业园区宿舍", "work"
	case 1:
		movement["hukouPlace"], movement["hukouCounty"], movement["residencePlace"], movement["reason"] = "outside", "410122", "here", "work"
	default:
		movement["hukouPlace"], movement["residencePlace"], movement["residenceCounty"] = "here", "province", "340104"
		movement["residenceAddress"], movement["reason"] = "省城某大学学生公寓", "study"
	}
	verification := map[string]any{
		"method":         []string{"in_person", "relatives", "phone"}[n%3],
		"registryStatus": []string{"match", "corrected", "new"}[n%3],
	}
	if v != 2 {
		verification["returnIntention"] = []string{"stay", "return", "unknown"}[n%3]
	}
	return map[string]any{
		"person": map[string]any{
			"personName":    personName(n, female),
			"idNumber":      residentID(birth, female, n),
			"maritalStatus": []string{"married", "never", "married"}[n%3],
			"mobile":        mobile(n),
		},
		"movement":     movement,
		"verification": verification,
	}
}

// subsidyApplication: variant 0 applies for the rural reward (aged 60 or
// more, one child), variant 1 for the special assistance (the only child
// died). Both are eligible, so every review step can approve them.
func subsidyApplication(v, n int) map[string]any {
	female := n%2 == 1
	a := map[string]any{
		"applicant": personName(n, female),
		"mobile":    mobile(n),
		"documents": []any{"hukou", "id_card", "marriage"},
	}
	if v == 0 {
		a["idNumber"] = residentID(date(1955+n%8, 1+n%12, 1+n%27), female, n)
		a["subsidyType"], a["hukouRural"] = "reward", true
		a["household"] = map[string]any{"childrenBorn": []string{"one", "two_daughters"}[n%2]}
		a["villageOpinion"] = "经村委会核实，情况属实，同意上报。"
	} else {
		a["idNumber"] = residentID(date(1962+n%10, 1+n%12, 1+n%27), female, n)
		a["subsidyType"], a["hukouRural"] = "special", n%2 == 0
		a["household"] = map[string]any{"childrenBorn": "one", "onlyChildStatus": "died",
			"childEventDate": date(2015+n%8, 1+n%12, 1+n%27).Format(time.DateOnly), "adoptedOrNewChild": false}
		a["documents"] = []any{"hukou", "id_card", "death"}
	}
	return a
}

// trainerSignup: variant 0 signs up an enumerator for both days with
// lunch, variant 1 an instructor for the first day without.
func trainerSignup(v, n int) map[string]any {
	female := n%2 == 0
	a := map[string]any{
		"traineeName": personName(n, female),
		"idNumber":    residentID(date(1970+n%30, 1+n%12, 1+n%27), female, n),
		"mobile":      mobile(n),
		"education":   []string{"senior", "college", "junior"}[n%3],
		"pastCensus":  n%3 == 0,
	}
	if v == 0 {
		a["duty"], a["enumerationArea"] = "enumerator", fmt.Sprintf("%03d", 1+n%120)
		a["sessions"], a["lunch"], a["diet"] = []any{"day1", "day2"}, true, "none"
	} else {
		a["duty"], a["sessions"], a["lunch"] = "instructor", []any{"day1"}, false
	}
	return a
}

// vitalEvent: variant 0 is a marriage, 1 a birth, 2 a death, all in
// October 2026.
func vitalEvent(v, n int) map[string]any {
	on := date(2026, 10, 1+n%28).Format(time.DateOnly)
	switch v {
	case 0:
		return map[string]any{"eventType": "marriage", "marriage": map[string]any{
			"husbandName": personName(n, false), "husbandId": residentID(date(1995+n%5, 1+n%12, 1+n%27), false, n),
			"wifeName": personName(n+7, true), "wifeId": residentID(date(1997+n%5, 1+n%12, 1+n%27), true, n+7),
			"marriageDate": on, "firstMarriage": true,
		}}
	case 1:
		return map[string]any{"eventType": "birth", "birth": map[string]any{
			"motherName": personName(n, true), "motherId": residentID(date(1993+n%6, 1+n%12, 1+n%27), true, n),
			"childName": personName(n+3, n%2 == 0), "childSex": []string{"male", "female"}[n%2],
			"birthDate": on, "birthOrder": 1 + n%2, "birthPlace": "hospital",
		}}
	}
	return map[string]any{"eventType": "death", "death": map[string]any{
		"deceasedName": personName(n, n%2 == 0), "deceasedId": residentID(date(1938+n%10, 1+n%12, 1+n%27), n%2 == 0, n),
		"deathDate": on, "certificate": true,
	}}
}

// eligibilityCheck: variant 0 is still eligible, variant 1 has died and
// the payments stop.
func eligibilityCheck(v, n int) map[string]any {
	female := n%2 == 0
	a := map[string]any{
		"recipientName": personName(n, female),
		"recipientId":   residentID(date(1950+n%12, 1+n%12, 1+n%27), female, n),
		"programme":     []string{"reward", "special"}[n%2],
		"result":        "eligible",
	}
	if v == 1 {
		a["result"], a["deathDate"] = "deceased", date(2026, 11, 1+n%27).Format(time.DateOnly)
	}
	return a
}

// quarterlyReport is a village's report of the fourth quarter of 2026.
func quarterlyReport(_, n int) map[string]any {
	return map[string]any{"period": "2026-Q4", "births": 1 + n%3, "deaths": n % 2, "marriages": n % 4}
}

// birthRegistration: variant 0 is a boy, 1 a girl, born in October 2026
// (before any day the demo may date the record).
func birthRegistration(v, n int) map[string]any {
	return map[string]any{"motherName": personName(n, true), "childSex": []string{"male", "female"}[v],
		"birthDate": date(2026, 10, 1+n%28).Format(time.DateOnly), "birthOrder": 1 + n%2, "birthPlace": "hospital"}
}

// monthlyBirthsReport is a community's births by sex of October 2026.
func monthlyBirthsReport(_, n int) map[string]any {
	return map[string]any{"month": "2026-10", "maleBirths": 2 + n%3, "femaleBirths": 2 + n%2}
}

// migrantArrival: variant 0 came to work, variant 1 to join family; both
// arrived in October 2026.
func migrantArrival(v, n int) map[string]any {
	female := n%2 == 1
	a := map[string]any{"name": personName(n, female), "idNumber": residentID(date(1985+n%15, 1+n%12, 1+n%27), female, n),
		"sex": []string{"male", "female"}[n%2], "phone": mobile(n), "arrivedOn": fmt.Sprintf("2026-10-%02d", 1+n%28), "arrivedHour": 9,
		"origin": "安徽省阜阳市临泉县", "address": fmt.Sprintf("湖滨路 %d 号 %d 室", 10+n, 101+n%5), "purpose": "family"}
	if v == 0 {
		a["purpose"], a["employer"] = "work", "清河区恒达电子厂"
	}
	return a
}

// residentCheck: variant 0's ID number matches the police register,
// variant 1's was corrected.
func residentCheck(v, n int) map[string]any {
	female := n%2 == 0
	a := map[string]any{"name": personName(n, female), "idNumber": residentID(date(1960+n%40, 1+n%12, 1+n%27), female, n),
		"residentType": "usual", "idStatus": "match"}
	if v == 1 {
		a["idStatus"], a["note"] = "corrected", "出生日期录入错误，已按户口簿更正"
	}
	return a
}
