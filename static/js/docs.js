// Start Swagger UI on /docs from the locally installed bundle (a file, so the app's CSP allows it).
(function () {
  "use strict";
  var holder = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: holder.getAttribute("data-openapi-url"),
    domNode: holder,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
