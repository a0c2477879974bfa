// The 源文件 editor works as a plain form. With this script the gutter's
// line numbers follow the text and its scrolling, the caret's line and
// column are shown, and the text is checked as the author types: 400 ms
// after the last key it is sent to /api/v1/studio/lint (nothing is
// saved) and the findings are listed below, each a link to its place.
(function () {
  "use strict";
  var form = document.getElementById("src-edit");
  var ta = document.getElementById("source");
  var gutter = document.getElementById("src-gutter");
  var list = document.getElementById("src-findings");
  var status = document.getElementById("src-lint-status");
  var pos = document.getElementById("src-pos");
  var text = document.getElementById("src-text");
  if (!form || !ta || !gutter || !list || !status || !text || !window.fetch) {
    return;
  }
  var say = function (key) { return text.getAttribute("data-" + key) || ""; };
  var fill = function (tpl) {
    var args = Array.prototype.slice.call(arguments, 1);
    return tpl.replace(/%d/g, function () { return String(args.length ? args.shift() : ""); });
  };
  var max = parseInt(form.getAttribute("data-max"), 10) || 0;

  var shown = 0;
  function numberLines() {
    var n = ta.value.split("\n").length;
    if (ta.value.endsWith("\n")) { n--; }
    n = Math.max(n, 1);
    if (n !== shown) {
      var out = [];
      for (var i = 1; i <= n; i++) { out.push(i); }
      gutter.textContent = out.join("\n") + "\n\n";
      shown = n;
    }
    gutter.scrollTop = ta.scrollTop;
  }
  function caret() {
    var before = ta.value.slice(0, ta.selectionStart).split("\n");
    if (pos) { pos.textContent = fill(say("pos"), before.length, before[before.length - 1].length + 1); }
  }
  function goTo(line, col) {
    var lines = ta.value.split("\n");
    line = Math.min(Math.max(line, 1), lines.length);
    var at = 0;
    for (var i = 0; i < line - 1; i++) { at += lines[i].length + 1; }
    at += Math.min(Math.max(col - 1, 0), lines[line - 1].length);
    ta.focus();
    ta.setSelectionRange(at, at);
    var lh = parseFloat(getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (line - 3) * lh);
    numberLines();
    caret();
  }

  function render(findings) {
    list.replaceChildren();
    findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = f.severity === "warning" ? "diag-warning" : "diag-error";
      var div = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = say(f.severity === "warning" ? "warning" : "error");
      var a = document.createElement("a");
      a.href = "#source";
      a.setAttribute("data-line", f.line || 1);
      a.setAttribute("data-col", f.col || 1);
      a.textContent = fill(say("line"), f.line || 1, f.col || 1);
      div.append(strong, " ", a, "：" + f.message);
      li.append(div);
      if (f.detail) {
        var det = document.createElement("details");
        det.className = "studio-detail";
        var sum = document.createElement("summary");
        sum.textContent = say("detail");
        var small = document.createElement("small");
        small.lang = "en";
        small.textContent = f.detail;
        det.append(sum, small);
        li.append(det);
      }
      if (f.snippet) {
        var pre = document.createElement("pre");
        pre.className = "snippet";
        pre.textContent = f.snippet;
        li.append(pre);
      }
      list.append(li);
    });
    if (findings.length) {
      ta.setAttribute("aria-invalid", "true");
      status.textContent = fill(say("found"), findings.length);
    } else {
      ta.removeAttribute("aria-invalid");
      status.textContent = say("clean");
    }
  }

  var timer = 0, seq = 0, pending = null;
  function lint() {
    var mine = ++seq;
    if (pending) { pending.abort(); }
    if (max && new TextEncoder().encode(ta.value).length > max) {
      list.replaceChildren();
      status.textContent = say("large");
      return;
    }
    pending = window.AbortController ? new AbortController() : null;
    status.textContent = say("checking");
    fetch(form.getAttribute("data-lint"), {
      method: "POST",
      credentials: "same-origin",
      signal: pending ? pending.signal : undefined,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": form.getAttribute("data-csrf"),
        "Accept-Language": form.getAttribute("data-lang") || "zh" },
      body: JSON.stringify({ kind: form.getAttribute("data-kind"), id: form.getAttribute("data-id"),
        filename: form.getAttribute("data-filename"), source: ta.value })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (mine !== seq) { return; }
      if (res.ok && res.body && Array.isArray(res.body.diagnostics)) {
        render(res.body.diagnostics);
      } else {
        list.replaceChildren();
        status.textContent = (res.body && res.body.error && res.body.error.message) || say("failed");
      }
    }).catch(function (err) {
      if (mine === seq && !(err && err.name === "AbortError")) { status.textContent = say("failed"); }
    });
  }

  ta.addEventListener("input", function () {
    numberLines();
    caret();
    clearTimeout(timer);
    timer = setTimeout(lint, 400);
  });
  ta.addEventListener("scroll", function () { gutter.scrollTop = ta.scrollTop; });
  ["keyup", "click", "focus", "select"].forEach(function (ev) { ta.addEventListener(ev, caret); });
  list.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-line]");
    if (!a) { return; }
    ev.preventDefault();
    goTo(parseInt(a.getAttribute("data-line"), 10) || 1, parseInt(a.getAttribute("data-col"), 10) || 1);
  });
  if (window.ResizeObserver) {
    new ResizeObserver(function () { gutter.scrollTop = ta.scrollTop; }).observe(ta);
  }
  numberLines();
})();
