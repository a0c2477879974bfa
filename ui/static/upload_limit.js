// upload_limit.js: a file input with data-max-bytes refuses a file over
// the limit before it is sent, with the page's own message
// (data-too-large, "%d" the limit in KB) shown next to the input.
(function () {
  "use strict";
  function check(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var out = document.getElementById(input.id + "-limit");
    var msg = "";
    if (max > 0 && input.files) {
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > max) {
          msg = (input.getAttribute("data-too-large") || "").replace("%d", String(Math.floor(max / 1024)));
        }
      }
    }
    input.setCustomValidity(msg);
    if (out) {
      out.textContent = msg;
      out.hidden = msg === "";
    }
    return msg === "";
  }
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches("input[type=file][data-max-bytes]")) {
      check(t);
    }
  });
  document.addEventListener("submit", function (ev) {
    var inputs = ev.target.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      if (!check(inputs[i])) {
        ev.preventDefault();
        inputs[i].focus();
        return;
      }
    }
  }, true);
})();
