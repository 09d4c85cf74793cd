/* A form marked data-submit-once sends one post per press: while the post is on its way
   the form's submit buttons are disabled, and the one pressed says data-sending-label, so
   a second tap on a slow phone does nothing. The server is the real guard (the report
   form's one-time token); this spares it the second request and tells the user something
   is happening.
   Nothing typed is touched. The buttons come back when the page is shown again (Back)
   and when no answer has come for a while (a stopped load, a dropped connection), so the
   user can send again; the token makes that safe. */
(function () {
  "use strict";
  var GIVE_UP_MS = 20000;

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "submit";
    });
  }

  function release(form) {
    if (!form.hasAttribute("data-sending")) { return; }
    form.removeAttribute("data-sending");
    form.removeAttribute("aria-busy");
    window.clearTimeout(form.submitOnceTimer);
    submitButtons(form).forEach(function (button) {
      button.disabled = false;
      if (button.hasAttribute("data-label")) {
        button.textContent = button.getAttribute("data-label");
        button.removeAttribute("data-label");
      }
    });
  }

  function hold(form, pressed) {
    var label = form.getAttribute("data-sending-label");
    form.setAttribute("aria-busy", "true");
    submitButtons(form).forEach(function (button) {
      button.disabled = true;
      if (button === pressed && label && button.tagName === "BUTTON") {
        button.setAttribute("data-label", button.textContent);
        button.textContent = label;
      }
    });
    form.submitOnceTimer = window.setTimeout(function () { release(form); }, GIVE_UP_MS);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sending")) {
        event.preventDefault(); // the first press's post is still on its way
        return;
      }
      form.setAttribute("data-sending", "");
      var pressed = event.submitter || null;
      // After this event, not during it: a button disabled now would be left out of the
      // post, and the server reads which one was pressed (submit or save as draft).
      window.setTimeout(function () {
        if (event.defaultPrevented) { // another script stopped the post
          form.removeAttribute("data-sending");
          return;
        }
        hold(form, pressed);
      }, 0);
    });
  });

  // Back to a page kept in the browser's memory: its form is not being sent any more.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), release);
  });
}());
