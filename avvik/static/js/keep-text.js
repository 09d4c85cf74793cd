/* Keeps what is typed into a form in this browser (localStorage), so that a session
   time-out, a lost connection or a closed tab does not lose it. localStorage, not
   sessionStorage: signing in again often happens in a new tab.

   A form opts in with data-keep-key="avvik:<user>:<form>:<draft id or new>"; the optional
   data-keep-since (the server's last save, ISO time) lets newer kept text win over it.
   Fields marked data-keep="no" (the patient's identity), CSRF tokens and hidden fields are
   never stored, nor is a field whose text looks like a national identity number: any 11
   digits with up to three separators between each two (the server guard's: white and
   zero-width spaces, dots, hyphens, dashes), wider than that guard (which also checks the
   check digits and whole digit groups) so that nothing it refuses is ever kept. A form the
   server refused for such a number carries data-keep-refused: its kept text is deleted,
   not brought back. After a successful save the server names the saved keys on the next
   page (data-kept-saved) and they are removed. Kept text lasts one shift (MAX_AGE_MS):
   older text is deleted on every page that loads this script, and signing out deletes all
   of it (sign-out.js), because home-care PCs are shared. */
(function () {
  "use strict";
  var PREFIX = "avvik:";
  var MAX_AGE_MS = 12 * 3600 * 1000;  // one shift; the form's notice says 12 hours
  var IDENTITY_NUMBER =
    /\d(?:[\s.\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2014\u2212]{0,3}\d){10}/;
  var store;
  try {
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (e) {
    return; // storage blocked: the form still works, it just is not kept
  }

  function forEach(list, fn) { Array.prototype.forEach.call(list, fn); }

  forEach(document.querySelectorAll("[data-kept-saved]"), function (el) {
    el.getAttribute("data-kept-saved").split(" ").forEach(function (key) {
      if (key) { store.removeItem(key); }
    });
  });
  function holdsIdentity(values) {
    return Object.keys(values || {}).some(function (name) {
      return IDENTITY_NUMBER.test(String(values[name]));
    });
  }

  for (var i = store.length - 1; i >= 0; i -= 1) {
    var key = store.key(i);
    if (key && key.indexOf(PREFIX) === 0) {
      try {
        var old = JSON.parse(store.getItem(key));
        if (!old || !(Date.now() - old.at <= MAX_AGE_MS) || holdsIdentity(old.values)) {
          store.removeItem(key);  // expired, or kept before numbers were left out
        }
      } catch (e) { store.removeItem(key); }
    }
  }

  function keepable(el) {
    var type = (el.type || "").toLowerCase();
    if (!el.name || el.getAttribute("data-keep") === "no") { return false; }
    if (/csrf_token$/.test(el.name) || el.name.indexOf("patient_") === 0) { return false; }
    return ["hidden", "submit", "button", "reset", "password", "file"].indexOf(type) === -1;
  }

  function snapshot(form) {
    var values = {};
    forEach(form.elements, function (el) {
      if (!keepable(el) || IDENTITY_NUMBER.test(el.value || "")) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.value) {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function isEmpty(form, name) {
    var empty = true;
    forEach(form.elements, function (el) {
      if (el.name !== name) { return; }
      if (el.type === "radio" || el.type === "checkbox") { empty = empty && !el.checked; }
      else { empty = empty && !el.value; }
    });
    return empty;
  }

  function restore(form, values, overwrite) {
    var restored = false;
    Object.keys(values).forEach(function (name) {
      if (!overwrite && !isEmpty(form, name)) { return; }
      forEach(form.elements, function (el) {
        if (el.name !== name || !keepable(el)) { return; }
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === values[name] && !el.checked) { el.checked = true; restored = true; }
        } else if (el.value !== values[name]) {
          el.value = values[name];
          restored = restored || el.value === values[name];
          el.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
    return restored;
  }

  function show(form, selector) {
    forEach(form.querySelectorAll(selector), function (el) { el.hidden = false; });
  }

  forEach(document.querySelectorAll("form[data-keep-key]"), function (form) {
    var key = form.getAttribute("data-keep-key");
    var since = Date.parse(form.getAttribute("data-keep-since") || "") || 0;
    var kept = null;
    if (form.hasAttribute("data-keep-refused")) { store.removeItem(key); }
    try { kept = JSON.parse(store.getItem(key)); } catch (e) { kept = null; }
    if (kept && kept.values && restore(form, kept.values, kept.at > since && since > 0)) {
      show(form, "[data-keep-restored]");
    }
    show(document, "[data-keep-notice]");  // said once on the page, not per form
    function save() {
      try { store.setItem(key, JSON.stringify({ at: Date.now(), values: snapshot(form) })); }
      catch (e) { /* storage full: nothing more to do */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    forEach(form.querySelectorAll("[data-keep-discard]"), function (button) {
      button.addEventListener("click", function () {
        store.removeItem(key);
        window.location.reload();
      });
    });
  });
}());
