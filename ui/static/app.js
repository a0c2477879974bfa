// Canvass pages work without JavaScript; this file only smooths them.
// It is loaded from our own origin (the Content-Security-Policy allows no
// inline script) and uses no library.
(function () {
  "use strict";

  // A slow connection tempts people to press "submit" twice, which would
  // post the form twice. Disable a form's buttons once it is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].disabled = true;
      }
    }, 0);
  });

  // Coming back to a page from the browser's cache must not leave its
  // buttons disabled.
  window.addEventListener("pageshow", function () {
    var buttons = document.querySelectorAll("button[disabled]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = false;
    }
  });
})();
