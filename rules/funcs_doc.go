package rules

import (
	"slices"
	"strings"
)

// Text is a text in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// FunctionDoc documents one function of the library. The table of them is
// the one source the docs and the studio's palette are made from; a test
// keeps it and the library in step and runs every example.
type FunctionDoc struct {
	Name    string `json:"name"`
	Summary Text   `json:"summary"`
	// Signature names the parameters and the result type in words:
	// "addMonths(date, n) time". A date parameter takes a time, a
	// "2006-01-02" string or an RFC 3339 string.
	Signature string `json:"signature"`
	// Example is an expression that compiles in any kind's environment
	// and reads no variable.
	Example string `json:"example"`
	// Result is the example's value as an author would write it: a time
	// at the start of a day in China as its date (2026-02-28), another
	// time in RFC 3339 at +08:00, a duration as Go prints it (36h0m0s),
	// a string quoted, a list in brackets.
	Result string `json:"result"`
}

// FunctionDocs returns the documentation of every library function,
// sorted by name. expr's own built-ins (len, filter, upper, …) are not
// listed; the library's versions of repeat, replace, join and uniq are.
func FunctionDocs() []FunctionDoc {
	docs := slices.Clone(functionDocs)
	slices.SortFunc(docs, func(a, b FunctionDoc) int { return strings.Compare(a.Name, b.Name) })
	return docs
}

// functionDocs is written in the order of the package documentation.
var functionDocs = []FunctionDoc{
	{
		Name: "age", Signature: "age(idOrDate, at) int",
		Summary: Text{
			ZH: "到 at 当天（北京时间）的周岁；idOrDate 可以是身份证号码、日期或时间。生日当天加一岁，2月29日出生的在平年3月1日加一岁。",
			EN: "Completed years at at's day in China; idOrDate is a resident ID, a date or a time. The count goes up on the birthday (29 February: on 1 March in common years).",
		},
		Example: `age("370102199003071238", date("2026-03-07"))`, Result: "36",
	},
	{
		Name: "idBirthDate", Signature: "idBirthDate(id) time",
		Summary: Text{
			ZH: "身份证号码中的出生日期，取当天零点（北京时间）。",
			EN: "The birth date of a resident ID: the start of that day in China.",
		},
		Example: `idBirthDate("370102199003071238")`, Result: "1990-03-07",
	},
	{
		Name: "idSex", Signature: "idSex(id) string",
		Summary: Text{
			ZH: `身份证号码中的性别（第17位）："male" 为男，"female" 为女。`,
			EN: `The sex a resident ID records in its 17th digit: "male" or "female".`,
		},
		Example: `idSex("11010519491231002X")`, Result: `"female"`,
	},
	{
		Name: "validID", Signature: "validID(id[, at]) bool",
		Summary: Text{
			ZH: "id 是否为有效的身份证号码：18位，校验位正确，出生日期真实；给出 at 时出生日期不得晚于 at。其他值（包括空值）都不是。",
			EN: "Whether id is a valid resident ID: 18 characters, the right check character, a real birth date, and when at is given born no later than at. Anything else, nil included, is false.",
		},
		Example: `validID("370102199003071238")`, Result: "true",
	},
	{
		Name: "validMobile", Signature: "validMobile(s) bool",
		Summary: Text{
			ZH: "s 是否为手机号码：以 13 至 19 开头的11位数字。",
			EN: "Whether s is a mobile number: 11 digits starting 13 to 19.",
		},
		Example: `validMobile("13800138000")`, Result: "true",
	},
	{
		Name: "validAdminCode", Signature: "validAdminCode(s) bool",
		Summary: Text{
			ZH: "s 是否为行政区划代码：以省级代码开头的6位数字（GB/T 2260）。",
			EN: "Whether s is an administrative division code: 6 digits starting with a province code (GB/T 2260).",
		},
		Example: `validAdminCode("370102")`, Result: "true",
	},
	{
		Name: "date", Signature: "date(s) time",
		Summary: Text{
			ZH: `把 "2006-01-02" 形式的日期解析为当天零点（北京时间），也接受 RFC 3339 时间。`,
			EN: `Parses a "2006-01-02" date as the start of that day in China, or an RFC 3339 time.`,
		},
		Example: `date("2027-01-15")`, Result: "2027-01-15",
	},
	{
		Name: "daysBetween", Signature: "daysBetween(a, b) int",
		Summary: Text{
			ZH: "从 a 到 b 相隔的日历天数（北京时间，b 减 a）；b 早于 a 时为负数。",
			EN: "Calendar days from a's day to b's day in China (b − a); negative when b is earlier.",
		},
		Example: `daysBetween("2026-01-01", "2026-03-01")`, Result: "59",
	},
	{
		Name: "addDays", Signature: "addDays(date, n) time",
		Summary: Text{
			ZH: "date 加 n 天，n 可为负数。",
			EN: "date plus n days; n may be negative.",
		},
		Example: `addDays("2026-03-01", -1)`, Result: "2026-02-28",
	},
	{
		Name: "days", Signature: "days(n) duration",
		Summary: Text{
			ZH: "n 天的时长（n × 24 小时），n 可为小数；与时间相加得到截止时间。",
			EN: "A duration of n days (n × 24 hours); n may be fractional. Add it to a time for a deadline.",
		},
		Example: `days(1.5)`, Result: "36h0m0s",
	},
	{
		Name: "hours", Signature: "hours(n) duration",
		Summary: Text{
			ZH: "n 小时的时长，n 可为小数。",
			EN: "A duration of n hours; n may be fractional.",
		},
		Example: `hours(36)`, Result: "36h0m0s",
	},
	{
		Name: "quarterOf", Signature: "quarterOf(date) int",
		Summary: Text{
			ZH: "date 当天（北京时间）所在的季度，1 至 4。",
			EN: "The quarter, 1 to 4, of date's day in China.",
		},
		Example: `quarterOf("2026-08-15")`, Result: "3",
	},
	{
		Name: "quarterEnd", Signature: "quarterEnd(date) time",
		Summary: Text{
			ZH: "date 所在季度结束的时刻，即下季度第一天零点（北京时间）。quarterEnd(submittedAt) + days(15) 是季度结束后第15天的结束时刻。",
			EN: "The instant date's quarter ends in China: 00:00 on the first day of the next quarter. quarterEnd(submittedAt) + days(15) is the end of the 15th day after the quarter.",
		},
		Example: `quarterEnd("2026-11-20") + days(15)`, Result: "2027-01-16",
	},
	{
		Name: "monthEnd", Signature: "monthEnd(date) time",
		Summary: Text{
			ZH: "date 所在月份结束的时刻，即下月1日零点（北京时间）。",
			EN: "The instant date's month ends in China: 00:00 on the first day of the next month.",
		},
		Example: `monthEnd("2024-02-10")`, Result: "2024-03-01",
	},
	{
		Name: "addMonths", Signature: "addMonths(date, n) time",
		Summary: Text{
			ZH: "date 加 n 个日历月（北京时间），n 可为负数；目标月份没有这一天时取该月最后一天，如 1月31日加一个月是2月28日（闰年29日）。",
			EN: "date plus n calendar months in China; n may be negative. A day the target month lacks becomes its last day: 31 January plus a month is 28 February (29 in leap years).",
		},
		Example: `addMonths(date("2026-01-31"), 1)`, Result: "2026-02-28",
	},
	{
		Name: "addYears", Signature: "addYears(date, n) time",
		Summary: Text{
			ZH: "date 加 n 年，即加 12 × n 个月；2月29日加一年是次年2月28日。",
			EN: "date plus n years, that is 12 × n months: 29 February plus a year is 28 February.",
		},
		Example: `addYears("2024-02-29", 1)`, Result: "2025-02-28",
	},
	{
		Name: "monthsBetween", Signature: "monthsBetween(a, b) int",
		Summary: Text{
			ZH: "从 a 到 b 满了几个日历月（北京时间），算法与周岁相同：1月31日到2月28日为 0，到3月1日为 1；b 早于 a 时为负数。",
			EN: "Whole calendar months from a to b in China, counted as age counts years: 31 January to 28 February is 0, to 1 March 1. Negative when b is before a.",
		},
		Example: `monthsBetween("2026-01-31", "2026-03-01")`, Result: "1",
	},
	{
		Name: "roundHalfUp", Signature: "roundHalfUp(x, places) float",
		Summary: Text{
			ZH: "把 x 四舍五入到 places 位小数（负数表示到十位、百位……），.5 远离零进位；按数字的十进制写法舍入，所以 1.005 得 1.01。",
			EN: "x rounded to places decimal places (negative: to tens, hundreds…), halves away from zero. The decimal x prints as is rounded, so 1.005 gives 1.01.",
		},
		Example: `roundHalfUp(1.005, 2)`, Result: "1.01",
	},
	{
		Name: "fen", Signature: "fen(yuan) int",
		Summary: Text{
			ZH: "把元换算为整数分，四舍五入：fen(0.5) 是 50。金额一律以分计算。",
			EN: "Yuan to integer fen, rounded half up: fen(0.5) is 50. Money is counted in fen.",
		},
		Example: `fen(19.99 * 3)`, Result: "5997",
	},
	{
		Name: "yuan", Signature: "yuan(fen) float",
		Summary: Text{
			ZH: "把整数分换算为元。",
			EN: "Integer fen to yuan.",
		},
		Example: `yuan(12345)`, Result: "123.45",
	},
	{
		Name: "repeat", Signature: "repeat(s, n) string",
		Summary: Text{
			ZH: "把 s 重复 n 次；结果长度计入每次运算的字符串上限。",
			EN: "s repeated n times; the result counts against the run's string budget.",
		},
		Example: `repeat("ab", 3)`, Result: `"ababab"`,
	},
	{
		Name: "replace", Signature: "replace(s, old, new) string",
		Summary: Text{
			ZH: "把 s 中所有的 old 换成 new。",
			EN: "s with every old replaced by new.",
		},
		Example: `replace("2026/12/06", "/", "-")`, Result: `"2026-12-06"`,
	},
	{
		Name: "join", Signature: "join(list[, sep]) string",
		Summary: Text{
			ZH: "把文字列表用 sep 连接起来（默认不加分隔）。",
			EN: "The strings of list joined with sep (nothing by default).",
		},
		Example: `join(["张三", "李四"], "、")`, Result: `"张三、李四"`,
	},
	{
		Name: "uniq", Signature: "uniq(list) list",
		Summary: Text{
			ZH: "去掉列表中重复的元素，保留每个值第一次出现的位置。",
			EN: "list without repeated elements, each kept where it first appears.",
		},
		Example: `uniq([1, 2, 1, 3])`, Result: "[1, 2, 3]",
	},
}
