// "Select all" boxes of the work pages: a checkbox with class select-all
// ticks or clears every checkbox whose class is its data-target, and
// shows as mixed when only some are ticked. Without JavaScript each box
// is ticked by hand.
(function () {
  "use strict";
  function boxes(all) {
    return document.querySelectorAll("input[type=checkbox]." + all.getAttribute("data-target"));
  }
  function sync(all) {
    var list = boxes(all), on = 0;
    for (var i = 0; i < list.length; i++) {
      if (list[i].checked) { on++; }
    }
    all.checked = list.length > 0 && on === list.length;
    all.indeterminate = on > 0 && on < list.length;
  }
  document.addEventListener("change", function (event) {
    var t = event.target;
    if (!(t instanceof HTMLInputElement) || t.type !== "checkbox") { return; }
    if (t.classList.contains("select-all")) {
      var list = boxes(t);
      for (var i = 0; i < list.length; i++) { list[i].checked = t.checked; }
      return;
    }
    var alls = document.querySelectorAll("input.select-all");
    for (var j = 0; j < alls.length; j++) {
      if (t.classList.contains(alls[j].getAttribute("data-target"))) { sync(alls[j]); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var alls = document.querySelectorAll("input.select-all");
    for (var i = 0; i < alls.length; i++) { sync(alls[i]); }
  });
})();
