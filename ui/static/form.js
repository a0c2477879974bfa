// Live feedback for generated forms. The page works without this file:
// the server renders every question, checks posted answers and shows each
// error beside its field. With it, as a person types, the answers go to
// the form's evaluate endpoint (data-evaluate), which runs the same rules
// as the final check (forms.Evaluate) and stores nothing; the answer says
// which questions apply, which are required, the calculated values, the
// choices cascading lists allow, and the errors by JSON pointer. Rows of
// repeat groups are added and removed here without a round trip.
//
// The page's markup is the contract: every field, section and group has a
// wrapper with data-key (its key), data-kind (its widget) and
// data-pointer (the JSON pointer of its answer); rows are [data-row]
// inside a group's [data-rows]; a group's empty row is its
// template[data-row-template]. Names are the answer paths with dots
// ("children.0.childName"), rebuilt from the markup after every change.
(function () {
  "use strict";

  var form = document.querySelector("form[data-evaluate]");
  if (!form) {
    return;
  }
  form.classList.add("js-form");
  var endpoint = form.getAttribute("data-evaluate");
  var csrf = form.getAttribute("data-csrf") || "";
  var touched = {};
  var sequence = 0;
  var timer = null;
  var DELAY = 300;
  var MAX_SAFE = 9007199254740992;

  // own returns the elements matching selector inside wrapper that belong
  // to it rather than to a field, section or row nested in it.
  function own(wrapper, selector) {
    var all = wrapper.querySelectorAll(selector);
    var out = [];
    for (var i = 0; i < all.length; i++) {
      var holder = all[i].parentElement.closest("[data-key], [data-row]");
      if (holder === wrapper || (wrapper === form && holder === null)) {
        out.push(all[i]);
      }
    }
    return out;
  }

  // fieldsOf returns the wrappers directly inside scope (the form, a
  // section or a row), in page order.
  function fieldsOf(scope) {
    var all = scope.querySelectorAll("[data-key]");
    var out = [];
    for (var i = 0; i < all.length; i++) {
      var holder = all[i].parentElement.closest("[data-key], [data-row]");
      if (holder === scope || (scope === form && holder === null)) {
        out.push(all[i]);
      }
    }
    return out;
  }

  function rowsOf(group) {
    var box = own(group, "[data-rows]")[0];
    var out = [];
    if (!box) {
      return out;
    }
    for (var i = 0; i < box.children.length; i++) {
      if (box.children[i].hasAttribute("data-row")) {
        out.push(box.children[i]);
      }
    }
    return out;
  }

  // typed mirrors the server's decoder: numbers and booleans become JSON
  // numbers and booleans; text that does not parse is sent as typed, so
  // the error comes back beside the field.
  function typed(type, text) {
    var s = text.trim();
    if (type === "integer" && /^[+-]?[0-9]+$/.test(s)) {
      var n = parseInt(s, 10);
      if (Math.abs(n) <= MAX_SAFE) {
        return n;
      }
    }
    if (type === "number" && /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) {
      var f = parseFloat(s);
      if (isFinite(f)) {
        return f;
      }
    }
    if (type === "boolean" && (s === "true" || s === "false")) {
      return s === "true";
    }
    return s;
  }

  function valueOf(wrapper, kind) {
    var type = wrapper.getAttribute("data-type");
    var i;
    if (kind === "checkbox") {
      var boxes = wrapper.querySelectorAll("input:checked");
      var list = [];
      for (i = 0; i < boxes.length; i++) {
        list.push(typed(wrapper.getAttribute("data-item-type"), boxes[i].value));
      }
      return list.length ? list : undefined;
    }
    if (kind === "radio" || kind === "yesno") {
      var picked = wrapper.querySelector("input:checked");
      return picked ? typed(type, picked.value) : undefined;
    }
    var control = wrapper.querySelector("input, select, textarea");
    if (!control || control.value.trim() === "") {
      return undefined;
    }
    return typed(type, control.value);
  }

  // collect builds the answers of scope as JSON.
  function collect(scope) {
    var answers = {};
    var fields = fieldsOf(scope);
    for (var i = 0; i < fields.length; i++) {
      var w = fields[i];
      var key = w.getAttribute("data-key");
      var kind = w.getAttribute("data-kind");
      if (kind === "section") {
        answers[key] = collect(w);
      } else if (kind === "repeat") {
        answers[key] = rowsOf(w).map(collect);
      } else if (kind !== "calculated") {
        var v = valueOf(w, kind);
        if (v !== undefined) {
          answers[key] = v;
        }
      }
    }
    return answers;
  }

  // name gives a wrapper and its controls the name, IDs and pointer of
  // the answer at path.
  function name(w, path) {
    var id = "f-" + path.join("-");
    var pointer = "/" + path.join("/");
    w.setAttribute("data-pointer", pointer);
    if (w.tagName === "FIELDSET") {
      w.id = id;
    }
    var error = own(w, "[data-error-for]")[0];
    var hint = own(w, ".tip")[0];
    if (error) {
      error.id = id + "-error";
      error.setAttribute("data-error-for", pointer);
    }
    if (hint) {
      hint.id = id + "-hint";
    }
    var kind = w.getAttribute("data-kind");
    if (kind === "section" || kind === "repeat") {
      return;
    }
    var controls = own(w, "input, select, textarea, output");
    for (var i = 0; i < controls.length; i++) {
      var c = controls[i];
      var suffix = "";
      if (c.type === "radio" || c.type === "checkbox") {
        suffix = c.id.slice(c.id.lastIndexOf("-"));
        var label = c.closest("label");
        if (label) {
          label.htmlFor = id + suffix;
        }
      } else {
        var outer = own(w, "label")[0];
        if (outer) {
          outer.htmlFor = id;
        }
        c.setAttribute("aria-describedby", id + "-error" + (hint ? " " + id + "-hint" : ""));
      }
      c.id = id + suffix;
      if (c.tagName !== "OUTPUT") {
        c.name = path.join(".");
      }
    }
  }

  // renumber rebuilds every name below scope from the page's structure,
  // after a row was added or removed.
  function renumber(scope, prefix) {
    parts = new WeakMap();
    var fields = fieldsOf(scope);
    for (var i = 0; i < fields.length; i++) {
      var w = fields[i];
      var path = prefix.concat([w.getAttribute("data-key")]);
      name(w, path);
      var kind = w.getAttribute("data-kind");
      if (kind === "section") {
        renumber(w, path);
      } else if (kind === "repeat") {
        var add = own(w, "[data-add]")[0];
        if (add && add.type === "submit") {
          add.value = "add:" + path.join(".");
        }
        var rows = rowsOf(w);
        for (var r = 0; r < rows.length; r++) {
          var rowPath = path.concat([String(r)]);
          rows[r].setAttribute("data-name", rowPath.join("."));
          var number = own(rows[r], "[data-row-number]")[0];
          if (number) {
            number.textContent = String(r + 1);
          }
          var remove = own(rows[r], "[data-remove]")[0];
          if (remove && remove.type === "submit") {
            remove.value = "remove:" + rowPath.join(".");
          }
          renumber(rows[r], rowPath);
        }
      }
    }
  }

  function keep(list, value) {
    for (var i = 0; i < list.length; i++) {
      if (String(list[i]) === value) {
        return true;
      }
    }
    return false;
  }

  // narrow hides the choices a cascading list does not allow now, and
  // drops a pick that is no longer allowed (the township changed, so the
  // village must be picked again). It reports whether a pick was dropped.
  function narrow(w, allowed) {
    var dropped = false;
    var i;
    var select = w.querySelector("select");
    if (select) {
      for (i = 0; i < select.options.length; i++) {
        var o = select.options[i];
        if (o.value === "") {
          continue;
        }
        var ok = keep(allowed, o.value);
        o.hidden = !ok;
        o.disabled = !ok;
        if (!ok && o.selected) {
          select.value = "";
          dropped = true;
        }
      }
      return dropped;
    }
    var inputs = w.querySelectorAll("input[type=radio], input[type=checkbox]");
    for (i = 0; i < inputs.length; i++) {
      var allowedHere = keep(allowed, inputs[i].value);
      var label = inputs[i].closest("label") || inputs[i];
      label.hidden = !allowedHere;
      if (!allowedHere && inputs[i].checked) {
        inputs[i].checked = false;
        dropped = true;
      }
    }
    return dropped;
  }

  function show(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  // partsOf returns a wrapper's own required mark, error slot, controls
  // and output, found once: apply runs after every keystroke, and looking
  // them up each time was most of its cost on a slow phone. A wrapper's
  // own parts change only when rows are added or removed (renumber
  // forgets them then).
  var parts = new WeakMap();
  function partsOf(w) {
    var p = parts.get(w);
    if (!p) {
      p = {
        mark: own(w, "[data-required-mark]")[0] || null,
        slot: own(w, "[data-error-for]")[0] || null,
        controls: own(w, "input, select, textarea"),
        output: w.getAttribute("data-kind") === "calculated" ? w.querySelector("output") : null
      };
      parts.set(w, p);
    }
    return p;
  }

  // setFlag sets or removes a "true" attribute, touching the page only
  // when it changes (an unchanged write still costs the browser a style
  // pass).
  function setFlag(el, attr, on) {
    if (on && el.getAttribute(attr) !== "true") {
      el.setAttribute(attr, "true");
    } else if (!on && el.hasAttribute(attr)) {
      el.removeAttribute(attr);
    }
  }

  // apply shows a state from the evaluate endpoint. A new error appears
  // only on a field the person has touched (or that already shows one),
  // so a fresh form is not a wall of "required"; a fixed error goes at
  // once, wherever it is.
  function apply(state) {
    var errors = {};
    var i;
    for (i = 0; i < state.errors.length; i++) {
      errors[state.errors[i].pointer] = state.errors[i].message;
    }
    var dropped = false;
    var wrappers = form.querySelectorAll("[data-pointer]");
    for (i = 0; i < wrappers.length; i++) {
      var w = wrappers[i];
      var p = partsOf(w);
      var pointer = w.getAttribute("data-pointer");
      var known = Object.prototype.hasOwnProperty.call(state.relevant, pointer);
      if (known) {
        var relevant = state.relevant[pointer] ? "true" : "false";
        if (w.getAttribute("data-relevant") !== relevant) {
          w.setAttribute("data-relevant", relevant);
        }
        if (p.mark && p.mark.hidden !== !state.required[pointer]) {
          p.mark.hidden = !state.required[pointer];
        }
      }
      if (p.output) {
        var text = show(state.calculated[pointer]);
        if (p.output.textContent !== text) {
          p.output.textContent = text;
        }
      }
      if (state.choices[pointer]) {
        dropped = narrow(w, state.choices[pointer]) || dropped;
      }
      var slot = p.slot;
      if (!slot) {
        continue;
      }
      var message = errors[pointer] || "";
      if (message && !touched[pointer] && slot.textContent === "") {
        continue;
      }
      if (slot.textContent !== message) {
        slot.textContent = message;
      }
      for (var c = 0; c < p.controls.length; c++) {
        setFlag(p.controls[c], "aria-invalid", !!message);
      }
      if (w.tagName === "FIELDSET") {
        setFlag(w, "aria-invalid", !!message);
      }
    }
    if (dropped) {
      schedule();
    }
  }

  // offline is the phone's own evaluator (offline.js): the same Go
  // forms.Evaluate compiled to WebAssembly. It answers when there is no
  // network, or when the server cannot be reached.
  function offline(answers, mine) {
    var local = window.CanvassOffline;
    if (!local) {
      return false;
    }
    local.evaluate(endpoint, answers).then(function (state) {
      if (state && mine === sequence) {
        apply(state);
      }
    }, function () {});
    return true;
  }

  function evaluate() {
    var mine = ++sequence;
    if (!navigator.onLine && offline(collect(form), mine)) {
      return;
    }
    window.fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ answers: collect(form) })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (state) {
      // An answer to an older request must not undo a newer one.
      if (state && mine === sequence) {
        apply(state);
      }
    }).catch(function () {
      // Offline: the phone checks; with no evaluator, the server checks
      // everything on submit.
      offline(collect(form), mine);
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(evaluate, DELAY);
  }

  function edited(event) {
    var w = event.target.closest("[data-pointer]");
    if (w) {
      touched[w.getAttribute("data-pointer")] = true;
    }
    schedule();
  }

  // For offline.js: the answers as JSON, and a state to show with every
  // error visible (a submit that was refused on the phone).
  form.canvassAnswers = function () {
    return collect(form);
  };
  form.canvassShow = function (state) {
    for (var i = 0; i < state.errors.length; i++) {
      touched[state.errors[i].pointer] = true;
    }
    apply(state);
  };

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add]");
    if (add && form.contains(add)) {
      event.preventDefault();
      var group = add.closest("[data-kind=repeat]");
      var template = own(group, "template[data-row-template]")[0];
      var box = own(group, "[data-rows]")[0];
      if (!template || !box) {
        return;
      }
      box.appendChild(template.content.cloneNode(true));
      renumber(form, []);
      // A row too many is said at once: the group counts as touched.
      touched[group.getAttribute("data-pointer")] = true;
      var rows = rowsOf(group);
      var first = rows[rows.length - 1].querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
      schedule();
      return;
    }
    var remove = event.target.closest("[data-remove]");
    if (remove && form.contains(remove)) {
      event.preventDefault();
      var row = remove.closest("[data-row]");
      if (row) {
        row.parentNode.removeChild(row);
        touched = {};
        renumber(form, []);
        schedule();
      }
    }
  });

  // A preview sends nothing. app.js re-enables every disabled button when
  // a page is shown (so a form left mid-post works after "back"); this
  // listener runs after it and disables the preview's again.
  if (form.hasAttribute("data-preview")) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    window.addEventListener("pageshow", function () {
      var stay = form.querySelectorAll("[data-stay-disabled]");
      for (var i = 0; i < stay.length; i++) {
        stay[i].disabled = true;
      }
    });
  }

  // The server rendered relevance; the first evaluation narrows cascading
  // lists and fills calculated values of a resumed record.
  evaluate();
})();
