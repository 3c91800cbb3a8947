#!/usr/bin/env node
// Render formulas the way a course site would, with errors turned on.
//
// stdin:  JSON list of {"id": str, "tex": str, "display": bool}
// stdout: JSON {"katex": version, "mathjax": version, "count": n,
//               "failures": [{"id", "engine", "tex", "error"}]}
//
// KaTeX runs with throwOnError and strict "error", so anything KaTeX would only
// warn about (non-LaTeX behaviour) counts as a failure too. MathJax runs with the
// TeX packages a default MathJax 3 page has (loaded up front or autoloaded), minus
// "noundefined", and rethrows every TeX error instead of typesetting it in red.
"use strict";

const katex = require("katex");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { STATE } = require("mathjax-full/js/core/MathItem.js");
require("mathjax-full/js/input/tex/AllPackages.js");
const mathjaxVersion = require("mathjax-full/package.json").version;

// A default MathJax 3 page: base, ams, newcommand, configmacros, and the autoloaded
// extensions (mhchem, bussproofs and amscd left out: chemistry and proof trees are
// not ours to print).
const MATHJAX_PACKAGES = [
  "base", "ams", "newcommand", "configmacros",
  "action", "bbox", "boldsymbol", "braket", "cancel", "color", "enclose",
  "extpfeil", "html", "unicode", "verb",
];

function mathjaxDocument() {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const tex = new TeX({
    packages: MATHJAX_PACKAGES,
    formatError: (_jax, err) => {
      throw err;
    },
  });
  return mathjax.document("", { InputJax: tex });
}

function main(input) {
  const items = JSON.parse(input);
  const doc = mathjaxDocument();
  const failures = [];
  for (const item of items) {
    try {
      katex.renderToString(item.tex, { displayMode: item.display, throwOnError: true, strict: "error" });
    } catch (err) {
      failures.push({ id: item.id, engine: "katex", tex: item.tex, error: String(err.message || err) });
    }
    try {
      doc.convert(item.tex, { display: item.display, end: STATE.COMPILED });
    } catch (err) {
      failures.push({ id: item.id, engine: "mathjax", tex: item.tex, error: String(err.message || err) });
    }
  }
  process.stdout.write(
    JSON.stringify({ katex: katex.version, mathjax: mathjaxVersion, count: items.length, failures }) + "\n"
  );
}

let data = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (data += chunk));
process.stdin.on("end", () => main(data));
