// Render the formulas pymdownx.arithmatex marked (span/div.arithmatex holding \(…\) or
// \[…\]) with the KaTeX bundled in this site. A formula KaTeX cannot render keeps its
// source, gets the class derive-math-error and the error as its title, so a reader
// (and the site test) sees it.
(function () {
  "use strict";

  function strip(tex, display) {
    if (tex.startsWith("\\(") && tex.endsWith("\\)")) return [tex.slice(2, -2), false];
    if (tex.startsWith("\\[") && tex.endsWith("\\]")) return [tex.slice(2, -2), true];
    return [tex, display];
  }

  function render(root) {
    root.querySelectorAll(".arithmatex").forEach(function (element) {
      if (element.dataset.deriveMath) return;
      var parsed = strip(element.textContent.trim(), element.tagName === "DIV");
      try {
        katex.render(parsed[0], element, { displayMode: parsed[1], throwOnError: true });
        element.dataset.deriveMath = "rendered";
      } catch (error) {
        element.dataset.deriveMath = "error";
        element.classList.add("derive-math-error");
        element.title = String(error && error.message ? error.message : error);
      }
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { render(document.body); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document.body); });
  } else {
    render(document.body);
  }
})();
