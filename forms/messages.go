package forms

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"

	"canvass/rules"
)

// Field error codes of Evaluate. They are stable: pages, clients and tests
// key on them. Messages are localized; the schema library's own English
// texts are never shown.
const (
	CodeRequired         = "required"
	CodeType             = "type"
	CodeMin              = "min"
	CodeMax              = "max"
	CodeMinLength        = "min_length"
	CodeMaxLength        = "max_length"
	CodeMinItems         = "min_items"
	CodeMaxItems         = "max_items"
	CodeUniqueItems      = "unique_items"
	CodeMultipleOf       = "multiple_of"
	CodePattern          = "pattern"
	CodeEnum             = "enum"
	CodeFormat           = "format" // date, date-time, time, email, uri
	CodeResidentID       = "format_resident_id"
	CodeMobile           = "format_mobile"
	CodeAdminCode        = "format_admin_code"
	CodeConstraint       = "constraint"
	CodeChoiceNotAllowed = "choice_not_allowed"
	CodeInvalid          = "invalid" // a schema rule with no code of its own
)

// Reasons of a format_resident_id error (State.Reasons).
const (
	ReasonIDLength      = "length"
	ReasonIDChars       = "chars"
	ReasonIDLowerX      = "lower_x"
	ReasonIDBirthDate   = "birth_date"
	ReasonIDCheckDigit  = "check_digit"
	ReasonIDFutureBirth = "future_birth"
)

// messages is the catalog of user-facing texts by message key: the code,
// or code.detail. Chinese is the default.
var messages = map[string]Text{
	CodeRequired:         {"此项必填", "This field is required"},
	CodeType + ".string": {"请填写文字", "Enter text"},
	CodeType + ".integer": {
		"请填写整数", "Enter a whole number"},
	CodeType + ".number":  {"请填写数字", "Enter a number"},
	CodeType + ".boolean": {"请选择“是”或“否”", "Choose yes or no"},
	CodeType + ".array":   {"请填写一组内容", "Enter a list"},
	CodeType + ".object":  {"此项格式不对", "This entry has the wrong shape"},
	CodeType:              {"填写的内容类型不对", "This value has the wrong type"},
	CodeMin:               {"不能小于 %s", "Must be at least %s"},
	CodeMin + ".exclusive": {
		"必须大于 %s", "Must be more than %s"},
	CodeMax: {"不能大于 %s", "Must be at most %s"},
	CodeMax + ".exclusive": {
		"必须小于 %s", "Must be less than %s"},
	CodeMinLength:   {"至少填写 %d 个字", "Enter at least %d characters"},
	CodeMaxLength:   {"最多填写 %d 个字", "Enter at most %d characters"},
	CodeMinItems:    {"至少填写 %d 项", "Enter at least %d entries"},
	CodeMaxItems:    {"最多填写 %d 项", "Enter at most %d entries"},
	CodeUniqueItems: {"有重复的选项", "An option is chosen twice"},
	CodeMultipleOf:  {"必须是 %s 的整数倍", "Must be a multiple of %s"},
	CodePattern:     {"格式不正确", "This value is not in the expected format"},
	CodeEnum:        {"请从选项中选择", "Choose one of the options"},
	CodeFormat:      {"格式不正确", "This value is not in the expected format"},
	CodeFormat + ".date": {
		"请填写有效日期，如 2026-12-06", "Enter a valid date such as 2026-12-06"},
	CodeFormat + ".date-time": {
		"请填写有效的日期和时间", "Enter a valid date and time"},
	CodeFormat + ".time":  {"请填写有效时间", "Enter a valid time"},
	CodeFormat + ".email": {"请填写有效的电子邮箱", "Enter a valid email address"},
	CodeFormat + ".uri":   {"请填写有效网址", "Enter a valid web address"},
	CodeResidentID + "." + ReasonIDLength: {
		"身份证号码应为 18 位", "A resident ID number has 18 characters"},
	CodeResidentID + "." + ReasonIDChars: {
		"身份证号码前 17 位应为数字，最后一位为数字或 X", "A resident ID number is 17 digits followed by a digit or X"},
	CodeResidentID + "." + ReasonIDLowerX: {
		"身份证号码最后一位应为大写字母 X", "The last character of a resident ID number is an upper-case X"},
	CodeResidentID + "." + ReasonIDBirthDate: {
		"身份证号码中的出生日期不存在", "The birth date in this resident ID number does not exist"},
	CodeResidentID + "." + ReasonIDCheckDigit: {
		"身份证号码校验位不对，请逐位核对", "The check character of this resident ID number is wrong; check each digit"},
	CodeResidentID + "." + ReasonIDFutureBirth: {
		"身份证号码中的出生日期晚于调查时点", "The birth date in this resident ID number is after the reference date"},
	CodeResidentID:       {"身份证号码不正确", "This resident ID number is not valid"},
	CodeMobile:           {"请填写 11 位手机号码", "Enter an 11-digit mobile number"},
	CodeAdminCode:        {"请填写 6 位行政区划代码", "Enter a 6-digit administrative division code"},
	CodeConstraint:       {"填写的内容不符合要求", "This answer does not meet the form's rule"},
	CodeChoiceNotAllowed: {"该选项与前面的回答不符，请重新选择", "This option does not fit an earlier answer; choose again"},
	CodeInvalid:          {"填写的内容不符合要求", "This answer is not valid"},
}

// msg returns the message with key in the evaluation's language.
func (ev *evaluation) msg(key string, args ...any) string {
	return localize(ev.env.Lang, key, args...)
}

func localize(lang, key string, args ...any) string {
	t, ok := messages[key]
	for !ok && strings.Contains(key, ".") {
		key = key[:strings.LastIndexByte(key, '.')]
		t, ok = messages[key]
	}
	if len(args) == 0 {
		return t.In(lang)
	}
	return fmt.Sprintf(t.In(lang), args...)
}

// schemaError turns one finding of the schema library into a coded,
// localized error.
func (ev *evaluation) schemaError(k jsonschema.ErrorKind) candidate {
	c := candidate{rank: rankSchema}
	switch k := k.(type) {
	case *kind.Type:
		c.rank, c.code = rankType, CodeType
		want := ""
		if len(k.Want) > 0 {
			want = k.Want[0]
		}
		c.msg = ev.msg(CodeType + "." + want)
	case *kind.InvalidJsonValue:
		c.rank, c.code, c.msg = rankType, CodeType, ev.msg(CodeType)
	case *kind.Minimum:
		c.code, c.msg = CodeMin, ev.msg(CodeMin, ratString(k.Want))
	case *kind.ExclusiveMinimum:
		c.code, c.msg = CodeMin, ev.msg(CodeMin+".exclusive", ratString(k.Want))
	case *kind.Maximum:
		c.code, c.msg = CodeMax, ev.msg(CodeMax, ratString(k.Want))
	case *kind.ExclusiveMaximum:
		c.code, c.msg = CodeMax, ev.msg(CodeMax+".exclusive", ratString(k.Want))
	case *kind.MultipleOf:
		c.code, c.msg = CodeMultipleOf, ev.msg(CodeMultipleOf, ratString(k.Want))
	case *kind.MinLength:
		c.code, c.msg = CodeMinLength, ev.msg(CodeMinLength, k.Want)
	case *kind.MaxLength:
		c.code, c.msg = CodeMaxLength, ev.msg(CodeMaxLength, k.Want)
	case *kind.MinItems:
		c.code, c.msg = CodeMinItems, ev.msg(CodeMinItems, k.Want)
	case *kind.MaxItems:
		c.code, c.msg = CodeMaxItems, ev.msg(CodeMaxItems, k.Want)
	case *kind.UniqueItems:
		c.code, c.msg = CodeUniqueItems, ev.msg(CodeUniqueItems)
	case *kind.Pattern:
		c.code, c.msg = CodePattern, ev.msg(CodePattern)
	case *kind.Enum, *kind.Const:
		c.code, c.msg = CodeEnum, ev.msg(CodeEnum)
	case *kind.Format:
		switch k.Want {
		case FormatResidentID:
			c.code, c.reason = CodeResidentID, residentIDReason(k.Err)
			c.msg = ev.msg(CodeResidentID + "." + c.reason)
		case FormatMobile:
			c.code, c.msg = CodeMobile, ev.msg(CodeMobile)
		case FormatAdminCode:
			c.code, c.msg = CodeAdminCode, ev.msg(CodeAdminCode)
		default:
			c.code, c.msg = CodeFormat, ev.msg(CodeFormat+"."+k.Want)
		}
	default:
		c.code, c.msg = CodeInvalid, ev.msg(CodeInvalid)
	}
	return c
}

// residentIDReason names what is wrong with a resident ID number.
func residentIDReason(err error) string {
	switch {
	case errors.Is(err, rules.ErrIDLength):
		return ReasonIDLength
	case errors.Is(err, rules.ErrIDLowerX):
		return ReasonIDLowerX
	case errors.Is(err, rules.ErrIDBirthDate):
		return ReasonIDBirthDate
	case errors.Is(err, rules.ErrIDCheckDigit):
		return ReasonIDCheckDigit
	case errors.Is(err, rules.ErrIDFutureBirth):
		return ReasonIDFutureBirth
	}
	return ReasonIDChars
}

// ratString formats a schema limit as people write numbers: 18, 0.5.
func ratString(r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(6)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

var langMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// MatchLang picks the message language for an Accept-Language header:
// LangEN when the reader prefers English to Chinese, LangZH otherwise
// (including when the header is empty or names neither).
func MatchLang(header string) string {
	if _, i := language.MatchStrings(langMatcher, header); i == 1 {
		return LangEN
	}
	return LangZH
}
