/*
 * tables.js — 表格排序与筛选 / table sorting and filtering.
 *
 * - Every Markdown table (`article table:not([class])`) becomes sortable by
 *   clicking a header cell (Tablesort, vendored in assets/vendor/tablesort/).
 * - Tables with more than FILTER_MIN_ROWS body rows get a search box placed
 *   before them that hides the rows whose text does not contain the typed
 *   text (case-insensitive), plus a counter "显示 N / M 行".
 *
 * Plain ES5, no network access, no innerHTML: only textContent / DOM APIs.
 * Must be loaded after tablesort.min.js and tablesort.number.min.js.
 */
(function () {
  "use strict";

  var FILTER_MIN_ROWS = 10;
  var INIT_ATTR = "data-tables-js";          // double-init guard on <table>
  var HIDDEN_ATTR = "data-filtered-out";     // marks rows hidden by the filter

  function bodyRows(table) {
    var rows = [];
    var i, j, body;
    for (i = 0; i < table.tBodies.length; i++) {
      body = table.tBodies[i];
      for (j = 0; j < body.rows.length; j++) {
        rows.push(body.rows[j]);
      }
    }
    return rows;
  }

  function normalise(text) {
    return String(text || "").replace(/\s+/g, " ").toLowerCase();
  }

  /* The element the filter bar is placed before: the table itself, or the
   * outermost wrapper Material puts around tables (so the search box does
   * not scroll horizontally together with a wide table). */
  function anchorOf(table) {
    var node = table;
    var parent = node.parentNode;
    while (parent && parent.className && typeof parent.className === "string" &&
           /(^|\s)md-typeset__(table|scrollwrap)(\s|$)/.test(parent.className)) {
      node = parent;
      parent = node.parentNode;
    }
    return node;
  }

  function setCount(counter, shown, total) {
    counter.textContent = "显示 " + shown + " / " + total + " 行";
  }

  function addFilter(table) {
    var rows = bodyRows(table);
    var total = rows.length;
    if (total <= FILTER_MIN_ROWS) return;

    /* Row texts are cached once: sorting moves rows but keeps the elements. */
    var texts = [];
    var i;
    for (i = 0; i < total; i++) {
      texts.push(normalise(rows[i].textContent));
    }

    var bar = document.createElement("div");
    bar.className = "table-filter-wrap";

    var input = document.createElement("input");
    input.type = "search";
    input.className = "table-filter";
    input.setAttribute("placeholder", "输入文字筛选表格…");
    input.setAttribute("aria-label", "输入文字筛选表格行");
    input.setAttribute("autocomplete", "off");

    var counter = document.createElement("span");
    counter.className = "table-filter-count";
    counter.setAttribute("aria-live", "polite");
    setCount(counter, total, total);

    bar.appendChild(input);
    bar.appendChild(counter);

    var anchor = anchorOf(table);
    anchor.parentNode.insertBefore(bar, anchor);

    var last = null;
    function apply() {
      var query = normalise(input.value).replace(/^ | $/g, "");
      if (query === last) return;
      last = query;
      var shown = 0;
      var k, row, match;
      for (k = 0; k < total; k++) {
        row = rows[k];
        match = query === "" || texts[k].indexOf(query) !== -1;
        if (match) {
          shown++;
          if (row.hasAttribute(HIDDEN_ATTR)) {
            row.removeAttribute(HIDDEN_ATTR);
            row.hidden = false;
          }
        } else if (!row.hasAttribute(HIDDEN_ATTR)) {
          row.setAttribute(HIDDEN_ATTR, "");
          row.hidden = true;
        }
      }
      setCount(counter, shown, total);
    }

    input.addEventListener("input", apply, false);
    /* "search" fires when the native clear button (×) is used. */
    input.addEventListener("search", apply, false);
  }

  function setup(table) {
    if (table.getAttribute(INIT_ATTR) !== null) return;   // already done
    table.setAttribute(INIT_ATTR, "");

    if (typeof window.Tablesort === "function") {
      try {
        new window.Tablesort(table);
      } catch (err) {
        if (window.console) window.console.warn("tables.js: Tablesort", err);
      }
    }
    addFilter(table);
  }

  function run() {
    var tables = document.querySelectorAll("article table:not([class])");
    var i;
    for (i = 0; i < tables.length; i++) {
      setup(tables[i]);
    }
  }

  /* Material emits document$ on every page load (and on every instant
   * navigation, should navigation.instant ever be enabled). */
  if (typeof window.document$ !== "undefined" &&
      window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { run(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run, false);
  } else {
    run();
  }
})();
