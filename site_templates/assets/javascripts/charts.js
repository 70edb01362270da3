/*
 * charts.js — 统计图 / the site's charts, drawn with Apache ECharts.
 *
 * Each chart is a block the generator writes (generator/render/site/charts.py):
 *   figure.chart-figure > div.chart-body >
 *     div.chart-box[hidden]                       (where the chart goes)
 *     script.chart-option[type=application/json]  (the ECharts option, as data)
 *     div.chart-table > table                     (the same figures, always shown)
 * On a page with such a block this script loads the vendored ECharts (only there: it is
 * 700 KB; and after the page's load event, so tables are usable first), reads each option with JSON.parse (never eval), shows the box and draws the
 * chart with the SVG renderer (it prints sharp) and the ZH locale. Charts follow the box's
 * size, the site's light/dark scheme (Material's data-md-color-scheme), and print light at
 * a fixed width. Without JavaScript, or if ECharts fails to load, the table is the chart.
 * Plain ES5; no network access beyond the site's own file; no innerHTML.
 */
(function () {
  "use strict";

  var LIBRARY = "../vendor/echarts/echarts.common.min.js";  // relative to this script
  var PRINT_WIDTH = 640;  // px, as .chart-box in @media print (extra CSS, charts.css)
  var self = document.currentScript;
  var entries = [];

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function draw(entry, theme, width) {
    if (entry.chart) entry.chart.dispose();
    var options = { renderer: "svg", locale: "ZH" };
    if (width) options.width = width;
    entry.chart = window.echarts.init(entry.box, theme, options);
    entry.chart.setOption(entry.option);
  }

  function drawAll(printing) {
    var theme = !printing && dark() ? "dark" : null;
    for (var i = 0; i < entries.length; i++) {
      draw(entries[i], theme, printing ? PRINT_WIDTH : null);
    }
  }

  function collect() {
    var blocks = document.querySelectorAll("script.chart-option");
    for (var i = 0; i < blocks.length; i++) {
      var box = blocks[i].parentNode.querySelector(".chart-box");
      var option;
      try {
        option = JSON.parse(blocks[i].textContent);
      } catch (e) {
        continue;  // not drawn: the table beside it still shows the figures
      }
      if (box) entries.push({ box: box, option: option, chart: null });
    }
  }

  function follow() {
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (changes) {
        for (var i = 0; i < changes.length; i++) {
          var chart = window.echarts.getInstanceByDom(changes[i].target);
          if (chart) chart.resize();
        }
      });
      for (var i = 0; i < entries.length; i++) observer.observe(entries[i].box);
    }
    new MutationObserver(function () { drawAll(false); }).observe(
      document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    window.addEventListener("beforeprint", function () { drawAll(true); });
    window.addEventListener("afterprint", function () { drawAll(false); });
  }

  function start() {
    if (!window.echarts) return;
    for (var i = 0; i < entries.length; i++) entries[i].box.hidden = false;
    drawAll(false);
    follow();
  }

  function load() {
    var script = document.createElement("script");
    script.src = new URL(LIBRARY, self.src).href;
    script.onload = start;
    document.head.appendChild(script);
  }

  collect();
  if (!entries.length || !self) return;
  /* After the page's own load: reading and sorting the tables comes first, the charts
   * (700 KB to parse) a moment later. */
  if (document.readyState === "complete") load();
  else window.addEventListener("load", load);
})();
