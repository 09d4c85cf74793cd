// Starts Swagger UI on /api/docs from the settings the page carries as JSON (no inline
// script, which the Content-Security-Policy refuses).
(function () {
  "use strict";
  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }
  window.addEventListener("load", function () {
    var config = Object.assign(read("swagger-ui-settings"), read("swagger-ui-overrides"));
    window.ui = window.SwaggerUIBundle(config);
  });
})();
