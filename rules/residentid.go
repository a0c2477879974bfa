package rules

import (
	"errors"
	"regexp"
	"time"
	"unicode/utf8"
)

// Shanghai is the zone calendar logic runs in: quarters, days, ages. China
// has kept UTC+8 all year since 1991, without daylight saving, so a fixed
// zone is exact and needs no tzdata on the host.
var Shanghai = time.FixedZone("CST", 8*3600)

// ResidentID is a parsed 18-character resident identity number.
type ResidentID struct {
	Region    string    // first 6 digits (GB/T 2260 admin code)
	BirthDate time.Time // midnight UTC of the birth date
	Sex       string    // "male" (odd 17th digit) or "female"
}

// Errors returned by ParseResidentID, one per way a number can be wrong.
var (
	ErrIDLength      = errors.New("resident id: not 18 characters")
	ErrIDChars       = errors.New("resident id: the first 17 characters must be digits and the last a digit or X")
	ErrIDLowerX      = errors.New("resident id: check character must be upper-case X")
	ErrIDCheckDigit  = errors.New("resident id: check character does not match")
	ErrIDBirthDate   = errors.New("resident id: birth date is not a real date on or after 1900-01-01")
	ErrIDFutureBirth = errors.New("resident id: birth date is in the future")
)

// idWeights are the GB 11643-1999 weights (2^(17-i) mod 11) of the first
// 17 digits; the weighted sum mod 11 indexes idCheckChars.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheckChar returns the check character for the 17 digits d.
// d must be 17 ASCII digits.
func idCheckChar(d string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseResidentID parses an 18-character resident identity number
// (GB 11643-1999). The checks run in this order, and the first failure is
// returned: length, characters, lower-case x, birth date, check character,
// future birth. The birth date must exist in the calendar and not be
// before 1900-01-01. When ref is not zero, a birth date after ref's
// calendar day in Asia/Shanghai is ErrIDFutureBirth (someone born "today"
// is fine). The region code is returned as written, not checked against
// GB/T 2260.
func ParseResidentID(s string, ref time.Time) (ResidentID, error) {
	if utf8.RuneCountInString(s) != 18 {
		return ResidentID{}, ErrIDLength
	}
	if len(s) != 18 { // 18 runes but some not ASCII
		return ResidentID{}, ErrIDChars
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ResidentID{}, ErrIDChars
		}
	}
	last := s[17]
	switch {
	case last >= '0' && last <= '9', last == 'X':
	case last == 'x':
		return ResidentID{}, ErrIDLowerX
	default:
		return ResidentID{}, ErrIDChars
	}

	birth, ok := parseYYYYMMDD(s[6:14])
	if !ok {
		return ResidentID{}, ErrIDBirthDate
	}
	if idCheckChar(s) != last {
		return ResidentID{}, ErrIDCheckDigit
	}
	if !ref.IsZero() {
		y, m, d := ref.In(Shanghai).Date()
		if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
			return ResidentID{}, ErrIDFutureBirth
		}
	}
	sex := "female"
	if (s[16]-'0')%2 == 1 {
		sex = "male"
	}
	return ResidentID{Region: s[:6], BirthDate: birth, Sex: sex}, nil
}

// parseYYYYMMDD parses 8 ASCII digits as a calendar date on or after
// 1900-01-01, at midnight UTC.
func parseYYYYMMDD(s string) (time.Time, bool) {
	n := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	y, m, d := n(0, 4), n(4, 6), n(6, 8)
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // time.Date normalised an overflowing day (0230 → 0302)
		return time.Time{}, false
	}
	return t, true
}

// ValidMobile reports whether s is a mainland China mobile number
// (cn-mobile): 11 ASCII digits starting 13–19.
func ValidMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	return allDigits(s)
}

// provinceCodes are the first two digits of the GB/T 2260 province-level
// divisions, Taiwan (71), Hong Kong (81) and Macao (82) included.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// ValidAdminCode reports whether s has the shape of a GB/T 2260
// administrative division code (cn-admin-code): 6 ASCII digits whose first
// two are a real province-level code (11–82, e.g. 37 Shandong). Whether the
// city and county parts exist is not checked: the list changes every year.
func ValidAdminCode(s string) bool {
	return len(s) == 6 && allDigits(s) && provinceCodes[s[:2]]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// orgCodePattern is an org-unit code: a 6-digit GB/T 2260 code, then 3
// digits per level below (township, village, group).
var orgCodePattern = regexp.MustCompile(`^[0-9]{6}(?:[0-9]{3}){0,3}$`)

// ValidOrgCode reports whether s has the shape of an org-unit code: 6, 9,
// 12 or 15 digits. (Whether its first six are a real division code is
// ValidAdminCode's question.)
func ValidOrgCode(s string) bool { return orgCodePattern.MatchString(s) }
