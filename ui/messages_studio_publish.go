package ui

// The studio's 检查并发布 when the store refuses the publish (issue #16).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"studio.publish.warnings": "有 %d 处需要留意（不影响发布）：",
		"studio.publish.changed":  "检查之后，有人修改或单独发布了其中的草稿。为保证一并生效，这次一份也没有发布，所有草稿仍是草稿。请看下面重新检查的结果，再点“发布”。",
	})
	add(LangEN, map[string]string{
		"studio.publish.warnings": "Worth a look before publishing (%d; none of them keeps it from publishing):",
		"studio.publish.changed":  "Someone changed or published one of these drafts after the check. So that they go live together, none was published this time and every draft is still a draft. Look at the new check below and press Publish again.",
	})
}
