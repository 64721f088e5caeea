// Draw every chart of a page with the locally served Vega bundle (no CDN, works offline).
// A chart is a <div data-vega-spec="ID"> whose Vega-Lite spec sits in
// <script type="application/json" id="ID">; a static image inside the div (class
// "brief-chart-static") is shown until the interactive chart is drawn, then removed.
// vega-embed's action menu is off: the chart's container is role="img" (its alt text), which must
// hold nothing focusable (axe: nested-interactive), and the menu's <summary> has no name (axe:
// summary-name). Each figure links its data (CSV) and the chart's own page instead.
(function () {
  "use strict";
  function draw() {
    var nodes = document.querySelectorAll("[data-vega-spec]");
    Array.prototype.forEach.call(nodes, function (el) {
      if (el.getAttribute("data-vega-drawn")) {
        return;
      }
      var holder = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!holder || typeof window.vegaEmbed !== "function") {
        console.error("chart " + el.id + ": spec or Vega bundle missing");
        return;
      }
      el.setAttribute("data-vega-drawn", "pending");
      var spec = JSON.parse(holder.textContent);
      var target = document.createElement("div");
      el.appendChild(target);
      var options = {
        renderer: "svg",
        actions: false
      };
      window.vegaEmbed(target, spec, options).then(function () {
        var fallback = el.querySelector(".brief-chart-static");
        if (fallback) {
          fallback.parentNode.removeChild(fallback);
        }
        el.setAttribute("data-vega-drawn", "true");
      }).catch(function (err) {
        el.removeChild(target);
        el.setAttribute("data-vega-drawn", "failed");
        console.error("chart " + el.id + ": " + err);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
