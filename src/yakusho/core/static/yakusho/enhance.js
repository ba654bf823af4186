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

  // Conditional fields: show a field only when its condition holds (the server applies the
  // same rule, so without JavaScript every field shows and the hidden ones are ignored).
  function valueOf(form, path) {
    var parts = path.split(".");
    var name = parts.length > 1 ? parts[0] + "__" + parts[1] : parts[0];
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      values.push(input.value);
    });
    if (inputs.length && inputs[0].type === "checkbox") { return values; }
    var value = values.length ? values[0] : "";
    if (value === "yes") { return true; }
    if (value === "no") { return false; }
    return value;
  }
  function holds(form, rule) {
    if (!rule || !Object.keys(rule).length) { return true; }
    if (rule.all) { return rule.all.every(function (r) { return holds(form, r); }); }
    if (rule.any) { return rule.any.some(function (r) { return holds(form, r); }); }
    if (rule.not) { return !holds(form, rule.not); }
    if (!rule.field) { return true; }
    var value = valueOf(form, rule.field);
    var list = Array.isArray(value) ? value : [value];
    if ("equals" in rule && list.indexOf(rule.equals) < 0 && value !== rule.equals) { return false; }
    if ("not_equals" in rule && (list.indexOf(rule.not_equals) >= 0 || value === rule.not_equals)) { return false; }
    if ("in" in rule && !list.some(function (v) { return rule["in"].indexOf(v) >= 0; })) { return false; }
    if ("filled" in rule && ((value !== "" && value !== false && list.length > 0) !== rule.filled)) { return false; }
    var number = parseFloat(value);
    if ("gt" in rule && !(number > rule.gt)) { return false; }
    if ("gte" in rule && !(number >= rule.gte)) { return false; }
    if ("lt" in rule && !(number < rule.lt)) { return false; }
    if ("lte" in rule && !(number <= rule.lte)) { return false; }
    return true;
  }
  // A field required only when other answers say so shows its 必須 marker likewise.
  document.querySelectorAll("form").forEach(function (form) {
    var conditional = form.querySelectorAll("[data-visible-if], [data-required-if]");
    if (!conditional.length) { return; }
    function refresh() {
      conditional.forEach(function (element) {
        var rule = element.getAttribute("data-visible-if") || element.getAttribute("data-required-if");
        element.hidden = !holds(form, JSON.parse(rule));
      });
    }
    form.addEventListener("change", refresh);
    refresh();
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
