package ui

import (
	"maps"
	"slices"
)

// Offline field capture (issue #22): the messages of ui/static/offline.js,
// which gets them in the worker's language from the offline bundle and
// keeps them for use without a network.
var offlineZH = map[string]string{
	"offline.title":            "本机记录",
	"offline.intro":            "没有网络时填写的记录保存在本机，联网后点“同步”上传。",
	"offline.count":            "未同步 %d 条",
	"offline.none":             "本机没有未上传的记录。",
	"offline.sync":             "同步",
	"offline.syncing":          "正在同步…",
	"offline.synced.count":     "已上传 %d 条。",
	"offline.status.draft":     "填写中",
	"offline.status.unsent":    "未同步",
	"offline.status.synced":    "已同步",
	"offline.status.returned":  "被退回",
	"offline.status.conflict":  "冲突",
	"offline.resume":           "继续填写",
	"offline.fix":              "修改后重新提交",
	"offline.offline":          "现在没有网络：答案保存在本机，检查照常进行。",
	"offline.saved":            "已保存在本机（未同步）。联网后在首页点“同步”上传。",
	"offline.fix.errors":       "还有问题没有改正，请看标红的题目。",
	"offline.home":             "回到首页",
	"offline.signin":           "登录已过期。请重新登录，本机的记录不会丢失，登录后再点“同步”。",
	"offline.signin.link":      "重新登录",
	"offline.no.network":       "现在没有网络，联网后再同步。",
	"offline.closed":           "这个工作项目已经结束，不再接收记录。请联系上级。",
	"offline.invalid":          "服务器发现问题：%s 请打开记录改正后再同步。",
	"offline.conflict.explain": "同一条记录在服务器上已有另一个版本。请对照两个版本，联系上级决定保留哪一个。",
	"offline.conflict.mine":    "本机版本",
	"offline.conflict.server":  "服务器版本",
	"offline.conflict.field":   "题目",
	"offline.conflict.discard": "放弃本机版本",
	"offline.logout.unsent":    "本机还有 %d 条记录没有上传。退出登录会删除它们，确定要退出吗？",
	"offline.failed":           "同步失败（%s），稍后再试。",
	"offline.updated":          "更新于 %s",
	"offline.unavailable":      "这张表还没有下载到本机，请联网后打开首页一次。",
	"offline.yes":              "是",
	"offline.no":               "否",
	"offline.conflict.count":   "%d 条有冲突，请看下面的对照。",
	"offline.locked":           "本机记录已加密锁定：联网并重新登录后才能打开和上传。锁定时仍可填写新的记录，答案照常加密保存。",
	"offline.locked.record":    "这条记录已加密保存在本机，联网并重新登录后才能继续填写。现在可以先填写其他住户。",
	"offline.locked.note":      "已加密锁定，重新登录后可打开",
	"offline.nokey":            "本机还不能保存记录：请联网登录后打开首页一次，再离线填写。",
	"offline.other.user":       "这条记录是另一位用户在本机填写的，请该用户登录后同步。",
}

var offlineEN = map[string]string{
	"offline.title":            "Records on this device",
	"offline.intro":            "Records filled in without a network are kept on this device; press Sync when online to upload them.",
	"offline.count":            "%d not synced",
	"offline.none":             "No records are waiting on this device.",
	"offline.sync":             "Sync",
	"offline.syncing":          "Syncing…",
	"offline.synced.count":     "%d uploaded.",
	"offline.status.draft":     "In progress",
	"offline.status.unsent":    "Not synced",
	"offline.status.synced":    "Synced",
	"offline.status.returned":  "Returned",
	"offline.status.conflict":  "Conflict",
	"offline.resume":           "Continue",
	"offline.fix":              "Correct and resubmit",
	"offline.offline":          "No network now: answers are kept on this device and checked as usual.",
	"offline.saved":            "Saved on this device (not synced). Press Sync on the home page when online.",
	"offline.fix.errors":       "Some answers still need correcting: see the questions marked in red.",
	"offline.home":             "Back to the home page",
	"offline.signin":           "Your session has expired. Sign in again: the records on this device are kept; press Sync after signing in.",
	"offline.signin.link":      "Sign in again",
	"offline.no.network":       "No network now; sync when you are online.",
	"offline.closed":           "This campaign has closed and takes no more records. Ask your supervisor.",
	"offline.invalid":          "The server found a problem: %s Open the record, correct it and sync again.",
	"offline.conflict.explain": "The server already has another version of this record. Compare the two versions and ask your supervisor which to keep.",
	"offline.conflict.mine":    "This device",
	"offline.conflict.server":  "Server",
	"offline.conflict.field":   "Question",
	"offline.conflict.discard": "Discard this device's version",
	"offline.logout.unsent":    "%d records on this device are not uploaded yet. Signing out deletes them. Sign out anyway?",
	"offline.failed":           "Sync failed (%s); try again later.",
	"offline.updated":          "Updated %s",
	"offline.unavailable":      "This form is not on this device yet: open the home page once while online.",
	"offline.yes":              "Yes",
	"offline.no":               "No",
	"offline.conflict.count":   "%d in conflict: see the comparison below.",
	"offline.locked":           "The records on this device are locked (encrypted): go online and sign in again to open and upload them. You can still fill in new records meanwhile; they are saved encrypted.",
	"offline.locked.record":    "This record is saved encrypted on this device; go online and sign in again to continue it. You can fill in other households meanwhile.",
	"offline.locked.note":      "Locked (encrypted): sign in again to open",
	"offline.nokey":            "This device cannot keep records yet: open the home page once while online and signed in, then work offline.",
	"offline.other.user":       "Another user filled in this record on this device; that user must sign in to sync it.",
}

func init() {
	for k, v := range offlineZH {
		catalog[LangZH][k] = v
	}
	for k, v := range offlineEN {
		catalog[LangEN][k] = v
	}
}

// OfflineMessageKeys lists the keys the offline script uses, sorted.
func OfflineMessageKeys() []string {
	return slices.Sorted(maps.Keys(offlineZH))
}
