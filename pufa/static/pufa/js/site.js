// Progressive enhancement for the public site; every control also works without it.
(function () {
  "use strict";
  var TEXT_COOKIE = "pufa_text";
  document.querySelectorAll(".js-text-size").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var large = !document.documentElement.classList.contains("large-text");
      document.documentElement.classList.toggle("large-text", large);
      var secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = TEXT_COOKIE + "=" + (large ? "large" : "normal") +
        "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
      link.setAttribute("aria-pressed", large ? "true" : "false");
      link.dataset.size = large ? "normal" : "large";
    });
  });
})();
