package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/chromedp/chromedp"
)

// phoneStorage is what offline.js keeps in IndexedDB, as a thief who
// copied the database alone would read it.
type phoneStorage struct {
	Records, Devices, CryptoKeys int
	// Text is every string and byte array stored, decoded as UTF-8.
	Text string
	// WrappedImportable says a device's stored private key imports as a
	// key without unwrapping: it would be a usable key in clear.
	WrappedImportable bool
	// SessionKey says this tab holds the device's wrapping key.
	SessionKey bool
}

// readPhoneStorage dumps the offline database of the page's origin.
func readPhoneStorage(t *testing.T, ctx context.Context) phoneStorage {
	t.Helper()
	js := `(async function () {
		var db = await new Promise(function (ok, fail) { var r = indexedDB.open("canvass-offline"); r.onsuccess = function () { ok(r.result); }; r.onerror = function () { fail(r.error); }; });
		function all(name) {
			return new Promise(function (ok) {
				var st = db.transaction(name).objectStore(name);
				var v = st.getAll(), k = st.getAllKeys();
				k.onsuccess = function () { ok(k.result.map(function (key, i) { return [key, v.result[i]]; })); };
			});
		}
		var recs = await all("records"), meta = await all("meta");
		var out = {records: recs.length, devices: 0, cryptoKeys: 0, text: "", wrappedImportable: false,
			sessionKey: sessionStorage.getItem("canvass-offline-kek") !== null};
		function walk(v) {
			if (v instanceof CryptoKey) { out.cryptoKeys++; return; }
			if (v instanceof ArrayBuffer) { v = new Uint8Array(v); }
			if (v instanceof Uint8Array) { out.text += new TextDecoder().decode(v) + "\n"; return; }
			if (typeof v === "string") { out.text += v + "\n"; return; }
			if (v && typeof v === "object") { for (var k in v) { walk(v[k]); } }
		}
		walk(recs);
		walk(meta);
		for (var i = 0; i < meta.length; i++) {
			if (String(meta[i][0]).indexOf("device:") === 0) {
				out.devices++;
				try {
					await crypto.subtle.importKey("pkcs8", meta[i][1].wrapped, {name: "ECDH", namedCurve: "P-256"}, false, ["deriveKey"]);
					out.wrappedImportable = true;
				} catch (e) {}
			}
		}
		db.close();
		return out;
	})()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[phoneStorage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("read the phone's IndexedDB: %v", err)
	}
	return got
}

// checkNothingInClear fails when the phone's database holds any of the
// personal values in clear, or a key that opens them without the server.
func checkNothingInClear(t *testing.T, got phoneStorage, personal []string) {
	t.Helper()
	if got.Records == 0 || got.Devices != 1 {
		t.Errorf("the phone holds %d records and %d device keys, want some records and one device", got.Records, got.Devices)
	}
	if got.CryptoKeys != 0 {
		t.Errorf("IndexedDB holds %d CryptoKey objects: a key stored beside the data", got.CryptoKeys)
	}
	if got.WrappedImportable {
		t.Error("the stored private key imports without unwrapping: it is stored in clear")
	}
	for _, p := range personal {
		if strings.Contains(got.Text, p) {
			t.Errorf("IndexedDB holds %q in clear", p)
		}
	}
}

// checkDiskHasNone fails when a file under the profile's IndexedDB
// directory holds any of the personal values, as UTF-8 or as UTF-16
// (how the browser serialises two-byte strings).
func checkDiskHasNone(t *testing.T, profile string, personal []string) {
	t.Helper()
	dir := filepath.Join(profile, "Default", "IndexedDB")
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil // a lock file
		}
		files++
		for _, p := range personal {
			u16 := new(bytes.Buffer)
			for _, r := range utf16.Encode([]rune(p)) {
				u16.WriteByte(byte(r))
				u16.WriteByte(byte(r >> 8))
			}
			if bytes.Contains(b, []byte(p)) || bytes.Contains(b, u16.Bytes()) {
				t.Errorf("%s holds %q in clear", path, p)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Errorf("read the profile's IndexedDB files: %d files (%v)", files, err)
	}
}

// readRecordStamp returns when the phone last saved a record, and the IV
// of its answers: both change with every save.
func readRecordStamp(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	js := `(async function () {
		var db = await new Promise(function (ok, fail) { var r = indexedDB.open("canvass-offline"); r.onsuccess = function () { ok(r.result); }; r.onerror = function () { fail(r.error); }; });
		var rec = await new Promise(function (ok) { var q = db.transaction("records").objectStore("records").get(` + "`" + `ID` + "`" + `); q.onsuccess = function () { ok(q.result); }; });
		db.close();
		return rec ? rec.updatedAt + " " + Array.from(rec.answers ? rec.answers.iv : []).join(".") : "";
	})()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](strings.Replace(js, "ID", id, 1), chromedp.EvalAwaitPromise))
	if err != nil || got == "" {
		t.Fatalf("read record %s on the phone: %q (%v)", id, got, err)
	}
	return got
}

// waitSaved waits until the form page's answers typed so far are kept
// on the phone (the save runs a quarter-second after the last keystroke,
// then encrypts and writes).
func waitSaved(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`CanvassOffline.saved().then(function () { return true; })`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("wait for the local save: %v", err)
	}
}
