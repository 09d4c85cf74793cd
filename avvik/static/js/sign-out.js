/* Signing out deletes every text keep-text.js kept in this browser ("avvik:" keys): the
   next person at a shared PC must find nothing typed about a patient. It happens here, as
   the sign-out form is sent, so it does not depend on the server answering. */
(function () {
  "use strict";
  var PREFIX = "avvik:";

  function forgetKept() {
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i -= 1) {
        var key = store.key(i);
        if (key && key.indexOf(PREFIX) === 0) { store.removeItem(key); }
      }
    } catch (e) { /* storage blocked: nothing was kept */ }
  }

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-sign-out")) { forgetKept(); }
  }, true);
}());
