package rules

import (
	"errors"
	"testing"
	"time"
)

// The numbers below are invented; their check characters were computed
// with an independent script, not with idCheckChar.
func TestParseResidentID(t *testing.T) {
	// 2026-07-02 16:30Z is already 2026-07-03 00:30 in Shanghai.
	ref := time.Date(2026, 7, 2, 16, 30, 0, 0, time.UTC)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		id      string
		ref     time.Time
		want    ResidentID
		wantErr error
	}{
		{"valid male", "370102199003071238", ref, ResidentID{"370102", date(1990, 3, 7), "male"}, nil},
		{"valid female, even 17th digit", "370102199003071246", ref, ResidentID{"370102", date(1990, 3, 7), "female"}, nil},
		{"valid with X", "11010519491231002X", ref, ResidentID{"110105", date(1949, 12, 31), "female"}, nil},
		{"valid 2000-02-29 (leap century)", "440304200002290057", ref, ResidentID{"440304", date(2000, 2, 29), "male"}, nil},
		{"valid 2024-02-29 (leap)", "370102202402290010", ref, ResidentID{"370102", date(2024, 2, 29), "male"}, nil},
		{"valid 1999-02-28", "370102199902280017", ref, ResidentID{"370102", date(1999, 2, 28), "male"}, nil},
		{"valid 1900-01-01 (earliest)", "370102190001010019", ref, ResidentID{"370102", date(1900, 1, 1), "male"}, nil},
		{"valid 7 in 17th digit", "320583198506157777", ref, ResidentID{"320583", date(1985, 6, 15), "male"}, nil},
		{"valid 1981", "510107198111175513", ref, ResidentID{"510107", date(1981, 11, 17), "male"}, nil},
		{"valid 2012 female", "610113201210083388", ref, ResidentID{"610113", date(2012, 10, 8), "female"}, nil},
		{"valid 1970", "210102197001010032", ref, ResidentID{"210102", date(1970, 1, 1), "male"}, nil},
		{"valid 2010", "650102201010101017", ref, ResidentID{"650102", date(2010, 10, 10), "male"}, nil},
		{"valid X, 1990-01-01", "37010219900101001X", ref, ResidentID{"370102", date(1990, 1, 1), "male"}, nil},
		{"born yesterday in Shanghai", "370102202607020014", ref, ResidentID{"370102", date(2026, 7, 2), "male"}, nil},
		{"born today in Shanghai, still 2 July in UTC", "37010220260703001X", ref, ResidentID{"370102", date(2026, 7, 3), "male"}, nil},
		{"born tomorrow", "370102202607040023", ref, ResidentID{}, ErrIDFutureBirth},
		{"year 3000", "370102300001010013", ref, ResidentID{}, ErrIDFutureBirth},
		{"year 3000 without ref", "370102300001010013", time.Time{}, ResidentID{"370102", date(3000, 1, 1), "male"}, nil},
		{"born tomorrow without ref", "370102202607040023", time.Time{}, ResidentID{"370102", date(2026, 7, 4), "female"}, nil},

		{"bad check digit", "370102199003071239", ref, ResidentID{}, ErrIDCheckDigit},
		{"bad check digit, X expected digit", "37010219900307123X", ref, ResidentID{}, ErrIDCheckDigit},
		{"bad check digit, digit expected X", "110105194912310020", ref, ResidentID{}, ErrIDCheckDigit},
		{"transposed digits", "370102199003072138", ref, ResidentID{}, ErrIDCheckDigit},
		{"30 February", "370102199902300014", ref, ResidentID{}, ErrIDBirthDate},
		{"29 February 2023, not leap", "370102202302290013", ref, ResidentID{}, ErrIDBirthDate},
		{"month 13", "370102200013010012", ref, ResidentID{}, ErrIDBirthDate},
		{"month 00", "370102200000010013", ref, ResidentID{}, ErrIDBirthDate},
		{"day 00", "37010220000100001X", ref, ResidentID{}, ErrIDBirthDate},
		{"31 April", "370102200004310013", ref, ResidentID{}, ErrIDBirthDate},
		{"before 1900", "370102189912310014", ref, ResidentID{}, ErrIDBirthDate},

		{"lower-case x", "11010519491231002x", ref, ResidentID{}, ErrIDLowerX},
		{"empty", "", ref, ResidentID{}, ErrIDLength},
		{"17 digits", "37010219900307123", ref, ResidentID{}, ErrIDLength},
		{"19 digits", "3701021990030712380", ref, ResidentID{}, ErrIDLength},
		{"15-digit first generation", "370102900307123", ref, ResidentID{}, ErrIDLength},
		{"surrounding spaces", " 370102199003071238 ", ref, ResidentID{}, ErrIDLength},
		{"letter in the body", "3701021990O3071238", ref, ResidentID{}, ErrIDChars},
		{"X in the body", "37010219900307X238", ref, ResidentID{}, ErrIDChars},
		{"last char a letter", "37010219900307123Y", ref, ResidentID{}, ErrIDChars},
		{"full-width digit", "37010219900307123８", ref, ResidentID{}, ErrIDChars},
		{"hyphen", "370102-19900307123", ref, ResidentID{}, ErrIDChars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResidentID(tt.id, tt.ref)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseResidentID(%q) error = %v, want %v", tt.id, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseResidentID(%q) = %+v, want %+v", tt.id, got, tt.want)
			}
		})
	}
}

func TestValidMobile(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"13800138000", true},
		{"19912345678", true},
		{"15000000000", true},
		{"12800138000", false}, // 12 is not a mobile prefix
		{"10800138000", false},
		{"23800138000", false},
		{"1380013800", false},
		{"138001380000", false},
		{"1380013800a", false},
		{"+8613800138000", false},
		{"138 0013 8000", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidMobile(tt.s); got != tt.want {
			t.Errorf("ValidMobile(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestValidAdminCode(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"370102", true},
		{"110000", true},
		{"820000", true},
		{"650102", true},
		{"710000", true},
		{"000000", false},
		{"100000", false}, // no province 10
		{"160000", false},
		{"830000", false},
		{"990000", false},
		{"37010", false},
		{"3701020", false},
		{"37010a", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidAdminCode(tt.s); got != tt.want {
			t.Errorf("ValidAdminCode(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func FuzzParseResidentID(f *testing.F) {
	ref := time.Date(2026, 7, 2, 16, 30, 0, 0, time.UTC).Unix()
	for _, s := range []string{"370102199003071238", "11010519491231002X", "11010519491231002x",
		"370102199902300014", "370102189912310014", "370102202607040023", "", "37010219900307123８"} {
		f.Add(s, ref)
	}
	f.Fuzz(func(t *testing.T, s string, refUnix int64) {
		var refTime time.Time
		if refUnix != 0 {
			refTime = time.Unix(refUnix, 0).UTC()
		}
		id, err := ParseResidentID(s, refTime)
		if err != nil {
			if id != (ResidentID{}) {
				t.Fatalf("error %v with non-zero result %+v", err, id)
			}
			return
		}
		if len(s) != 18 {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		if id.Region != s[:6] {
			t.Fatalf("Region = %q, want %q", id.Region, s[:6])
		}
		if got := id.BirthDate.Format("20060102"); got != s[6:14] {
			t.Fatalf("BirthDate = %s, want %s", got, s[6:14])
		}
		if id.BirthDate.Location() != time.UTC || id.BirthDate.Truncate(24*time.Hour) != id.BirthDate {
			t.Fatalf("BirthDate %v is not midnight UTC", id.BirthDate)
		}
		if id.BirthDate.Year() < 1900 {
			t.Fatalf("BirthDate %v before 1900", id.BirthDate)
		}
		wantSex := map[bool]string{true: "male", false: "female"}[(s[16]-'0')%2 == 1]
		if id.Sex != wantSex {
			t.Fatalf("Sex = %q, want %q", id.Sex, wantSex)
		}
		if idCheckChar(s[:17]) != s[17] {
			t.Fatalf("accepted %q with a wrong check character", s)
		}
		if !refTime.IsZero() && id.BirthDate.Sub(refTime) > 8*time.Hour {
			t.Fatalf("accepted birth %v after ref %v", id.BirthDate, refTime)
		}
		// Parsing is deterministic and a later ref never rejects it.
		again, err := ParseResidentID(s, time.Time{})
		if err != nil || again != id {
			t.Fatalf("re-parse without ref = %+v, %v", again, err)
		}
	})
}
