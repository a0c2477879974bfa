package demo

import "fmt"

// The immunization-check example's forms: a migrant child's registration
// and the quarterly check (which the campaign's schedule opens for each
// registered child; the demo files a few directly as well).
func init() {
	samples["migrant-child"] = sampleSet{variants: 2, answers: migrantChild}
	samples["immunization-check"] = sampleSet{variants: 2, answers: immunizationCheck}
}

// migrantChild: variant 1 has no immunization certificate yet.
func migrantChild(v, n int) map[string]any {
	female := n%2 == 1
	a := map[string]any{"childName": personName(n, female), "sex": []string{"male", "female"}[n%2],
		"birthDate": fmt.Sprintf("%d-%02d-%02d", 2021+n%5, 1+n%12, 1+n%27), "guardianName": personName(n+7, !female),
		"guardianPhone": mobile(n), "origin": "贵州省毕节市", "address": fmt.Sprintf("杨庄村%d组 %d 号", 1+n%6, 10+n),
		"arrivedOn": fmt.Sprintf("2026-09-%02d", 1+n%28), "hasCertificate": "yes"}
	if v == 1 {
		a["hasCertificate"] = "no"
	}
	return a
}

// immunizationCheck: variant 0 is up to date, variant 1 misses a dose.
func immunizationCheck(v, n int) map[string]any {
	a := map[string]any{"childName": personName(n, n%2 == 1), "stillResident": "yes", "certificateChecked": "yes", "upToDate": "yes"}
	if v == 1 {
		a["upToDate"], a["missingVaccines"] = "no", "百白破第4剂，已约定补种时间"
	}
	return a
}
