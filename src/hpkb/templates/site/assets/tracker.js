/* Action tracker: select boxes filter the table by owner, theme, status and whether
   overdue. Local code. */
(function () {
  "use strict";
  var FACETS = [["owner", "Owner"], ["theme", "Theme"], ["status", "Status"], ["due", "Overdue?"]];
  function start() {
    var table = document.getElementById("hpkb-tracker");
    var holder = document.getElementById("hpkb-tracker-filters");
    var count = document.getElementById("hpkb-tracker-count");
    if (!table || !holder || holder.dataset.ready) { return; }
    holder.dataset.ready = "1";
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var form = document.createElement("form");
    form.className = "hpkb-finder-facets";
    form.setAttribute("aria-label", "Filter actions");
    var selects = {};
    FACETS.forEach(function (f) {
      var values = {};
      rows.forEach(function (row) {
        var value = row.dataset[f[0]];
        if (value) { values[value] = (values[value] || 0) + 1; }
      });
      var id = "hpkb-tracker-" + f[0];
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = f[1] + " ";
      var select = document.createElement("select");
      select.id = id;
      var any = document.createElement("option");
      any.value = ""; any.textContent = "Any";
      select.appendChild(any);
      Object.keys(values).sort().forEach(function (v) {
        var option = document.createElement("option");
        option.value = v; option.textContent = v + " (" + values[v] + ")";
        select.appendChild(option);
      });
      label.appendChild(select);
      form.appendChild(label);
      selects[f[0]] = select;
    });
    holder.appendChild(form);
    form.addEventListener("change", function () {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(selects).every(function (name) {
          return !selects[name].value || row.dataset[name] === selects[name].value;
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + (rows.length === 1 ? " action" : " actions");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
