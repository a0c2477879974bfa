// The form designer. Each control sends one operation to the designer API
// (data-api); on success the page loads again showing the saved draft, so
// the preview beside it is always the real renderer's. A 422 puts each
// message next to the control its pointer names; a 409 keeps what the
// author typed and says who saved meanwhile.
(function () {
  "use strict";

  var root = document.getElementById("designer");
  if (!root) {
    return;
  }
  var api = root.getAttribute("data-api");
  var page = root.getAttribute("data-page");
  var csrf = root.getAttribute("data-csrf");
  var campaign = root.getAttribute("data-campaign") || "";
  var selected = root.getAttribute("data-selected") || "";
  var base = { version: Number(root.getAttribute("data-version")), checksum: root.getAttribute("data-checksum") };
  var panel = document.getElementById("field-panel");
  var state = JSON.parse(root.getAttribute("data-state"));

  function clearErrors() {
    var slots = document.querySelectorAll("[data-error-slot]");
    for (var i = 0; i < slots.length; i++) {
      slots[i].textContent = "";
    }
    document.getElementById("designer-error").hidden = true;
  }

  // showErrors puts each problem in the slot whose pointer is the longest
  // prefix of the problem's; the rest go to the banner.
  function showErrors(err, fallbackSlot, onlyFallback) {
    var slots = document.querySelectorAll("[data-error-slot]");
    var rest = [];
    var fields = err.fields || [{ pointer: "", message: err.message }];
    fields.forEach(function (f) {
      if (f.code === "form_invalid" && fields.length > 1) {
        return;
      }
      var best = null;
      var bestLen = -1;
      for (var i = 0; i < slots.length && !onlyFallback; i++) {
        var s = slots[i].getAttribute("data-error-slot");
        if (s && (f.pointer === s || f.pointer.indexOf(s + "/") === 0) && s.length > bestLen) {
          best = slots[i];
          bestLen = s.length;
        }
      }
      if (!best && fallbackSlot) {
        best = document.querySelector('[data-error-slot="' + fallbackSlot + '"]');
      }
      if (best) {
        best.textContent = (best.textContent ? best.textContent + "；" : "") + f.message;
      } else {
        rest.push(f.message);
      }
    });
    if (rest.length) {
      var banner = document.getElementById("designer-error");
      banner.textContent = rest.join("；");
      banner.hidden = false;
    }
    // Take the author to the first problem, its control focused.
    var first = null;
    for (var j = 0; j < slots.length && !first; j++) {
      if (slots[j].textContent) {
        first = slots[j];
      }
    }
    if (!first && rest.length) {
      first = document.getElementById("designer-error");
    }
    if (first) {
      first.scrollIntoView({ block: "center" });
      var holder = first.closest("div, li, fieldset");
      var control = holder && holder.querySelector("input, select, textarea");
      if (control) {
        control.focus({ preventScroll: true });
      }
    }
  }

  // describeChanges says what the other author changed: the fields added,
  // removed and renamed between the outline this page shows and now.
  function flatten(outline, into) {
    outline.forEach(function (f) {
      into[f.key] = f.label;
      flatten(f.children || [], into);
    });
    return into;
  }
  function describeChanges(before, after) {
    var out = document.getElementById("designer-conflict-changes");
    var a = flatten(before, {});
    var b = flatten(after, {});
    var added = [], removed = [], renamed = [];
    Object.keys(b).forEach(function (k) {
      if (!(k in a)) {
        added.push(b[k]);
      } else if (a[k] !== b[k]) {
        renamed.push(a[k] + " → " + b[k]);
      }
    });
    Object.keys(a).forEach(function (k) {
      if (!(k in b)) {
        removed.push(a[k]);
      }
    });
    var parts = [];
    if (added.length) {
      parts.push(out.getAttribute("data-added") + added.join("、"));
    }
    if (removed.length) {
      parts.push(out.getAttribute("data-removed") + removed.join("、"));
    }
    if (renamed.length) {
      parts.push(out.getAttribute("data-renamed") + renamed.join("、"));
    }
    out.textContent = parts.join("；");
  }

  function send(op, fallbackSlot, onReferenced) {
    op.base = base;
    if (campaign) {
      op.campaign = campaign;
    }
    clearErrors();
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(op)
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.ok) {
          var q = body.selected ? "?field=" + encodeURIComponent(body.selected) : "";
          window.location.assign(page + q);
          return;
        }
        if (res.status === 409) {
          document.getElementById("designer-conflict-text").textContent = body.error.message;
          describeChanges(state.outline || [], body.state.outline || []);
          document.getElementById("designer-conflict").hidden = false;
          document.getElementById("designer-conflict").scrollIntoView({ block: "center" });
          base = body.state.base;
          var keepSpec = state.spec;
          state = body.state;
          state.spec = state.spec || keepSpec;
          return;
        }
        var err = body.error || {};
        var refs = (err.fields || []).filter(function (f) { return f.code === "field_referenced"; });
        if (onReferenced && refs.length) {
          onReferenced(refs);
          return;
        }
        showErrors(err, fallbackSlot, fallbackSlot === "add");
      });
    }).catch(function () {
      showErrors({ message: document.documentElement.lang === "en" ? "Saving failed; try again later." : "保存失败，请稍后再试。" });
    });
  }

  // The field being edited stays in sight in the outline.
  // On a narrow screen the columns stack: go to the field's settings.
  var current = document.querySelector(".outline-list li.current");
  if (current) {
    window.addEventListener("load", function () {
      if (window.matchMedia("(min-width: 1200px)").matches) {
        var list = current.closest("section");
        // A third of the way down: the column's lower part may lie below
        // the window until the page scrolls.
        list.scrollTop += current.getBoundingClientRect().top - list.getBoundingClientRect().top - list.clientHeight / 3;
        var below = current.getBoundingClientRect().bottom - window.innerHeight;
        if (below > 0) {
          window.scrollBy(0, below + 16);
        }
      } else {
        document.getElementById("panel-h").scrollIntoView();
      }
    });
  }

  // Adding a field. 行政区划/村居 asks which levels: one list per level.
  var add = document.getElementById("add-field");
  var levels = document.getElementById("add-levels");
  function showLevels() {
    if (levels) {
      levels.hidden = add.elements.type.value !== "admin-code";
    }
  }
  add.elements.type.addEventListener("change", showLevels);
  showLevels();
  add.addEventListener("submit", function (event) {
    event.preventDefault();
    var type = add.elements.type.value;
    var label = { zh: add.elements.label.value.trim(), en: "" };
    var op = { op: "add", spec: { type: type, label: label } };
    if (type === "admin-code" && levels) {
      op.op = "addOrg";
      op.levels = [];
      levels.querySelectorAll('input[name="level"]:checked').forEach(function (c) {
        op.levels.push(c.value);
      });
    } else if (type === "section") {
      op.op = "addSection";
    } else if (type === "repeat") {
      op.op = "addRepeat";
    } else if (type === "radio" || type === "checkbox" || type === "select") {
      op.spec.choicesText = "选项一\n选项二";
    }
    if (add.elements.where.value === "after" && selected) {
      var li = document.querySelector('.outline-list li[data-pointer="' + cssEscape(selected) + '"]');
      if (li) {
        op.parent = li.getAttribute("data-parent");
        op.index = Number(li.getAttribute("data-index")) + 1;
      }
    }
    send(op, "add");
  });

  function cssEscape(s) {
    return s.replace(/["\\]/g, "\\$&");
  }

  // The outline's buttons.
  var pendingDelete = null;
  var refsBox = document.getElementById("delete-refs");
  document.querySelectorAll(".outline-list button[data-op]").forEach(function (b) {
    b.addEventListener("click", function () {
      var li = b.closest("li");
      var ptr = li.getAttribute("data-pointer");
      var index = Number(li.getAttribute("data-index"));
      var parent = li.getAttribute("data-parent");
      switch (b.getAttribute("data-op")) {
      case "up":
        send({ op: "move", pointer: ptr, parent: parent, index: index - 1 });
        break;
      case "down":
        send({ op: "move", pointer: ptr, parent: parent, index: index + 1 });
        break;
      case "duplicate":
        send({ op: "duplicate", pointer: ptr });
        break;
      case "delete":
        pendingDelete = ptr;
        send({ op: "delete", pointer: ptr }, null, function (refs) {
          var list = document.getElementById("delete-refs-list");
          list.textContent = "";
          refs.forEach(function (r) {
            var item = document.createElement("li");
            item.textContent = r.message;
            list.appendChild(item);
          });
          refsBox.hidden = false;
          document.getElementById("delete-force").focus();
        });
        break;
      }
    });
  });
  document.getElementById("delete-force").addEventListener("click", function () {
    refsBox.hidden = true;
    send({ op: "delete", pointer: pendingDelete, force: true });
  });
  document.getElementById("delete-cancel").addEventListener("click", function () {
    refsBox.hidden = true;
    pendingDelete = null;
  });

  if (!panel) {
    return;
  }

  // The show-when builder's rows.
  var rows = document.getElementById("cond-rows");
  var template = document.getElementById("cond-row-template");
  document.getElementById("cond-add").addEventListener("click", function () {
    rows.appendChild(template.content.cloneNode(true));
    var last = rows.lastElementChild;
    if (last) {
      last.querySelector("select").focus();
    }
  });
  rows.addEventListener("click", function (event) {
    var b = event.target.closest(".cond-remove");
    if (b) {
      b.closest("li").remove();
    }
  });

  // The ready-made rules show only the inputs their kind takes.
  function showFor(select, table) {
    if (!select) {
      return;
    }
    function update() {
      var wanted = table[select.value] || [];
      Object.keys(table._all).forEach(function (id) {
        var el = document.getElementById(id);
        var box = el && el.closest(".pair > div, .builder-part");
        if (box) {
          box.hidden = wanted.indexOf(id) < 0;
        }
      });
    }
    select.addEventListener("change", update);
    update();
  }
  showFor(panel.elements.ruleKind, {
    _all: { "rule-min": 1, "rule-max": 1, "rule-other": 1, "rule-message": 1 },
    ageRange: ["rule-min", "rule-max", "rule-message"],
    numberBetween: ["rule-min", "rule-max", "rule-message"],
    dateBefore: ["rule-other", "rule-message"],
    dateAfter: ["rule-other", "rule-message"],
    sameAs: ["rule-other", "rule-message"]
  });
  showFor(panel.elements.calcKind, {
    _all: { "calc-field": 1, "calc-n": 1 },
    age: ["calc-field"],
    birthDate: ["calc-field"],
    daysBetween: ["calc-field"],
    monthsBetween: ["calc-field"],
    datePlusDays: ["calc-field", "calc-n"],
    datePlusMonths: ["calc-field", "calc-n"],
    sum: ["calc-field"]
  });

  // intOrNull reads a whole number box: "" is no limit; anything else
  // goes as typed when it is no number, so the server says what is wrong.
  function intOrNull(v) {
    v = v.trim();
    if (v === "") {
      return null;
    }
    return /^-?\d+$/.test(v) ? Number(v) : v;
  }

  // defaultOf reads the default box in the field's type (null: none).
  function defaultOf(box) {
    switch (box.getAttribute("data-type")) {
    case "list":
      var picked = [];
      for (var i = 0; i < box.options.length; i++) {
        if (box.options[i].selected) {
          picked.push(box.options[i].value);
        }
      }
      return picked.length ? picked : null;
    case "bool":
      return box.value === "" ? null : box.value === "true";
    case "number":
      var v = box.value.trim();
      return v === "" ? null : (isFinite(Number(v)) ? Number(v) : v);
    }
    return box.value.trim() === "" ? null : box.value.trim();
  }

  // Moving the field into a section or repeat group, or out to the top.
  var move = document.getElementById("move-field");
  if (move) {
    move.addEventListener("submit", function (event) {
      event.preventDefault();
      send({ op: "move", pointer: selected, parent: move.elements.parent.value, index: -1 }, "move");
    });
  }

  // badNumbers says, beside each box, what is not a number (or not a
  // whole one where rows and lengths are counted), before anything is sent.
  function badNumbers() {
    var bad = null;
    [["minLength", true], ["maxLength", true], ["minRows", true], ["maxRows", true], ["minimum", false], ["maximum", false], ["default", false]].forEach(function (b) {
      var box = panel.elements[b[0]];
      if (!box || box.tagName !== "INPUT" || (b[0] === "default" && box.getAttribute("data-type") !== "number")) {
        return;
      }
      var v = box.value.trim();
      var ok = v === "" || (b[1] ? /^\d+$/.test(v) : isFinite(Number(v)));
      var slot = box.parentNode.querySelector("[data-error-slot]");
      if (!ok) {
        if (slot) {
          slot.textContent = panel.getAttribute(b[1] ? "data-bad-whole" : "data-bad-number");
        }
        box.setAttribute("aria-invalid", "true");
        bad = bad || box;
      } else {
        box.removeAttribute("aria-invalid");
      }
    });
    if (bad) {
      bad.focus();
    }
    return bad !== null;
  }

  panel.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    if (badNumbers()) {
      return;
    }
    var el = panel.elements;
    var spec = Object.assign({}, state.spec);
    spec.key = el.key.value.trim();
    spec.label = { zh: el.labelZH.value.trim(), en: el.labelEN.value.trim() };
    spec.hint = { zh: el.hintZH.value.trim(), en: el.hintEN.value.trim() };
    if (el.minRows) {
      spec.minRows = intOrNull(el.minRows.value);
      spec.maxRows = intOrNull(el.maxRows.value);
    }
    if (el["default"]) {
      spec["default"] = defaultOf(el["default"]);
    }
    if (el.advChoiceFilter) {
      spec.choiceFilter = el.advChoiceFilter.value.trim();
    }
    if (el.required) {
      spec.required = el.required.checked;
    }
    if (el.requiredMessageZH) {
      // Kept only while the field can be required: the server drops it otherwise.
      spec.requiredMessage = { zh: el.requiredMessageZH.value.trim(), en: el.requiredMessageEN.value.trim() };
    }
    if (el.minimum) {
      spec.minimum = el.minimum.value.trim() || undefined;
      spec.maximum = el.maximum.value.trim() || undefined;
    }
    if (el.minLength) {
      spec.minLength = intOrNull(el.minLength.value);
      spec.maxLength = intOrNull(el.maxLength.value);
    }
    if (el.minDate) {
      spec.minDate = el.minDate.value;
      spec.maxDate = el.maxDate.value;
    }
    if (el.choicesText) {
      // The choices as they were go too: a label pasted again keeps its
      // value, so answers already stored keep their meaning.
      spec.choicesText = el.choicesText.value;
    }
    if (el.pii) {
      spec.pii = el.pii.checked ? (spec.pii || "name") : "";
    }
    var op = { op: "update", pointer: selected, spec: spec };
    var adv = el.advRelevant.value.trim();
    if (adv) {
      spec.relevant = adv;
    } else {
      var cond = { join: el.join.value, rows: [] };
      rows.querySelectorAll(".cond-row").forEach(function (li) {
        var f = li.querySelector('[name="condField"]').value;
        if (f) {
          cond.rows.push({ field: f, op: li.querySelector('[name="condOp"]').value, value: li.querySelector('[name="condValue"]').value.trim() });
        }
      });
      spec.relevant = "";
      op.condition = cond;
    }
    if (el.ruleKind) {
      var advC = el.advConstraint ? el.advConstraint.value.trim() : "";
      spec.constraintMessage = { zh: el.ruleMessage.value.trim(), en: (state.spec.constraintMessage || {}).en || "" };
      if (advC) {
        spec.constraint = advC;
      } else if (el.ruleKind.value) {
        spec.constraint = "";
        op.constraint = { kind: el.ruleKind.value, field: spec.key, other: el.ruleOther.value, min: el.ruleMin.value.trim() || undefined, max: el.ruleMax.value.trim() || undefined };
      } else {
        spec.constraint = "";
        spec.constraintMessage = { zh: "", en: "" };
      }
    }
    if (el.calcKind) {
      var advK = el.advCalculate ? el.advCalculate.value.trim() : "";
      if (advK) {
        spec.calculate = advK;
      } else if (el.calcKind.value) {
        op.calculation = { kind: el.calcKind.value, field: el.calcField.value, n: intOrNull(el.calcN.value) || 0 };
      }
    }
    send(op, null);
  });

  // The advanced boxes are checked as the author types.
  var timers = {};
  panel.querySelectorAll("textarea[data-kind]").forEach(function (box) {
    box.addEventListener("input", function () {
      clearTimeout(timers[box.id]);
      timers[box.id] = setTimeout(function () { checkExpr(box); }, 400);
    });
  });
  function checkExpr(box) {
    var out = document.getElementById(box.id + "-diag");
    fetch(api + "/expr-check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ kind: box.getAttribute("data-kind"), src: box.value, pointer: selected })
    }).then(function (res) { return res.json(); }).then(function (body) {
      var ds = body.diagnostics || [];
      out.textContent = ds.map(function (d) {
        return (d.line ? d.line + ":" + d.col + " " : "") + d.message;
      }).join("；");
      box.setAttribute("aria-invalid", ds.length ? "true" : "false");
    });
  }

  // The functions palette, from the rules package's own table.
  var funcs = document.getElementById("func-list");
  var exampleText = funcs.getAttribute("data-example");
  var details = panel.querySelector("details.advanced");
  var loaded = false;
  function loadFuncs() {
    if (loaded) {
      return;
    }
    loaded = true;
    fetch("/api/v1/studio/functions", { credentials: "same-origin" }).then(function (res) { return res.json(); }).then(function (docs) {
      var en = document.documentElement.lang === "en";
      docs.forEach(function (d) {
        var li = document.createElement("li");
        var code = document.createElement("code");
        code.textContent = d.signature;
        var p = document.createElement("div");
        p.textContent = en ? d.summary.en : d.summary.zh;
        var ex = document.createElement("small");
        ex.textContent = exampleText.replace("%1", d.example).replace("%2", d.result);
        li.appendChild(code);
        li.appendChild(p);
        li.appendChild(ex);
        funcs.appendChild(li);
      });
    });
  }
  details.addEventListener("toggle", loadFuncs);
  if (details.open) {
    loadFuncs();
  }
})();
