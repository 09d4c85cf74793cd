/* Draws the dashboards' charts with the vendored Chart.js.
 *
 * Each <figure data-chart> holds a <script type="application/json" data-chart-spec> with
 * the numbers the page's table shows (built in avvik/dashboards/charts.py), so no second
 * request is made. The figure stays hidden without JavaScript: the table is there anyway.
 * Spec kinds: "stacked" (bars stacked per period), "bar" (grouped, horizontal when said),
 * "pareto" (bars and a cumulative-share line on a 0-100 % axis), "run" (a run chart:
 * the series, its median line, and the points of a signal marked).
 * A dataset's "links" (one per bar or point, or null) open the case list of that figure's
 * cases when it is clicked; a label whose period has not ended ("partial") is hatched.
 */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }

  // Colour-blind safe (Okabe-Ito), dark enough against white.
  var COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
  var MEDIAN = "#555555";
  var SIGNAL = "#C0392B";
  var MAX_LABEL = 28;

  function color(i) { return COLORS[i % COLORS.length]; }

  // Long names (categories, units) are cut on the axis; the tooltip and table have them whole.
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    return label.length > MAX_LABEL ? label.slice(0, MAX_LABEL - 1) + "\u2026" : label;
  }

  // Diagonal stripes over a pale fill of the colour: a period that has not ended yet.
  function hatch(colour) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var ctx = tile.getContext("2d");
    ctx.globalAlpha = 0.3;
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 8, 8);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, 8); ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
    ctx.moveTo(6, 10); ctx.lineTo(10, 6);
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  function fill(spec, colour) {
    if (!spec.partial || !spec.partial.some(Boolean)) { return colour; }
    var pattern = hatch(colour);
    return spec.partial.map(function (unfinished) { return unfinished ? pattern : colour; });
  }

  function bars(spec) {
    return spec.datasets.map(function (d, i) {
      return { label: d.label, data: d.data, backgroundColor: fill(spec, color(i)),
               borderColor: color(i), links: d.links };
    });
  }

  function linkOf(elements, chart) {
    var hit = elements[0];
    var links = hit && chart.data.datasets[hit.datasetIndex].links;
    return links ? links[hit.index] : null;
  }

  // A click on a bar or point opens the case list of its cases (the table's first column
  // has the same links, for the keyboard and screen readers).
  function openCases(event, elements, chart) {
    var url = linkOf(elements, chart);
    if (url) { window.location.assign(url); }
  }

  function pointer(event, elements, chart) {
    chart.canvas.style.cursor = linkOf(elements, chart) ? "pointer" : "default";
  }

  function options(spec, extra) {
    var opts = {
      responsive: true, maintainAspectRatio: false, animation: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: { legend: { display: spec.datasets.length > 1 || spec.kind === "run" } },
      scales: {}
    };
    var valueAxis = spec.horizontal ? "x" : "y";
    var labelAxis = spec.horizontal ? "y" : "x";
    opts.scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    opts.scales[labelAxis] = { ticks: { callback: shortLabel } };
    return Object.assign(opts, extra || {});
  }

  function stacked(spec) {
    var opts = options(spec);
    opts.scales.x = Object.assign(opts.scales.x || {}, { stacked: true });
    opts.scales.y = Object.assign(opts.scales.y || {}, { stacked: true });
    return { type: "bar", data: { labels: spec.labels, datasets: bars(spec) }, options: opts };
  }

  function grouped(spec) {
    return { type: "bar", data: { labels: spec.labels, datasets: bars(spec) }, options: options(spec) };
  }

  function pareto(spec) {
    var count = spec.datasets[0], share = spec.datasets[1];
    var opts = options(spec);
    opts.plugins.legend.display = true;
    opts.scales.share = {
      position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
      ticks: { callback: function (v) { return v + " %"; } }
    };
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [
          { type: "line", label: share.label, data: share.data, yAxisID: "share",
            borderColor: color(1), backgroundColor: color(1), pointRadius: 3, order: 0 },
          { type: "bar", label: count.label, data: count.data, yAxisID: "y",
            backgroundColor: color(0), order: 1, links: count.links }
        ]
      },
      options: opts
    };
  }

  function run(spec) {
    var series = spec.datasets[0], median = spec.datasets[1];
    var marked = spec.marked || [];
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [
          { label: series.label, data: series.data, borderColor: color(0),
            backgroundColor: color(0), pointRadius: 3, tension: 0, links: series.links },
          { label: median.label, data: median.data, borderColor: MEDIAN, borderDash: [6, 4],
            pointRadius: 0, borderWidth: 2 },
        ].concat(marked.some(Boolean) ? [
          { label: spec.markedLabel, showLine: false, pointStyle: "rectRot", pointRadius: 7,
            borderColor: SIGNAL, backgroundColor: SIGNAL,
            data: series.data.map(function (v, i) { return marked[i] ? v : null; }) }
        ] : [])
      },
      options: options(spec)
    };
  }

  var BUILDERS = { stacked: stacked, bar: grouped, pareto: pareto, run: run };

  function draw(figure) {
    if (figure.dataset.drawn) { return; }
    figure.dataset.drawn = "1";
    var source = figure.querySelector("[data-chart-spec]");
    var canvas = figure.querySelector("canvas");
    if (!source || !canvas) { figure.hidden = true; return; }
    var spec = JSON.parse(source.textContent);
    var build = BUILDERS[spec.kind];
    if (!build) { figure.hidden = true; return; }
    var config = build(spec);
    config.options.onClick = openCases;
    config.options.onHover = pointer;
    new Chart(canvas, config);
    // How many are drawn, for whoever waits on them (a browser test, the benchmark).
    var root = document.documentElement;
    root.dataset.chartsDrawn = String(Number(root.dataset.chartsDrawn || 0) + 1);
  }

  // A page of twenty charts drawn at once kept the browser busy for a second and more:
  // the first ones are drawn at once, the others when they come near the screen. Their
  // figures are shown first, empty, so the page does not jump (CSS gives them a height).
  var DRAWN_AT_ONCE = 3;
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure[data-chart]"));
  figures.forEach(function (figure) { figure.hidden = false; });
  figures.slice(0, DRAWN_AT_ONCE).forEach(draw);
  var later = figures.slice(DRAWN_AT_ONCE);
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, { rootMargin: "300px 0px" });
    later.forEach(function (figure) { observer.observe(figure); });
  } else {
    later.forEach(draw);
  }

  // The yearly report: a print button, and every table shown on paper.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  window.addEventListener("beforeprint", function () {
    later.forEach(draw);  // paper has no scrolling: every chart is drawn before printing
    document.querySelectorAll("details.run-chart__numbers").forEach(function (d) { d.open = true; });
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
}());
