package ui

// A user's ID number and mobile (the 劳务报酬发放表 needs the ID number):
// the admin's user page and the fields of the new-user form.
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"user.title":                  "用户信息",
		"user.back":                   "返回用户列表",
		"user.edit":                   "查看和修改 %s",
		"user.about":                  "基本信息",
		"user.personal":               "身份证号码和手机号码",
		"user.personal.tip":           "用于劳务报酬发放表。加密保存，页面上只显示部分数字；财务和管理员可以查看完整号码，每次查看都记入审计日志。",
		"user.personal.keep":          "不修改就保持原号码；清空则删除。",
		"user.idNumber":               "身份证号码",
		"user.idNumber.tip":           "18 位，最后一位可以是 X；系统会核对校验位和出生日期",
		"user.mobile":                 "手机号码",
		"user.mobile.tip":             "11 位，以 13–19 开头",
		"user.none":                   "未填",
		"user.save":                   "保存身份证号码和手机号码",
		"user.saved":                  "已保存 %s 的身份证号码和手机号码。",
		"user.unchanged":              "号码没有变化，无需保存。",
		"user.invalid":                "未保存，请修改标出的项目。",
		"user.conflict":               "未保存：您打开这个页面之后，其他人修改了这个用户。下面是最新的信息，请核对后再保存。",
		"user.reveal":                 "查看完整号码",
		"user.revealed":               "已显示完整号码，本次查看已记入审计日志。",
		"user.unavailable":            "未保存：服务器没有配置个人信息加密密钥，不能保存身份证号码和手机号码。请联系系统管理员。",
		"users.personal.create":       "身份证号码和手机号码（可选，用于劳务报酬发放表）",
		"field.idNumber.length":       "身份证号码应为 18 位",
		"field.idNumber.chars":        "身份证号码前 17 位应为数字，最后一位为数字或 X",
		"field.idNumber.check_digit":  "身份证号码校验位不对，请逐位核对",
		"field.idNumber.birth_date":   "身份证号码中的出生日期（第 7–14 位）不是有效日期",
		"field.idNumber.future_birth": "身份证号码中的出生日期晚于今天",
		"field.idNumber.invalid":      "身份证号码不正确",
		"field.mobile.pattern":        "手机号码应为 11 位数字，以 13–19 开头",
	})
	add(LangEN, map[string]string{
		"user.title":                  "User",
		"user.back":                   "Back to the users",
		"user.edit":                   "View and change %s",
		"user.about":                  "About",
		"user.personal":               "ID number and mobile",
		"user.personal.tip":           "For the labour payment sheet. Stored encrypted and shown in part only; finance and admins can see the full numbers, and each look is written to the audit log.",
		"user.personal.keep":          "Leave a number as it is to keep it; empty it to delete it.",
		"user.idNumber":               "Resident ID number",
		"user.idNumber.tip":           "18 characters, the last may be X; the check digit and birth date are checked",
		"user.mobile":                 "Mobile",
		"user.mobile.tip":             "11 digits starting 13–19",
		"user.none":                   "none",
		"user.save":                   "Save ID number and mobile",
		"user.saved":                  "Saved the ID number and mobile of %s.",
		"user.unchanged":              "Nothing changed; nothing to save.",
		"user.invalid":                "Not saved. Please correct the marked fields.",
		"user.conflict":               "Not saved: someone changed this user after you opened the page. Below is the current information; check it and save again.",
		"user.reveal":                 "Show the full numbers",
		"user.revealed":               "The full numbers are shown; this look is in the audit log.",
		"user.unavailable":            "Not saved: the server has no key for personal data, so ID numbers and mobiles cannot be stored. Ask your system administrator.",
		"users.personal.create":       "ID number and mobile (optional, for the labour payment sheet)",
		"field.idNumber.length":       "A resident ID number has 18 characters",
		"field.idNumber.chars":        "The first 17 characters must be digits, the last a digit or X",
		"field.idNumber.check_digit":  "The check digit does not match; check each digit",
		"field.idNumber.birth_date":   "The birth date in the number (characters 7–14) is not a real date",
		"field.idNumber.future_birth": "The birth date in the number is after today",
		"field.idNumber.invalid":      "The ID number is not valid",
		"field.mobile.pattern":        "A mobile has 11 digits starting 13–19",
	})
}
