/* yakusho: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Postal code → address, as the resident types (the server does the same on submit).
  document.querySelectorAll("input[data-postal-code]").forEach(function (input) {
    var form = input.form;
    var address = form && form.querySelector("[name$='address']");
    if (!address) { return; }
    var filled = "";
    input.addEventListener("input", function () {
      var code = input.value.normalize("NFKC").replace(/[^0-9]/g, "");
      if (code.length !== 7) { return; }
      fetch("/api/v1/postal-codes/" + code, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && (address.value === "" || address.value === filled)) {
            address.value = filled = data.address;
          }
        })
        .catch(function () { /* offline: the server fills it on submit */ });
    });
  });

  // Character counters for fields with a limit.
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    var template = document.documentElement.getAttribute("data-char-count") || "%(count)s / %(limit)s";
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var count = area.value.length;
      counter.textContent = template.replace("%(count)s", count).replace("%(limit)s", limit);
      counter.classList.toggle("char-count--over", count > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
