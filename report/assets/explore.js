// Each claim's multiverse, explorable in the page (analysis/publish/explore.py writes the data).
// A block is <div class="brief-explore" data-explore="ID"> holding a paragraph (the brief's own
// specification: what a reader without JavaScript sees) and <script type="application/json"
// id="ID"> with every specification. This script adds one labelled <select> per choice that has
// more than one value, starting at the brief's own, a result line read out when it changes
// (aria-live), and a small specification curve marking where the chosen specification sits.
// No request leaves the page; text goes in with textContent only.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  // The specification curve's colours (analysis/compute/charts/multiverse.py VERDICT_COLOURS;
  // tests/test_explore.py keeps the two equal).
  var COLOURS = {
    "supported": "#0b4f8a",
    "partly supported": "#56B4E9",
    "no evidence either way": "#999999",
    "not supported": "#D55E00",
    "not testable": "#cccccc"
  };

  function slug(verdict) {  // as analysis/publish/markup.py badge() names the badge's class
    return verdict.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function el(name, cls) {
    var node = document.createElement(name);
    if (cls) {
      node.className = cls;
    }
    return node;
  }

  function svg(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) {
      node.setAttribute(k, String(attrs[k]));
    });
    return node;
  }

  function curve(data) {
    // x: rank on the curve (1 = lowest estimate), y: the estimate; one dot per specification
    var n = data.specifications;
    var width = 600, height = 120, pad = 6;
    var ys = data.values.filter(function (v) { return v !== null; });
    var lo = Math.min.apply(null, ys.length ? ys : [0]);
    var hi = Math.max.apply(null, ys.length ? ys : [1]);
    var span = hi - lo || 1;
    var root = svg("svg", {
      viewBox: "0 0 " + width + " " + height,
      "class": "brief-explore-curve",
      role: "img",
      focusable: "false"
    });
    var title = svg("title", {});
    root.appendChild(title);
    var x = function (rank) { return pad + (width - 2 * pad) * (n > 1 ? (rank - 1) / (n - 1) : 0.5); };
    var y = function (v) { return height - pad - (height - 2 * pad) * (v - lo) / span; };
    var dots = svg("g", {});
    var r = n > 400 ? 1.2 : n > 60 ? 3 : 6;
    for (var i = 0; i < n; i++) {
      var value = data.values[data.e[i]];
      if (value === null) {
        continue;
      }
      dots.appendChild(svg("circle", {
        cx: x(data.r[i]).toFixed(1),
        cy: y(value).toFixed(1),
        r: r,
        fill: COLOURS[data.verdicts[data.v[i]]] || "#444"
      }));
    }
    root.appendChild(dots);
    var line = svg("line", { y1: 0, y2: height, stroke: "#111", "stroke-width": 2, "class": "brief-explore-mark" });
    var ring = svg("circle", { r: 6, fill: "none", stroke: "#111", "stroke-width": 2 });
    root.appendChild(line);
    root.appendChild(ring);
    return {
      node: root,
      mark: function (at) {
        var value = data.values[data.e[at]];
        var cx = x(data.r[at]);
        line.setAttribute("x1", cx.toFixed(1));
        line.setAttribute("x2", cx.toFixed(1));
        ring.setAttribute("cx", cx.toFixed(1));
        ring.setAttribute("cy", (value === null ? height / 2 : y(value)).toFixed(1));
        title.textContent = "Specification curve of " + data.claim + ": " + n.toLocaleString("en-US") +
          " specifications sorted by " + data.estimate + "; the one chosen is rank " +
          data.r[at].toLocaleString("en-US") + ".";
      }
    };
  }

  function build(block) {
    var holder = document.getElementById(block.getAttribute("data-explore"));
    if (!holder || block.getAttribute("data-explore-ready")) {
      return;
    }
    var data = JSON.parse(holder.textContent);
    var start = data.choices.map(function (c) { return c.own === null ? 0 : c.own; });
    var selects = [];
    var form = el("form", "brief-explore-controls");
    form.setAttribute("aria-label", "The choices of " + data.claim);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    data.choices.forEach(function (c, k) {
      if (c.values.length < 2) {
        return;
      }
      var field = el("div", "brief-explore-field");
      var label = el("label");
      var id = block.id + "-" + k;
      label.setAttribute("for", id);
      label.textContent = c.label;
      var select = el("select");
      select.id = id;
      select.setAttribute("data-choice", c.name);
      c.words.forEach(function (words, i) {  // the value as the table writes it; its words shown
        var option = el("option");
        option.value = c.values[i];
        option.textContent = words;
        select.appendChild(option);
      });
      select.value = c.values[start[k]];
      field.appendChild(label);
      field.appendChild(select);
      form.appendChild(field);
      selects.push({ k: k, select: select });
    });
    var result = el("p", "brief-explore-result");
    result.setAttribute("aria-live", "polite");
    var drawn = curve(data);

    function picked() {
      var out = start.slice();
      selects.forEach(function (s) { out[s.k] = data.choices[s.k].values.indexOf(s.select.value); });
      return out;
    }

    function update() {
      var digits = picked();
      var at = 0;
      data.choices.forEach(function (c, k) { at = at * c.values.length + digits[k]; });
      var verdict = data.verdicts[data.v[at]];
      var own = data.choices.every(function (c, k) { return c.own === digits[k]; });
      result.textContent = "";
      var lead = el("span", "brief-explore-lead");
      lead.textContent = own ? "This brief's own specification: " : "With these choices: ";
      var badge = el("span", "verdict brief-explore-verdict v-" + slug(verdict));
      badge.setAttribute("data-verdict", verdict);
      badge.textContent = verdict;
      var number = el("span", "brief-explore-number");
      number.textContent = data.texts[data.e[at]];
      result.appendChild(lead);
      result.appendChild(document.createTextNode("the claim is "));
      result.appendChild(badge);
      result.appendChild(document.createTextNode("; " + data.estimate + ": "));
      result.appendChild(number);
      result.appendChild(document.createTextNode(
        ". Rank " + data.r[at].toLocaleString("en-US") + " of " +
        data.specifications.toLocaleString("en-US") + " on the curve; the brief's own verdict (" +
        data.own_verdict + ") holds in " + data.holds + " of them."));
      block.setAttribute("data-spec-index", String(at));
      drawn.mark(at);
    }

    var own = block.querySelector(".brief-explore-own");
    if (own) {
      own.hidden = true;
    }
    if (selects.length === 0) {
      var fixed = el("p", "brief-explore-note");
      fixed.textContent = "One specification: the multiverse of this brief varies none of " +
        data.claim + "'s choices.";
      block.appendChild(fixed);
    } else {
      block.appendChild(form);
    }
    block.appendChild(result);
    block.appendChild(drawn.node);
    var key = el("p", "brief-explore-key");
    key.textContent = "Each dot is one of the " + data.specifications.toLocaleString("en-US") +
      " specifications, from the lowest " + data.estimate + " to the highest, coloured by its " +
      "verdict as in the curve below; the line and ring mark the one chosen.";
    block.appendChild(key);
    update();
    selects.forEach(function (s) { s.select.addEventListener("change", update); });
    block.setAttribute("data-explore-ready", "true");
  }

  function buildAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".brief-explore[data-explore]"), build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", buildAll);
  } else {
    buildAll();
  }
})();
