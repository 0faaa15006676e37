"use strict";
(function () {
  var data = JSON.parse(document.getElementById("data").textContent);
  var items = document.getElementById("items");
  var FIELDS = [["title", "title"], ["date", "date"], ["issuer", "issuer"], ["doc_number", "文号"],
                ["source_url", "URL / file"], ["attachment", "attachment"], ["page", "PDF page"],
                ["locator", "locator"], ["doc_id", "doc id"]];

  function field(ev, key) {
    var value = ev[key];
    if (value === null || value === undefined || value === "") { return null; }
    var dd = document.createElement("dd");
    if (key === "source_url" && /^https?:\/\//.test(value)) {
      var a = document.createElement("a");
      a.href = value; a.textContent = value; a.rel = "noopener noreferrer"; a.target = "_blank";
      dd.appendChild(a);
    } else {
      dd.textContent = String(value);
    }
    return dd;
  }

  function show(ids) {
    items.textContent = "";
    ids.forEach(function (id) {
      var ev = data.evidence[id];
      if (!ev) { return; }
      var box = document.createElement("div");
      box.className = "ev";
      if (ev.text) {
        var quote = document.createElement("blockquote");
        quote.textContent = ev.text;
        box.appendChild(quote);
      }
      var list = document.createElement("dl");
      FIELDS.forEach(function (pair) {
        var dd = field(ev, pair[0]);
        if (!dd) { return; }
        var dt = document.createElement("dt");
        dt.textContent = pair[1];
        list.appendChild(dt);
        list.appendChild(dd);
      });
      box.appendChild(list);
      items.appendChild(box);
    });
  }

  function select(target) {
    document.querySelectorAll(".selected").forEach(function (el) { el.classList.remove("selected"); });
    target.classList.add("selected");
    show(target.getAttribute("data-ev").split(",").filter(Boolean).map(Number));
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-ev]");
    if (target) { select(target); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-ev]")) { select(event.target); }
  });
  document.getElementById("close").addEventListener("click", function () { items.textContent = ""; });

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, column) {
      th.addEventListener("click", function () {
        var ascending = !th.classList.contains("asc");
        table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(ascending ? "asc" : "desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent, y = b.cells[column].textContent;
          var nx = Number(x), ny = Number(y);
          var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
