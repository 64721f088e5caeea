// Draw every chart of a page with the locally served Vega bundle (no CDN, works offline).
// A chart is a <div data-vega-spec="ID"> whose Vega-Lite spec sits in <script type="application/json" id="ID">.
(function () {
  "use strict";
  function draw() {
    var nodes = document.querySelectorAll("[data-vega-spec]");
    Array.prototype.forEach.call(nodes, function (el) {
      var holder = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!holder || typeof window.vegaEmbed !== "function") {
        console.error("chart " + el.id + ": spec or Vega bundle missing");
        return;
      }
      var spec = JSON.parse(holder.textContent);
      var options = {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false }
      };
      window.vegaEmbed(el, spec, options).then(function () {
        el.setAttribute("data-vega-drawn", "true");
      }).catch(function (err) {
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
