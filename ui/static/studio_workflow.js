// The 审核流程 tab works with plain form posts. With this script a save
// does not reload the page: the form is posted, the editor is replaced by
// the one the server answers with (its messages and errors included),
// and the diagram is fetched again from the server.
(function () {
  "use strict";
  var page = document.getElementById("wf-page");
  if (!page || !window.fetch || !window.DOMParser) {
    return;
  }
  function refreshDiagram() {
    var box = document.getElementById("wf-diagram");
    if (!box) {
      return Promise.resolve();
    }
    return fetch(page.getAttribute("data-diagram"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (svg) {
        if (svg) {
          var doc = new DOMParser().parseFromString(svg, "image/svg+xml");
          if (doc.documentElement && doc.documentElement.nodeName === "svg") {
            box.replaceChildren(document.importNode(doc.documentElement, true));
          }
        }
      });
  }
  page.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    ev.preventDefault();
    var focused = document.activeElement && document.activeElement.id;
    var body = new URLSearchParams(new FormData(form));
    page.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (html) { return { url: r.url, html: html }; });
      })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.html, "text/html");
        var fresh = doc.getElementById("wf-page");
        if (!fresh) {
          window.location.href = res.url || window.location.href;
          return;
        }
        page.replaceChildren.apply(page, Array.prototype.slice.call(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
        var flash = doc.querySelector("p.flash");
        var old = document.querySelector("p.flash");
        if (old) { old.remove(); }
        if (flash) { page.parentNode.insertBefore(document.importNode(flash, true), page); }
        var target = document.getElementById("wf-error") || (focused && document.getElementById(focused));
        if (target) { target.focus({ preventScroll: false }); }
        return refreshDiagram();
      })
      .catch(function () { form.submit(); })
      .finally(function () { page.removeAttribute("aria-busy"); });
  });
})();
