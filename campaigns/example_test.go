package campaigns_test

import (
	"fmt"
	"time"

	"canvass/campaigns"
)

func Example() {
	src := []byte(`
id: census-trainers-2026
title: {zh: 人口普查培训报名, en: Census trainer sign-up}
forms: [trainer-signup]
workflow: signup-review
org_scope: "370102"
reference_time: 2026-12-06T00:00:00+08:00
opens: 2026-11-20
closes: 2026-12-20
schedule:
  - {name: weekly-recheck, cron: "0 17 * * 5", form: trainer-signup, for: trainer-signup, state: review}
budget:
  inputs: {planned: 200, days: 2}
  counts:
    signups: {form: trainer-signup, states: [accepted]}
  lines:
    - {key: materials, label: {zh: 资料费, en: Materials}, amount: "fen(5) * planned"}
    - {key: lunch, label: {zh: 午餐, en: Lunch}, amount: "fen(10) * days * signups"}
    - {key: water, label: {zh: 饮用水, en: Water}, amount: "fen(1) * planned * days * 2"}
    - {key: banner, label: {zh: 横幅, en: Banner}, amount: "fen(100)"}
`)
	c, diags := campaigns.Load("census.campaign.yaml", src)
	for _, d := range diags {
		fmt.Println(d)
	}
	fmt.Println(c.Title("en"), c.Opens(), c.Closes())
	fmt.Println(c.OpenAt(time.Date(2026, 12, 20, 15, 59, 0, 0, time.UTC)))
	fmt.Println(c.Schedule()[0].Next(c.RefTime()))

	lines, total, _ := c.Budget().Compute(map[string]int64{"signups": 190})
	for _, l := range lines {
		fmt.Printf("%-8s %7d  %s\n", l.Label.In("en"), l.AmountFen, l.Rule)
	}
	fmt.Printf("total %d.%02d yuan\n", total/100, total%100)
	// Output:
	// Census trainer sign-up 2026-11-19 16:00:00 +0000 UTC 2026-12-20 16:00:00 +0000 UTC
	// true
	// 2026-12-11 09:00:00 +0000 UTC
	// Materials  100000  fen(5) * planned
	// Lunch     380000  fen(10) * days * signups
	// Water      80000  fen(1) * planned * days * 2
	// Banner     10000  fen(100)
	// total 5700.00 yuan
}
