/*
 * Draws the data-walk charts: every element with data-vega-spec="<id>" gets the Vega-Lite spec
 * found in the JSON <script id="<id>"> (written by Django's json_script in
 * insights/_chart.html), drawn as SVG by vega-embed. The same spec is printed in the PDF by
 * vl-convert (juntos/insights/walk.py).
 *
 * No inline script and no eval: `ast: true` makes Vega evaluate its expressions with the
 * interpreter bundled in vega-embed instead of compiling them with new Function(), so a
 * Content-Security-Policy without 'unsafe-eval' still draws the charts.
 *
 * Charts added later by htmx (hx-swap) are drawn when they arrive.
 */
(function () {
  "use strict";

  function drawOne(element) {
    var source = document.getElementById(element.getAttribute("data-vega-spec"));
    if (!source || element.hasAttribute("data-vega-state")) {
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      element.setAttribute("data-vega-state", "failed");
      console.error("data walk: unreadable chart spec", error);
      return;
    }
    element.setAttribute("data-vega-state", "drawing");
    window
      .vegaEmbed(element, spec, {
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        tooltip: false,
      })
      .then(function () {
        element.setAttribute("data-vega-state", "drawn");
      })
      .catch(function (error) {
        // The fallback text (title and description) stays in place.
        element.setAttribute("data-vega-state", "failed");
        console.error("data walk: the chart could not be drawn", error);
      });
  }

  function drawAll(root) {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var elements = root.querySelectorAll("[data-vega-spec]");
    for (var i = 0; i < elements.length; i += 1) {
      drawOne(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target instanceof Element ? event.target : document);
  });
})();
