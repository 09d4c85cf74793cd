/* The report form's helpers; the form works without them and the server checks it all.
   - Receiving unit: only the units of the chosen receiving organisation are offered.
   - Category: only the chosen transition's phase and the every-phase categories.
   - Patient identity: shown (and sent) only where the receiving organisation asks for it.
   - Agreement: offered from the transition (the one most often chosen with it), unless
     the reporter picked one.
   - Dates: buttons for today and yesterday, and the date typed said in words.
   - Consequence: the chosen level's definition is said under its row.
   - After a refusal the error summary gets the focus. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-report-form]");
  if (!form) { return; }
  var organization = form.elements.receiving_organization_id;
  var unit = form.elements.receiving_unit_id;
  var transition = form.elements.transition_id;
  var category = form.elements.category_id;
  var identity = form.querySelector("[data-identity-section]");
  var identityOrgs = (form.getAttribute("data-identity-orgs") || "").split(" ");

  // Removes the optgroups that do not fit and puts back those that do (hiding options is
  // not honoured by every mobile browser). A choice that no longer fits is cleared.
  function offerGroups(select, fits) {
    if (!select) { return; }
    if (!select.allGroups) {
      select.allGroups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    }
    var chosen = select.value;
    select.allGroups.forEach(function (group) {
      if (group.parentNode) { group.parentNode.removeChild(group); }
    });
    select.allGroups.forEach(function (group) {
      if (fits(group.getAttribute("data-group"))) { select.appendChild(group); }
    });
    select.value = chosen;
    if (select.value !== chosen) { select.value = ""; }
  }

  function phaseOfTransition() {
    var option = transition && transition.options[transition.selectedIndex];
    var group = option && option.parentNode;
    return group && group.getAttribute ? group.getAttribute("data-group") : null;
  }

  function updateUnits() {
    offerGroups(unit, function (group) { return group === organization.value; });
  }

  function updateCategories() {
    var phase = phaseOfTransition();
    offerGroups(category, function (group) { return !phase || group === "any" || group === phase; });
  }

  function updateIdentity(initial) {
    if (!identity) { return; }
    // After a refusal the server shows the section with its message: leave it in view.
    if (initial && identity.querySelector(".ds-validation-message")) { return; }
    var wanted = identityOrgs.indexOf(organization.value) !== -1 && organization.value !== "";
    identity.hidden = !wanted;
    identity.disabled = !wanted; // a hidden section sends nothing
  }

  if (organization) {
    organization.addEventListener("change", function () { updateUnits(); updateIdentity(false); });
  }
  if (transition) { transition.addEventListener("change", updateCategories); }

  var agreement = form.elements.agreement_id;
  var hints = JSON.parse(form.getAttribute("data-agreement-hints") || "{}");
  var offered = null; // the agreement the script chose, until the reporter picks one
  function offerAgreement() {
    var picks = hints[transition.value] || [];
    if (!agreement || !picks.length) { return; }
    if (agreement.value === "" || agreement.value === offered) {
      offered = String(picks[0]);
      agreement.value = offered;
    }
  }
  if (transition && agreement) {
    transition.addEventListener("change", offerAgreement);
    agreement.addEventListener("change", function () { offered = null; });
    if (transition.value) { offerAgreement(); } // a form shown again, a draft
  }

  // Day first, as the server reads it (avvik/core/day_field.py).
  function parseDay(text) {
    var t = text.trim().replace(/\.$/, ""), m, y, mo, d;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) { y = m[1]; mo = m[2]; d = m[3]; }
    else if ((m = /^(\d{1,2})\s*[.,\- ]\s*(\d{1,2})\s*[.,\- ]\s*(\d{4}|\d{2})$/.exec(t)) ||
             (m = /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(t))) { d = m[1]; mo = m[2]; y = m[3]; }
    else { return null; }
    y = Number(y.length === 2 ? "20" + y : y);
    var day = new Date(Date.UTC(y, Number(mo) - 1, Number(d)));
    return day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d) ? day : null;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  var inWords = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
  var today = form.getAttribute("data-today"); // the date in Norway, from the server
  Array.prototype.forEach.call(form.querySelectorAll("[data-day-field]"), function (box) {
    var input = box.querySelector("input");
    var words = box.querySelector("[data-day-words]");
    function say() {
      var day = parseDay(input.value);
      words.textContent = day ? inWords.format(day) : "";
    }
    input.addEventListener("input", say);
    var quick = box.querySelector("[data-day-quick]");
    if (!quick || !today) { return; }
    quick.hidden = false;
    Array.prototype.forEach.call(quick.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () {
        var day = new Date(today + "T00:00:00Z");
        day.setUTCDate(day.getUTCDate() - Number(button.getAttribute("data-day-offset")));
        input.value = two(day.getUTCDate()) + "." + two(day.getUTCMonth() + 1) + "." +
          day.getUTCFullYear();
        input.dispatchEvent(new Event("input", {bubbles: true}));
      });
    });
  });

  Array.prototype.forEach.call(form.querySelectorAll("[data-level-choices]"), function (row) {
    var text = row.parentNode.querySelector("[data-level-text]");
    row.addEventListener("change", function (event) {
      var level = document.getElementById("level-" + event.target.value);
      text.textContent = level ? level.textContent.replace(/\s+/g, " ").trim() : "";
    });
  });
  updateUnits();
  updateCategories();
  updateIdentity(true);

  // After a refusal, start at the list of what to correct (its links lead to the fields).
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
