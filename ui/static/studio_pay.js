// The studio's 劳务报酬 tab, made a little quicker: every control works
// without this file (plain forms); with it, deleting asks first, the
// event's tip follows the choice, and the worked example follows the
// sample as it is typed, without leaving the page.
(function () {
  "use strict";
  document.querySelectorAll("form.pay-delete").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });
  var on = document.getElementById("item-on");
  var tip = document.getElementById("item-on-tip");
  if (on && tip) {
    on.addEventListener("change", function () {
      var opt = on.options[on.selectedIndex];
      tip.textContent = opt ? opt.dataset.tip || "" : "";
    });
  }
  var sample = document.getElementById("pay-sample");
  if (!sample || !window.fetch || !window.DOMParser) return;
  var timer = null, seq = 0;
  function refresh() {
    var q = new URLSearchParams(new FormData(sample)).toString();
    var url = sample.getAttribute("action").split("#")[0] + "?" + q;
    var mine = ++seq;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (!html || mine !== seq) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("pay-example");
      var cur = document.getElementById("pay-example");
      if (!fresh || !cur) return;
      // Keep the sample form (and the focus in it); replace what follows.
      var form = document.getElementById("pay-sample");
      while (form.nextSibling) form.parentNode.removeChild(form.nextSibling);
      var after = doc.getElementById("pay-sample");
      for (var n = after.nextSibling; n; n = n.nextSibling) form.parentNode.appendChild(document.importNode(n, true));
      if (window.history && history.replaceState) history.replaceState(null, "", url + "#pay-example");
    }).catch(function () { /* the button still works */ });
  }
  sample.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  sample.addEventListener("change", function () {
    clearTimeout(timer);
    refresh();
  });
})();
