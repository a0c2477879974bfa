package ui

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"
)

// Every message offline.js asks for is in both catalogs, and every
// offline message is used: the script gets only OfflineMessageKeys.
func TestOfflineMessages(t *testing.T) {
	src, err := fs.ReadFile(Static(), "offline.js")
	if err != nil {
		t.Fatal(err)
	}
	keys := OfflineMessageKeys()
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(offline\.[a-z]+(?:\.[a-z]+)*)"`).FindAllStringSubmatch(string(src), -1) {
		used[m[1]] = true
	}
	// Built from a status: offline.status.<draft|unsent|synced|returned|conflict>.
	for _, s := range []string{"draft", "unsent", "synced", "returned", "conflict"} {
		used["offline.status."+s] = true
	}
	for k := range used {
		if !slices.Contains(keys, k) {
			t.Errorf("offline.js uses %s, which is not an offline message", k)
		}
	}
	for _, k := range keys {
		if _, ok := offlineEN[k]; !ok {
			t.Errorf("%s has no English", k)
		}
		if !used[k] {
			t.Errorf("%s is not used by offline.js", k)
		}
	}
	if len(offlineEN) != len(offlineZH) {
		t.Errorf("%d English messages, %d Chinese", len(offlineEN), len(offlineZH))
	}
}
