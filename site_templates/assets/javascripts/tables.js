/*
 * tables.js — 表格排序、筛选与分页 / table sorting, filtering and paging.
 *
 * - Every data table (`article table:not([class])`) becomes sortable by clicking a header
 *   cell (Tablesort, vendored in assets/vendor/tablesort/).
 * - Tables with more than FILTER_MIN_ROWS body rows get a search box placed before them
 *   that hides the rows whose text does not contain the typed text (case-insensitive),
 *   plus a counter "显示 N / M 行".
 * - Key/value tables (inside `.kv-table`: a record's 项目/内容, a form's fixed rows) are
 *   left alone: sorting or filtering them makes no sense.
 * - A paged table (`.detail-table[data-paged]`, generator/render/site_tables.py) carries
 *   its rows as JSON data (`script.table-data`) and the first page of them as HTML. Only
 *   one page of rows is in the document at a time, so that a county page with thousands
 *   of rows is usable at once; the filter and the sort work on all the data, a pager moves
 *   between pages, a link to a row's anchor (#f-…, from the site search) opens the page
 *   holding it, and every row is drawn before printing.
 *
 * Plain ES5, no network access, no innerHTML: only textContent / DOM APIs.
 * Must be loaded after tablesort.min.js and tablesort.number.min.js.
 */
(function () {
  "use strict";

  var FILTER_MIN_ROWS = 10;
  var INIT_ATTR = "data-tables-js";          // double-init guard on <table>
  var HIDDEN_ATTR = "data-filtered-out";     // marks rows hidden by the filter
  var collator = typeof Intl !== "undefined" && Intl.Collator ?
    new Intl.Collator("zh", { numeric: true }) : null;

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

  function filterBar(table) {
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
    bar.appendChild(input);
    bar.appendChild(counter);
    var anchor = anchorOf(table);
    anchor.parentNode.insertBefore(bar, anchor);
    return { bar: bar, input: input, counter: counter };
  }

  function onInput(input, apply) {
    input.addEventListener("input", apply, false);
    /* "search" fires when the native clear button (×) is used. */
    input.addEventListener("search", apply, false);
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
    var ui = filterBar(table);
    setCount(ui.counter, total, total);

    var last = null;
    onInput(ui.input, function () {
      var query = normalise(ui.input.value).replace(/^ | $/g, "");
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
      setCount(ui.counter, shown, total);
    });
  }

  /* ---- paged tables ------------------------------------------------------------------ */

  function partText(part) {
    if (typeof part === "string") return part;
    return part.b !== undefined ? part.b : part.a !== undefined ? part.a : part.k;
  }

  function cellText(cell) {
    var out = [];
    for (var i = 0; i < cell.length; i++) out.push(partText(cell[i]));
    return out.join(" ");
  }

  /* A cell drawn as site_tables.py draws it: parts separated by <br>. */
  function drawCell(cell) {
    var td = document.createElement("td");
    var i, part, node;
    for (i = 0; i < cell.length; i++) {
      if (i > 0) td.appendChild(document.createElement("br"));
      part = cell[i];
      if (typeof part === "string") {
        node = document.createTextNode(part);
      } else if (part.b !== undefined) {
        node = document.createElement("span");
        node.className = part.c;
        node.textContent = part.b;
      } else if (part.a !== undefined) {
        node = document.createElement("a");
        node.setAttribute("href", part.h);
        node.textContent = part.a;
      } else {
        node = document.createElement("code");
        node.textContent = part.k;
      }
      td.appendChild(node);
    }
    return td;
  }

  function drawRow(row) {
    var tr = document.createElement("tr");
    if (row.id) tr.id = row.id;
    for (var i = 0; i < row.c.length; i++) tr.appendChild(drawCell(row.c[i]));
    return tr;
  }

  function pagerButton(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "table-pager-button md-button";
    b.textContent = label;
    b.addEventListener("click", onClick, false);
    return b;
  }

  function setupPaged(table, box, script) {
    var data = JSON.parse(script.textContent);
    var size = parseInt(box.getAttribute("data-paged"), 10) || 100;
    var texts = null;  // the rows' texts, made at the first filtering, not at load
    var i;
    function rowTexts() {
      if (texts === null) {
        texts = [];
        for (var r = 0; r < data.length; r++) {
          var parts = [];
          for (var c = 0; c < data[r].c.length; c++) parts.push(cellText(data[r].c[c]));
          texts.push(normalise(parts.join(" ")));
        }
      }
      return texts;
    }
    var state = { order: data.slice(), shown: data.slice(), page: 0, query: "" };
    var ui = filterBar(table);
    var pager = document.createElement("div");
    pager.className = "table-pager";
    var info = document.createElement("span");
    info.className = "table-pager-info";
    var prev = pagerButton("上一页", function () { go(state.page - 1); });
    var next = pagerButton("下一页", function () { go(state.page + 1); });
    pager.appendChild(prev);
    pager.appendChild(info);
    pager.appendChild(next);
    ui.bar.appendChild(pager);
    var body = table.tBodies[0];

    function draw(rows) {
      var fresh = document.createElement("tbody");
      for (var k = 0; k < rows.length; k++) fresh.appendChild(drawRow(rows[k]));
      table.replaceChild(fresh, body);
      body = fresh;
    }

    function go(page) {
      var pages = Math.max(1, Math.ceil(state.shown.length / size));
      state.page = Math.min(Math.max(page, 0), pages - 1);
      var from = state.page * size;
      draw(state.shown.slice(from, from + size));
      setCount(ui.counter, state.shown.length, data.length);
      info.textContent = "第 " + (state.page + 1) + " / " + pages + " 页";
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }

    function refilter() {
      var q = state.query;
      var all = q === "" ? null : rowTexts();
      state.shown = [];
      for (var k = 0; k < state.order.length; k++) {
        var row = state.order[k];
        if (all === null || all[row.__i].indexOf(q) !== -1) state.shown.push(row);
      }
    }

    for (i = 0; i < data.length; i++) data[i].__i = i;
    onInput(ui.input, function () {
      var query = normalise(ui.input.value).replace(/^ | $/g, "");
      if (query === state.query) return;
      state.query = query;
      refilter();
      go(0);
    });
    sortable(table, function (column, descending) {
      state.order = data.slice().sort(function (a, b) {
        var x = cellText(a.c[column]), y = cellText(b.c[column]);
        var d = collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
        return (descending ? -d : d) || a.__i - b.__i;
      });
      refilter();
      go(0);
    });
    function reveal() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      if (!id) return;
      for (var k = 0; k < state.shown.length; k++) {
        if (state.shown[k].id === id) {
          go(Math.floor(k / size));
          var row = document.getElementById(id);
          if (row) {
            row.setAttribute("data-target", "");
            row.scrollIntoView();
          }
          return;
        }
      }
    }
    /* Printing shows every row; the page shown before comes back afterwards. */
    window.addEventListener("beforeprint", function () { draw(state.shown); }, false);
    window.addEventListener("afterprint", function () { go(state.page); }, false);
    window.addEventListener("hashchange", reveal, false);
    go(0);
    reveal();
  }

  /* Header clicks sort the data of a paged table (aria-sort as Tablesort sets it, so the
   * theme draws the same arrows). */
  function sortable(table, sort) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var i;
    for (i = 0; i < heads.length; i++) {
      (function (th, column) {
        th.setAttribute("role", "columnheader");
        th.setAttribute("tabindex", "0");
        th.addEventListener("click", function () {
          var descending = th.getAttribute("aria-sort") === "ascending";
          for (var k = 0; k < heads.length; k++) heads[k].removeAttribute("aria-sort");
          th.setAttribute("aria-sort", descending ? "descending" : "ascending");
          sort(column, descending);
        }, false);
      })(heads[i], i);
    }
  }

  function setup(table) {
    if (table.getAttribute(INIT_ATTR) !== null) return;   // already done
    table.setAttribute(INIT_ATTR, "");
    if (table.closest && table.closest(".kv-table")) return;
    var box = table.closest ? table.closest(".detail-table[data-paged]") : null;
    var script = box ? box.querySelector("script.table-data") : null;
    if (script) {
      setupPaged(table, box, script);
      return;
    }
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
