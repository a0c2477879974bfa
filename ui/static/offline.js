// Offline field capture (docs/offline.md). Loaded on a field worker's
// pages, before form.js. It
//
//   - registers the service worker (sw.js) and, when online, fetches the
//     offline bundle (the forms of the worker's open campaigns, their
//     sources, the pages to keep, a fresh CSRF token, these messages) and
//     asks the worker to keep those pages;
//   - evaluates forms on the phone with the server's own forms.Evaluate,
//     compiled to WebAssembly (offline_wasm.js), whenever the server
//     cannot be asked (form.js calls CanvassOffline.evaluate);
//   - saves the answers of every record as they are typed, per record, in
//     IndexedDB, encrypted to a key pair whose private half is stored only
//     wrapped by a key the server gives a signed-in session (see "the
//     device key" below), and resumes them after a reload;
//   - queues a record submitted offline, and uploads the queue through the
//     idempotent submit (POST /api/v1/records with the record's own ID)
//     when the network returns or on 同步: the same ID and answers again is
//     a no-op on the server, so a retry never stores a record twice; the
//     same ID with other answers is a conflict, shown with both versions;
//   - shows, on the home page, every record on the device with its status
//     (填写中 / 未同步 / 已同步 / 被退回 / 冲突) and the count not synced;
//   - on sign-out, warns when records are not uploaded, then deletes the
//     database and the caches.
(function (global) {
  "use strict";

  var DB = "canvass-offline";
  var RECORDS = "records";
  var META = "meta";
  var SAVE_DELAY = 250;

  // ---- IndexedDB ---------------------------------------------------------

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      var open = global.indexedDB.open(DB, 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(RECORDS, { keyPath: "id" });
        open.result.createObjectStore(META);
      };
      dbPromise = request(open);
    }
    return dbPromise;
  }

  function store(name, mode) {
    return db().then(function (d) {
      return d.transaction(name, mode).objectStore(name);
    });
  }

  function getMeta(key) {
    return store(META, "readonly").then(function (s) { return request(s.get(key)); });
  }

  function putMeta(key, value) {
    return store(META, "readwrite").then(function (s) { return request(s.put(value, key)); });
  }

  function addMeta(key, value) {
    return store(META, "readwrite").then(function (s) { return request(s.add(value, key)); });
  }

  function getRecord(id) {
    return store(RECORDS, "readonly").then(function (s) { return request(s.get(id)); });
  }

  function putRecord(rec) {
    return store(RECORDS, "readwrite").then(function (s) { return request(s.put(rec)); });
  }

  function deleteRecord(id) {
    return store(RECORDS, "readwrite").then(function (s) { return request(s.delete(id)); });
  }

  function allRecords() {
    return store(RECORDS, "readonly").then(function (s) { return request(s.getAll()); });
  }

  // ---- the device key ------------------------------------------------------
  //
  // Answers hold personal data (names, ID numbers, phones), so they are
  // stored encrypted, and IndexedDB alone never holds what decrypts them.
  //
  //   - Each user on each phone has a key pair (ECDH P-256). Every save
  //     encrypts to its public key: a fresh ephemeral key agreement gives
  //     an AES-GCM 256 key for that one save (ECIES). Saving needs no
  //     secret, so answers are saved even while the records are locked.
  //   - The private key is stored only wrapped (AES-GCM) by a key the
  //     server hands to a signed-in session of that user:
  //     GET /api/v1/offline/key?device=<this phone's UUID>, an HMAC of a
  //     server secret over the user and the device. The same user and
  //     phone always get the same key, so records queued before a session
  //     expired open after signing in again; nobody else's session can.
  //   - While the tab lives, that key is kept in the tab's sessionStorage
  //     (a reload offline still opens the records); closing the browser
  //     forgets it. After a restart with no network, the records are
  //     locked: they are kept and new ones can be saved, but opening,
  //     resuming and uploading wait for a sign-in.
  //
  // IndexedDB keeps per user: the device ID, the public key, the wrapped
  // private key and its IV. Sign-out deletes all of it.

  var KEK_SLOT = "canvass-offline-kek";
  var unlocked = {}; // user ID → Promise of the private CryptoKey
  var publicKeys = {}; // user ID → Promise of the public CryptoKey

  function b64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return global.btoa(s);
  }

  function unb64(text) {
    var s = global.atob(text);
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) {
      out[i] = s.charCodeAt(i);
    }
    return out;
  }

  var subtle = global.crypto.subtle;
  var ECDH = { name: "ECDH", namedCurve: "P-256" };

  function deviceOf(user) {
    return getMeta("device:" + user);
  }

  // keptKEK returns the wrapping key of a device kept by this tab, if any.
  function keptKEK(device) {
    try {
      var kept = JSON.parse(global.sessionStorage.getItem(KEK_SLOT) || "null");
      return kept && kept.device === device ? kept.key : null;
    } catch (e) {
      return null;
    }
  }

  // fetchKEK asks the server for the device's wrapping key: null when it
  // cannot be asked (no network, no session).
  function fetchKEK(device) {
    return global.fetch("/api/v1/offline/key?device=" + encodeURIComponent(device), {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (k) {
      if (!k || !k.key) {
        return null;
      }
      try {
        global.sessionStorage.setItem(KEK_SLOT, JSON.stringify({ device: device, key: k.key }));
      } catch (e) {
        // a tab that cannot keep it asks again on the next page
      }
      return k.key;
    }, function () { return null; });
  }

  function importKEK(text) {
    return subtle.importKey("raw", unb64(text), { name: "AES-GCM" }, false, ["wrapKey", "unwrapKey"]);
  }

  // setupDevice makes the user's key pair on this phone, once, while
  // signed in and online; it answers the device record, or null.
  function setupDevice(user) {
    return deviceOf(user).then(function (dev) {
      if (dev) {
        return dev;
      }
      var id = global.crypto.randomUUID();
      return fetchKEK(id).then(function (kekText) {
        if (!kekText) {
          return null;
        }
        return Promise.all([importKEK(kekText), subtle.generateKey(ECDH, true, ["deriveKey"])]).then(function (made) {
          var iv = global.crypto.getRandomValues(new Uint8Array(12));
          return Promise.all([
            subtle.wrapKey("pkcs8", made[1].privateKey, made[0], { name: "AES-GCM", iv: iv }),
            subtle.exportKey("raw", made[1].publicKey)
          ]).then(function (parts) {
            var rec = { id: id, user: user, publicKey: new Uint8Array(parts[1]), wrapped: new Uint8Array(parts[0]), iv: iv };
            // add, not put: when two pages make a key pair at once, the
            // first one stored is the one every page uses.
            return addMeta("device:" + user, rec).then(function () { return rec; }, function () { return deviceOf(user); });
          });
        });
      });
    });
  }

  // unlock opens the user's private key: with the key this tab kept, else
  // by asking the server (online and signed in). It answers null while
  // the records are locked.
  function unlock(user) {
    return bundleLoaded.then(function () { return unlockNow(user); });
  }

  function unlockNow(user) {
    // Only the signed-in user's own records open: another user's, typed
    // on this phone before, stay sealed even if this tab kept their key.
    if (!user || user !== currentUser()) {
      return Promise.resolve(null);
    }
    if (!unlocked[user]) {
      unlocked[user] = deviceOf(user).then(function (dev) {
        if (!dev) {
          return null;
        }
        var kept = keptKEK(dev.id);
        return (kept ? Promise.resolve(kept) : fetchKEK(dev.id)).then(function (kekText) {
          if (!kekText) {
            return null;
          }
          return importKEK(kekText).then(function (kek) {
            return subtle.unwrapKey("pkcs8", dev.wrapped, kek, { name: "AES-GCM", iv: dev.iv }, ECDH, false, ["deriveKey"]);
          });
        });
      }).then(function (k) {
        if (!k) {
          delete unlocked[user]; // ask again later (after a sign-in)
        }
        return k;
      }, function () {
        delete unlocked[user];
        return null;
      });
    }
    return unlocked[user];
  }

  function publicKey(user) {
    if (!publicKeys[user]) {
      publicKeys[user] = deviceOf(user).then(function (dev) {
        return dev ? subtle.importKey("raw", dev.publicKey, ECDH, true, []) : null;
      });
      publicKeys[user].then(function (k) {
        if (!k) {
          delete publicKeys[user];
        }
      });
    }
    return publicKeys[user];
  }

  function currentUser() {
    return bundle ? bundle.user : "";
  }

  // seal encrypts value to the user's public key; it fails when this
  // phone has no key pair for the user yet (never signed in online).
  function seal(value, user) {
    var plain = new TextEncoder().encode(JSON.stringify(value));
    var iv = global.crypto.getRandomValues(new Uint8Array(12));
    return bundleLoaded.then(function () {
      user = user || currentUser();
      return publicKey(user);
    }).then(function (pub) {
      if (!pub) {
        throw new Error("nokey");
      }
      return subtle.generateKey(ECDH, false, ["deriveKey"]).then(function (eph) {
        return Promise.all([
          subtle.deriveKey({ name: "ECDH", public: pub }, eph.privateKey, { name: "AES-GCM", length: 256 }, false, ["encrypt"]),
          subtle.exportKey("raw", eph.publicKey)
        ]);
      });
    }).then(function (parts) {
      return subtle.encrypt({ name: "AES-GCM", iv: iv }, parts[0], plain).then(function (cipher) {
        return { user: user, epk: new Uint8Array(parts[1]), iv: iv, data: new Uint8Array(cipher) };
      });
    });
  }

  // open decrypts a box sealed by seal; it fails with "locked" while the
  // box's user has not unlocked this phone.
  function open(box) {
    if (!box) {
      return Promise.resolve(null);
    }
    if (!box.epk) {
      return openLegacy(box);
    }
    return unlock(box.user).then(function (priv) {
      if (!priv) {
        throw new Error("locked");
      }
      return subtle.importKey("raw", box.epk, ECDH, false, []).then(function (epk) {
        return subtle.deriveKey({ name: "ECDH", public: epk }, priv, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
      }).then(function (k) {
        return subtle.decrypt({ name: "AES-GCM", iv: box.iv }, k, box.data);
      });
    }).then(function (plain) {
      return JSON.parse(new TextDecoder().decode(plain));
    });
  }

  // openLegacy reads a record saved before the device key was wrapped
  // (a non-extractable AES-GCM key kept in IndexedDB as "key"), so that an
  // update leaves nothing unreadable; its next save or its upload leaves
  // the old format, and sign-out deletes the old key.
  function openLegacy(box) {
    return getMeta("key").then(function (k) {
      if (!k) {
        throw new Error("locked");
      }
      return subtle.decrypt({ name: "AES-GCM", iv: box.iv }, k, box.data);
    }).then(function (plain) {
      return JSON.parse(new TextDecoder().decode(plain));
    });
  }

  // canOpen answers whether the record's answers can be read now.
  function canOpen(rec) {
    if (!rec || !rec.answers) {
      return Promise.resolve(true);
    }
    if (!rec.answers.epk) {
      return getMeta("key").then(function (k) { return !!k; });
    }
    return unlock(rec.answers.user).then(function (k) { return !!k; });
  }

  // ---- the bundle and messages ------------------------------------------------

  var bundle = null;
  var bundleLoaded = getMeta("bundle").then(function (b) {
    bundle = b || null;
    return bundle;
  }, function () { return null; });

  // sameLanguage compares two language tags by their language: "en" and
  // "en-US" are one, "zh-CN" and "en" are not.
  function sameLanguage(a, b) {
    return String(a || "zh").slice(0, 2).toLowerCase() === String(b || "zh").slice(0, 2).toLowerCase();
  }

  function t(key) {
    var text = (bundle && bundle.messages && bundle.messages[key]) || key;
    for (var i = 1; i < arguments.length; i++) {
      text = text.replace(/%[ds]/, String(arguments[i]));
    }
    return text;
  }

  // refreshBundle fetches the bundle; it answers "signin" when the session
  // has expired, null when the server cannot be reached.
  function refreshBundle() {
    // The page's own language (?lang= is remembered in a cookie the API
    // does not read).
    var lang = document.documentElement.lang || "zh-CN";
    return global.fetch("/api/v1/offline/bundle?lang=" + encodeURIComponent(lang), { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      if (r.status === 401) {
        return "signin";
      }
      if (!r.ok) {
        return null;
      }
      return r.json().then(function (b) {
        bundle = b;
        return putMeta("bundle", b).then(function () { return b; });
      });
    }, function () { return null; });
  }

  function keepPages(b) {
    var sw = global.navigator.serviceWorker;
    if (!sw) {
      return Promise.resolve();
    }
    return sw.ready.then(function (reg) {
      return new Promise(function (done) {
        var listener = function (event) {
          if (event.data && event.data.type === "kept") {
            sw.removeEventListener("message", listener);
            done();
          }
        };
        sw.addEventListener("message", listener);
        reg.active.postMessage({ type: "keep", urls: b.pages.concat(["/offline/evaluator.wasm"]) });
      });
    });
  }

  function formOf(campaign, formID) {
    if (!bundle) {
      return null;
    }
    for (var i = 0; i < bundle.forms.length; i++) {
      var f = bundle.forms[i];
      if (f.campaign === campaign && f.form === formID) {
        return f;
      }
    }
    return null;
  }

  // formByEndpoint finds the form a page evaluates against: the same
  // address and the same version (none: the latest).
  var byEndpoint = { bundle: null, forms: {} };
  function formByEndpoint(endpoint) {
    if (!bundle) {
      return null;
    }
    // Asked after every keystroke: found once per bundle.
    if (byEndpoint.bundle !== bundle) {
      byEndpoint = { bundle: bundle, forms: {} };
    }
    if (!Object.prototype.hasOwnProperty.call(byEndpoint.forms, endpoint)) {
      byEndpoint.forms[endpoint] = findByEndpoint(endpoint);
    }
    return byEndpoint.forms[endpoint];
  }

  function findByEndpoint(endpoint) {
    var want = new URL(endpoint, global.location.origin);
    for (var i = 0; i < bundle.forms.length; i++) {
      var u = new URL(bundle.forms[i].evaluateUrl, global.location.origin);
      if (u.pathname === want.pathname && u.searchParams.get("version") === want.searchParams.get("version")) {
        return bundle.forms[i];
      }
    }
    return null;
  }

  // ---- the evaluator -------------------------------------------------------

  var evaluatorPromise = null;
  var loadedForms = {};
  function evaluator() {
    if (!evaluatorPromise) {
      evaluatorPromise = global.CanvassEvaluator.open("/offline/evaluator.wasm");
      evaluatorPromise.catch(function () { evaluatorPromise = null; });
    }
    return evaluatorPromise;
  }

  function formKey(f) {
    return f.campaign + "/" + f.form + "@" + f.version;
  }

  function evaluateForm(f, answers) {
    return evaluator().then(function (ev) {
      var key = formKey(f);
      if (!loadedForms[key]) {
        ev.load(key, f.source);
        loadedForms[key] = true;
      }
      return ev.evaluate(key, answers, {
        refTime: f.refTime,
        submittedAt: new Date().toISOString(),
        lang: (bundle && bundle.lang) || document.documentElement.lang
      });
    });
  }

  // ---- the form page ---------------------------------------------------------

  function newFormMatch() {
    return /^\/campaigns\/([^/]+)\/forms\/([^/]+)\/new$/.exec(global.location.pathname);
  }

  function banner(text, link, href) {
    var main = document.getElementById("main");
    var p = document.getElementById("offline-banner");
    if (!p) {
      p = document.createElement("p");
      p.id = "offline-banner";
      p.className = "banner offline-banner";
      p.setAttribute("role", "status");
      main.insertBefore(p, main.firstChild);
    }
    p.textContent = text + (link ? " " : "");
    if (link) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = link;
      p.appendChild(a);
    }
    return p;
  }

  // restore puts saved answers back into the page's controls, adding
  // repeat rows first (form.js adds a row on a click of [data-add]).
  function restore(form, answers) {
    function rows(scope, obj, prefix) {
      Object.keys(obj || {}).forEach(function (key) {
        var v = obj[key];
        var path = prefix.concat([key]);
        if (Array.isArray(v) && v.length && typeof v[0] === "object" && v[0] !== null) {
          var group = form.querySelector('[data-kind=repeat][data-pointer="/' + path.join("/") + '"]');
          if (group) {
            var add = group.querySelector("[data-add]");
            var have = group.querySelectorAll("[data-rows] > [data-row]").length;
            for (var i = have; i < v.length && add; i++) {
              add.click();
            }
          }
          v.forEach(function (row, i) { rows(form, row, path.concat([String(i)])); });
        } else if (v && typeof v === "object" && !Array.isArray(v)) {
          rows(form, v, path);
        } else {
          var name = path.join(".");
          var controls = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
          var values = Array.isArray(v) ? v.map(String) : [String(v)];
          for (var c = 0; c < controls.length; c++) {
            var el = controls[c];
            if (el.type === "radio" || el.type === "checkbox") {
              el.checked = values.indexOf(el.value) >= 0;
            } else {
              el.value = String(v);
            }
          }
        }
      });
    }
    rows(form, answers, []);
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // setupForm makes a form page work offline: a new record
  // (/campaigns/…/forms/…/new) or a returned one being corrected
  // (/records/:id/edit).
  function setupForm() {
    var m = newFormMatch();
    var edit = /^\/records\/([^/]+)\/edit$/.exec(global.location.pathname);
    var form = document.querySelector("form[data-evaluate]");
    if ((!m && !edit) || !form || form.hasAttribute("data-preview")) {
      return;
    }
    var endpoint = form.getAttribute("data-evaluate");
    var parts = /\/campaigns\/([^/]+)\/forms\/([^/]+)\/evaluate/.exec(endpoint) || [];
    var campaign = decodeURIComponent(parts[1] || "");
    var formID = decodeURIComponent(parts[2] || "");
    var idInput = form.querySelector('input[name="_id"]');
    var versionInput = form.querySelector('input[name="_version"]');
    var hash = /#local=([0-9a-f-]{36})$/.exec(global.location.hash);
    var id;
    if (edit) {
      id = decodeURIComponent(edit[1]);
    } else {
      // A page kept by the service worker carries the ID of the visit
      // that kept it: every record started on the phone gets its own.
      id = hash ? hash[1] : global.crypto.randomUUID();
      if (idInput) {
        idInput.value = id;
      }
      global.history.replaceState(null, "", global.location.pathname + global.location.search + "#local=" + id);
    }
    var title = (document.querySelector("h1") || {}).textContent || formID;
    var timer = null;
    // A returned record shows personal data masked (吴**); left as it is,
    // the server keeps the stored value. The phone cannot check what it
    // cannot see, so errors on a masked answer left unchanged are the
    // server's to judge.
    var masked = {};
    if (edit && form.canvassAnswers) {
      var before = flatten(form.canvassAnswers(), "", {}, { choices: {} });
      Object.keys(before).forEach(function (k) {
        if (before[k].indexOf("*") >= 0) {
          masked["/" + k.split(".").join("/")] = before[k];
        }
      });
    }
    function checkable(state) {
      var now = flatten(form.canvassAnswers(), "", {}, { choices: {} });
      state.errors = state.errors.filter(function (e) {
        var k = e.pointer.slice(1).split("/").join(".");
        return !(masked[e.pointer] !== undefined && now[k] === masked[e.pointer]);
      });
      return state;
    }

    // save keeps the page's answers as the record's, encrypted; it
    // answers "saved", "kept" (uploaded or in conflict: typing here
    // changes nothing stored), "locked" (the stored answers cannot be
    // read now, so they are not overwritten with a half-empty page) or
    // "nokey" (this phone has no key yet).
    function save(status) {
      var answers = form.canvassAnswers ? form.canvassAnswers() : {};
      var f = formByEndpoint(endpoint);
      return getRecord(id).then(function (old) {
        if (old && (old.status === "synced" || old.status === "conflict") && status === "draft") {
          return "kept";
        }
        return canOpen(old).then(function (ok) {
          if (!ok) {
            banner(t("offline.locked.record"), t("offline.home"), "/");
            return "locked";
          }
          return seal(answers).then(function (box) {
            return putRecord({
              id: id, campaign: campaign, form: formID, version: f ? f.version : 0, title: title,
              kind: edit ? "resubmit" : "new",
              recordVersion: versionInput ? Number(versionInput.value) : 0,
              url: edit ? global.location.pathname : global.location.pathname + "#local=" + id,
              status: status, updatedAt: new Date().toISOString(), answers: box, note: ""
            }).then(function () { return "saved"; });
          }, function () {
            banner(t("offline.nokey"));
            return "nokey";
          });
        });
      });
    }

    if (hash || edit) {
      getRecord(id).then(function (rec) {
        if (rec && rec.answers && rec.status !== "synced") {
          return open(rec.answers).then(function (answers) { restore(form, answers); }, function () {
            banner(t("offline.locked.record"), t("offline.home"), "/");
          });
        }
      });
    }

    // Saves run one after another, so the last answers typed are the
    // ones kept; a page being left saves at once.
    var saving = Promise.resolve();
    var enqueue = function (status) {
      var p = saving.then(function () { return save(status); });
      saving = p.catch(function () {});
      return p;
    };
    var queueSave = function () {
      timer = null;
      return enqueue("draft");
    };
    var edited = function () {
      global.clearTimeout(timer);
      timer = global.setTimeout(queueSave, SAVE_DELAY);
    };
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    global.addEventListener("pagehide", function () {
      if (timer) {
        global.clearTimeout(timer);
        queueSave();
      }
    });
    pendingSaves = function () {
      return timer ? new Promise(function (done) { global.setTimeout(done, 50); }).then(pendingSaves) : saving;
    };

    if (!global.navigator.onLine) {
      bundleLoaded.then(function () { banner(t("offline.offline")); });
    }

    // Offline, 提交 and 检查 run on the phone: a valid submission is queued
    // (未同步), an invalid one shows every error beside its field.
    form.addEventListener("submit", function (event) {
      if (global.navigator.onLine) {
        global.clearTimeout(timer);
        return; // the server stores it; its receipt page clears the local copy
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var action = event.submitter ? event.submitter.value : "check";
      global.clearTimeout(timer);
      var f = formByEndpoint(endpoint);
      if (!f) {
        banner(t("offline.unavailable"));
        return;
      }
      evaluateForm(f, form.canvassAnswers()).then(checkable).then(function (state) {
        if (action === "draft") {
          return enqueue("draft").then(function (outcome) {
            if (outcome === "saved") {
              banner(t("offline.saved"), t("offline.home"), "/");
            }
          });
        }
        form.canvassShow(state);
        if (state.errors.length) {
          banner(t("offline.fix.errors"));
          var first = form.querySelector("[aria-invalid=true]");
          if (first && first.focus) {
            first.focus();
          }
          return null;
        }
        if (action !== "submit") {
          return null;
        }
        return enqueue("unsent").then(function (outcome) {
          if (outcome !== "saved") {
            return;
          }
          banner(t("offline.saved"), t("offline.home"), "/");
          var buttons = form.querySelectorAll("button[type=submit]");
          for (var i = 0; i < buttons.length; i++) {
            buttons[i].disabled = true;
          }
        });
      });
    }, true);
  }

  // A receipt is the server's word that a record is stored: its local
  // copy goes.
  function setupReceipt() {
    var m = /^\/records\/([^/]+)\/receipt$/.exec(global.location.pathname);
    if (m) {
      deleteRecord(decodeURIComponent(m[1]));
    }
  }

  // ---- sync ------------------------------------------------------------------

  var syncing = null;

  function readError(r) {
    return r.json().then(function (b) { return (b && b.error) || {}; }, function () { return {}; });
  }

  function uploadOne(rec, csrf) {
    return open(rec.answers).then(function (answers) {
      // A new record goes through the idempotent submit; a returned one
      // is resubmitted at the version the worker corrected, so a record
      // changed on the server meanwhile is a conflict, not overwritten.
      var resubmit = rec.kind === "resubmit";
      return global.fetch(resubmit ? "/api/v1/records/" + encodeURIComponent(rec.id) + "/actions" : "/api/v1/records", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(resubmit ?
          { action: "submit", version: rec.recordVersion, answers: answers } :
          { id: rec.id, campaign: rec.campaign, form: rec.form, answers: answers })
      }).then(function (r) {
        if (r.ok) {
          // Stored (201) or stored before (200, replayed): the answers
          // leave the device, the line stays as 已同步.
          rec.status = "synced";
          rec.answers = null;
          rec.server = null;
          rec.note = "";
          return putRecord(rec).then(function () { return "synced"; });
        }
        if (r.status === 401) {
          return "signin";
        }
        return readError(r).then(function (e) {
          if (e.code === "conflict") {
            return global.fetch("/api/v1/records/" + encodeURIComponent(rec.id), { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (g) {
              return g.ok ? g.json() : null;
            }).then(function (server) {
              return seal(server ? server.answers : {}, rec.answers.user);
            }).then(function (box) {
              rec.status = "conflict";
              rec.server = box;
              rec.note = t("offline.conflict.explain");
              return putRecord(rec).then(function () { return "conflict"; });
            });
          }
          if (e.code === "invalid") {
            rec.status = "returned";
            rec.note = t("offline.invalid", (e.fields || []).map(function (f) { return f.message; }).join("；") || e.message || "");
          } else if (e.code === "closed") {
            rec.note = t("offline.closed");
          } else {
            rec.note = t("offline.failed", r.status);
          }
          return putRecord(rec).then(function () { return e.code || "failed"; });
        });
      });
    }, function () {
      // Locked: typed by another user on this phone, or the server did
      // not give this phone's key. It stays queued.
      rec.note = rec.answers && rec.answers.user !== currentUser() ? t("offline.other.user") : t("offline.locked.note");
      return putRecord(rec).then(function () { return "locked"; });
    });
  }

  function sync() {
    if (syncing) {
      return syncing;
    }
    if (!global.navigator.onLine) {
      say(t("offline.no.network"));
      return Promise.resolve();
    }
    say(t("offline.syncing"));
    syncing = refreshBundle().then(function (b) {
      if (b === "signin") {
        return "signin";
      }
      if (!b) {
        return "offline";
      }
      return setupDevice(b.user).then(function () {
        return unlock(b.user);
      }).then(function () {
        return allRecords();
      }).then(function (recs) {
        var queue = recs.filter(function (r) { return r.status === "unsent"; });
        var done = 0;
        var conflicts = 0;
        var chain = Promise.resolve();
        var stop = null;
        queue.forEach(function (rec) {
          chain = chain.then(function () {
            if (stop) {
              return null;
            }
            return uploadOne(rec, b.csrf).then(function (outcome) {
              if (outcome === "synced") {
                done++;
              } else if (outcome === "conflict") {
                conflicts++;
              } else if (outcome === "signin") {
                stop = "signin";
              }
            });
          });
        });
        return chain.then(function () { return stop || { done: done, conflicts: conflicts }; });
      });
    }).then(function (outcome) {
      syncing = null;
      if (outcome === "signin") {
        say(t("offline.signin"), t("offline.signin.link"), "/login?next=%2F");
      } else if (outcome === "offline") {
        say(t("offline.no.network"));
      } else {
        say(t("offline.synced.count", outcome.done) + (outcome.conflicts ? " " + t("offline.conflict.count", outcome.conflicts) : ""));
      }
      return render();
    }, function (err) {
      syncing = null;
      say(t("offline.failed", String(err)));
    });
    return syncing;
  }

  // ---- the home page --------------------------------------------------------------

  var panel = null;

  function say(text, link, href) {
    var p = panel && panel.querySelector("[data-offline-say]");
    if (!p) {
      return;
    }
    p.textContent = text + (link ? " " : "");
    if (link) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = link;
      p.appendChild(a);
    }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  // labels maps each answer path of a form's source to its Chinese or
  // English label, so a conflict names questions, not keys.
  function labels(f) {
    var out = { choices: {} };
    var lang = (bundle && bundle.lang) || "zh-CN";
    function walk(schema, prefix) {
      var props = (schema && schema.properties) || {};
      Object.keys(props).forEach(function (k) {
        var p = props[k];
        var l = p["x-label"] || {};
        out[prefix + k] = (lang.indexOf("en") === 0 ? l.en : l.zh) || l.zh || p.title || k;
        var choices = p["x-choices"] || [];
        if (choices.length) {
          var names = {};
          choices.forEach(function (c) {
            var cl = c.label || {};
            names[String(c.value)] = (lang.indexOf("en") === 0 ? cl.en : cl.zh) || cl.zh || String(c.value);
          });
          out.choices[prefix + k] = names;
        }
        if (p.type === "object") {
          walk(p, prefix + k + ".");
        } else if (p.type === "array" && p.items && p.items.type === "object") {
          walk(p.items, prefix + k + ".");
        }
      });
    }
    try {
      walk(JSON.parse(f.source), "");
    } catch (e) {
      // a form we cannot read: keys it is
    }
    return out;
  }

  // flatten lists an answer tree as path → the text a person reads:
  // choices by their labels, yes/no in words.
  function flatten(obj, prefix, out, names) {
    Object.keys(obj || {}).forEach(function (k) {
      var v = obj[k];
      var plain = (prefix + k).replace(/\.\d+\./g, ".");
      var choice = function (x) {
        var c = names.choices[plain];
        if (c && Object.prototype.hasOwnProperty.call(c, String(x))) {
          return c[String(x)];
        }
        if (x === true || x === false) {
          return t(x ? "offline.yes" : "offline.no");
        }
        return String(x);
      };
      if (Array.isArray(v) && !v.length) {
        return;
      }
      if (Array.isArray(v) && typeof v[0] === "object") {
        v.forEach(function (row, i) { flatten(row, prefix + k + "." + i + ".", out, names); });
      } else if (v && typeof v === "object" && !Array.isArray(v)) {
        flatten(v, prefix + k + ".", out, names);
      } else {
        out[prefix + k] = Array.isArray(v) ? v.map(choice).join("、") : choice(v);
      }
    });
    return out;
  }

  function conflictTable(rec) {
    return Promise.all([open(rec.answers), open(rec.server)]).then(function (pair) {
      var f = formOf(rec.campaign, rec.form);
      var names = f ? labels(f) : { choices: {} };
      var mine = flatten(pair[0], "", {}, names);
      var theirs = flatten(pair[1], "", {}, names);
      var table = el("table", "offline-conflict");
      var head = el("tr");
      head.appendChild(el("th", "", t("offline.conflict.field")));
      head.appendChild(el("th", "", t("offline.conflict.mine")));
      head.appendChild(el("th", "", t("offline.conflict.server")));
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      var keys = Object.keys(mine).concat(Object.keys(theirs).filter(function (k) { return !(k in mine); }));
      keys.forEach(function (k) {
        var tr = el("tr");
        if (mine[k] !== theirs[k]) {
          tr.className = "differs";
        }
        var plain = k.replace(/\.\d+\./g, ".");
        var rowNo = /\.(\d+)\./.exec(k);
        tr.appendChild(el("th", "", (names[plain] || k) + (rowNo ? " #" + (Number(rowNo[1]) + 1) : "")));
        tr.appendChild(el("td", "", mine[k] === undefined ? "—" : mine[k]));
        tr.appendChild(el("td", "", theirs[k] === undefined ? "—" : theirs[k]));
        body.appendChild(tr);
      });
      return table;
    });
  }

  function render() {
    if (!panel) {
      return Promise.resolve();
    }
    return allRecords().then(function (recs) {
      recs.sort(function (a, b) { return a.updatedAt < b.updatedAt ? 1 : -1; });
      var pending = recs.filter(function (r) { return r.status === "unsent"; }).length;
      panel.querySelector("[data-offline-count]").textContent = t("offline.count", pending);
      var list = panel.querySelector("[data-offline-list]");
      list.textContent = "";
      if (!recs.length) {
        list.appendChild(el("li", "muted", t("offline.none")));
      }
      // Records returned for correction that the phone has not touched
      // yet are listed too, from the bundle.
      var local = {};
      recs.forEach(function (r) { local[r.id] = true; });
      ((bundle && bundle.returned) || []).forEach(function (r) {
        if (!local[r.id]) {
          var f = formOf(r.campaign, r.form);
          recs.push({ id: r.id, title: f ? f.title : r.form, status: "returned", kind: "resubmit", url: r.editUrl, note: "" });
        }
      });
      var tables = [];
      var locked = 0;
      recs.forEach(function (rec) {
        // A returned record being corrected stays 被退回 until resubmitted.
        var status = rec.status === "draft" && rec.kind === "resubmit" ? "returned" : rec.status;
        var li = el("li", "offline-record");
        li.setAttribute("data-record", rec.id);
        li.setAttribute("data-status", status);
        li.appendChild(el("strong", "", rec.title));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "status status-" + status, t("offline.status." + status)));
        if (rec.updatedAt) {
          li.appendChild(el("span", "muted", " " + t("offline.updated", new Date(rec.updatedAt).toLocaleString(document.documentElement.lang || "zh-CN"))));
        }
        if (status === "draft" || status === "returned") {
          var a = el("a", "", " " + t(status === "draft" ? "offline.resume" : "offline.fix"));
          a.href = rec.url;
          li.appendChild(a);
        }
        if (rec.note) {
          li.appendChild(el("p", "note", rec.note));
        }
        if (rec.answers) {
          tables.push(canOpen(rec).then(function (ok) {
            if (!ok) {
              li.setAttribute("data-locked", "");
              li.appendChild(el("p", "note", rec.answers.user !== currentUser() ? t("offline.other.user") : t("offline.locked.note")));
              locked++;
            }
          }));
        }
        if (rec.status === "conflict") {
          tables.push(conflictTable(rec).then(function (table) {
            li.appendChild(table);
            var discard = el("button", "", t("offline.conflict.discard"));
            discard.type = "button";
            discard.addEventListener("click", function () {
              deleteRecord(rec.id).then(render);
            });
            li.appendChild(discard);
          }, function () {
            // locked: the comparison waits for a sign-in
          }));
        }
        list.appendChild(li);
      });
      return Promise.all(tables).then(function () {
        var lockedNote = panel.querySelector("[data-offline-locked]");
        lockedNote.hidden = locked === 0;
        lockedNote.textContent = locked ? t("offline.locked") : "";
      });
    });
  }

  function setupHome() {
    if (global.location.pathname !== "/") {
      return;
    }
    var main = document.getElementById("main");
    var h1 = main && main.querySelector("h1");
    if (!h1) {
      return;
    }
    panel = el("section", "offline-panel");
    panel.setAttribute("aria-labelledby", "offline-title");
    var h2 = el("h2", "", t("offline.title"));
    h2.id = "offline-title";
    panel.appendChild(h2);
    panel.appendChild(el("p", "muted", t("offline.intro")));
    var bar = el("p", "actions");
    var count = el("strong", "offline-count");
    count.setAttribute("data-offline-count", "");
    bar.appendChild(count);
    bar.appendChild(document.createTextNode(" "));
    var button = el("button", "primary", t("offline.sync"));
    button.type = "button";
    button.setAttribute("data-offline-sync", "");
    button.addEventListener("click", function () { sync(); });
    bar.appendChild(button);
    panel.appendChild(bar);
    var note = el("p", "offline-say");
    note.setAttribute("data-offline-say", "");
    note.setAttribute("role", "status");
    panel.appendChild(note);
    var lockedNote = el("p", "banner offline-locked");
    lockedNote.setAttribute("data-offline-locked", "");
    lockedNote.hidden = true;
    panel.appendChild(lockedNote);
    var list = el("ul", "offline-records");
    list.setAttribute("data-offline-list", "");
    panel.appendChild(list);
    h1.parentNode.insertBefore(panel, h1.nextSibling);
    render();
  }

  // ---- sign-out ---------------------------------------------------------------------

  function wipe() {
    var closing = dbPromise ? dbPromise.then(function (d) { d.close(); }) : Promise.resolve();
    return closing.then(function () {
      dbPromise = null;
      unlocked = {};
      publicKeys = {};
      try {
        global.sessionStorage.removeItem(KEK_SLOT);
      } catch (e) {
        // nothing kept
      }
      return request(global.indexedDB.deleteDatabase(DB)).catch(function () {});
    }).then(function () {
      if (!global.caches) {
        return null;
      }
      return global.caches.keys().then(function (names) {
        return Promise.all(names.map(function (n) { return global.caches.delete(n); }));
      });
    });
  }

  function setupLogout() {
    var form = document.querySelector("form.logout");
    if (!form) {
      return;
    }
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) {
        return;
      }
      event.preventDefault();
      allRecords().then(function (recs) {
        var unsent = recs.filter(function (r) { return r.status !== "synced"; }).length;
        if (unsent && !global.confirm(t("offline.logout.unsent", unsent))) {
          return;
        }
        return wipe().then(function () {
          confirmed = true;
          form.submit();
        });
      }, function () {
        confirmed = true;
        form.submit();
      });
    });
  }

  // ---- start -----------------------------------------------------------------------

  var ready = bundleLoaded.then(function () {
    if (global.navigator.serviceWorker) {
      global.navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
    if (!global.navigator.onLine) {
      return null;
    }
    return refreshBundle().then(function (b) {
      if (b && b !== "signin") {
        return Promise.all([keepPages(b), setupDevice(b.user).then(function () { return unlock(b.user); })]);
      }
      return null;
    });
  });

  // pendingSaves answers when the form page's answers typed so far are
  // in IndexedDB (setupForm replaces it).
  var pendingSaves = function () { return Promise.resolve(); };

  global.CanvassOffline = {
    saved: function () { return pendingSaves(); },
    evaluate: function (endpoint, answers) {
      return bundleLoaded.then(function () {
        var f = formByEndpoint(endpoint);
        return f ? evaluateForm(f, answers) : null;
      });
    },
    sync: sync,
    ready: ready
  };

  function start() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/static/offline.css";
    document.head.appendChild(css);
    setupForm();
    setupReceipt();
    // The home panel speaks the bundle's messages: the kept one, or on a
    // first visit — or when the kept one is in another language than the
    // page (the worker switched to English) and the server can be asked —
    // the one being fetched.
    bundleLoaded.then(function (b) {
      if (b && (!global.navigator.onLine || sameLanguage(b.lang, document.documentElement.lang))) {
        return b;
      }
      return ready;
    }).then(setupHome);
    setupLogout();
    global.addEventListener("online", function () {
      if (panel) {
        sync();
      }
    });
    ready.then(function () {
      return bundleLoaded;
    }).then(function () {
      document.documentElement.setAttribute("data-offline-ready", "true");
      if (panel) {
        render();
        if (global.navigator.onLine) {
          sync();
        }
      }
    });
  }

  // After form.js (deferred later in the page) has run.
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})(window);
