package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Fictional people: family and given names are combined at random.
var (
	familyNames = []string{"林", "周", "吴", "郑", "孙", "何", "高", "罗", "梁", "宋"}
	givenNames  = []string{"秀英", "建华", "丽娟", "海燕", "春梅", "志强", "晓燕", "玉兰", "国庆", "红梅", "桂芳", "小军"}
)

// residentID returns a valid 18-character resident ID (GB 11643 check
// character) for someone born on birth in the district.
func residentID(birth time.Time, seq int) string {
	body := fmt.Sprintf("%s%s%03d", districtCode, birth.Format("20060102"), seq%1000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range weights {
		sum += int(body[i]-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

// answerSet is a pool of valid answers to the household form, as JSON
// (what a client sends).
type answerSet struct {
	json [][]byte
}

// newAnswerSet makes n different valid households: a woman of 25 to 49 on
// the reference day, a mobile number when she agrees to a call, and zero
// to three children born after her 20th birthday.
func newAnswerSet(n int, seed uint64) *answerSet {
	rng := rand.New(rand.NewPCG(seed, 2026))
	ref := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	s := &answerSet{}
	for i := range n {
		birth := ref.AddDate(-25-rng.IntN(25), -rng.IntN(12), -rng.IntN(28))
		kids := rng.IntN(4)
		a := map[string]any{
			"address":        map[string]any{"countyCode": districtCode, "township": "370102001", "village": "370102001002"},
			"respondentName": familyNames[rng.IntN(len(familyNames))] + givenNames[rng.IntN(len(givenNames))],
			"respondentId":   residentID(birth, 2*rng.IntN(500)), // even sequence: a woman
			"hasChildren":    kids > 0,
			"phoneFollowUp":  i%2 == 0,
		}
		if i%2 == 0 {
			a["mobile"] = fmt.Sprintf("139%08d", rng.IntN(100_000_000))
		}
		if kids > 0 {
			var children []any
			for k := range kids {
				born := birth.AddDate(20+2*k+rng.IntN(3), rng.IntN(12), rng.IntN(28))
				if born.After(ref) {
					born = ref.AddDate(0, 0, -30*(k+1))
				}
				children = append(children, map[string]any{
					"childName":      familyNames[rng.IntN(len(familyNames))] + givenNames[rng.IntN(len(givenNames))],
					"childSex":       fmt.Sprint(1 + rng.IntN(2)),
					"childBirthDate": born.Format("2006-01-02"),
				})
			}
			a["children"] = children
		}
		if i%3 == 0 {
			a["note"] = "入户时家中有人，已核对户口簿。"
		}
		b, err := json.Marshal(a)
		if err != nil {
			panic(err) // plain maps always marshal
		}
		s.json = append(s.json, b)
	}
	return s
}

// submitBody is the body of POST /api/v1/records with the given answers.
func submitBody(id string, answers []byte) []byte {
	b := make([]byte, 0, len(answers)+128)
	b = append(b, `{"id":"`...)
	b = append(b, id...)
	b = append(b, `","campaign":"`+campaignID+`","form":"`+formID+`","answers":`...)
	b = append(b, answers...)
	return append(b, '}')
}

// newUUID returns a random lower-case version 4 UUID, the form a client
// gives its submissions.
func newUUID(rng *rand.Rand) string {
	var u [16]byte
	for i := 0; i < 16; i += 8 {
		x := rng.Uint64()
		for j := range 8 {
			u[i+j] = byte(x >> (8 * j))
		}
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
