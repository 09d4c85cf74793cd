/* The report form's helpers; the form works without them and the server checks it all.
   - Receiving unit: only the units of the chosen receiving organisation are offered.
   - Category: only the chosen transition's phase and the every-phase categories.
   - Patient identity: shown (and sent) only where the receiving organisation asks for it.
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
  updateUnits();
  updateCategories();
  updateIdentity(true);

  // After a refusal, start at the list of what to correct (its links lead to the fields).
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
