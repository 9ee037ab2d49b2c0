/* Practice finder: facet filters over the plain list. Local code, no third parties.
   Without JavaScript the page is the full list; with it, checkboxes filter instantly. */
(function () {
  "use strict";
  var FACETS = [
    ["rating", "Does it work?"], ["focus", "Focus"], ["theme", "Theme"],
    ["region", "Region"], ["organisation", "Organisation"], ["stage", "Stage"],
    ["target_group", "Target group"], ["force", "Shared by"]
  ];
  function start() {
    var root = document.getElementById("hpkb-finder");
    var list = document.getElementById("hpkb-finder-list");
    var count = document.getElementById("hpkb-finder-count");
    if (!root || !list || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    fetch(root.dataset.source).then(function (r) { return r.json(); }).then(function (data) {
      var items = data.items;
      var label = function (facet, value) { return data.labels[facet + ":" + value] || value; };
      var byId = {};
      items.forEach(function (item) { byId[item.id] = item; });
      var form = document.createElement("form");
      form.className = "hpkb-finder-facets";
      form.setAttribute("aria-label", "Filter practice");
      FACETS.forEach(function (facet, f) {
        var values = {};
        items.forEach(function (item) {
          (item.facets[facet[0]] || []).forEach(function (v) { values[v] = (values[v] || 0) + 1; });
        });
        var names = Object.keys(values).sort(function (a, b) {
          return label(facet[0], a).localeCompare(label(facet[0], b));
        });
        if (!names.length) { return; }
        var set = document.createElement("fieldset");
        var legend = document.createElement("legend");
        legend.textContent = facet[1];
        set.appendChild(legend);
        names.forEach(function (v, i) {
          var id = "hpkb-f" + f + "-" + i;
          var box = document.createElement("input");
          box.type = "checkbox"; box.id = id; box.name = facet[0]; box.value = v;
          var lab = document.createElement("label");
          lab.htmlFor = id;
          lab.appendChild(box);
          lab.appendChild(document.createTextNode(" " + label(facet[0], v) + " (" + values[v] + ")"));
          set.appendChild(lab);
        });
        form.appendChild(set);
      });
      root.appendChild(form);
      function apply() {
        var chosen = {};
        form.querySelectorAll("input:checked").forEach(function (box) {
          (chosen[box.name] = chosen[box.name] || []).push(box.value);
        });
        var shown = 0;
        list.querySelectorAll("li[data-id]").forEach(function (li) {
          var item = byId[li.dataset.id];
          var ok = Object.keys(chosen).every(function (name) {
            var have = item.facets[name] || [];
            return chosen[name].some(function (v) { return have.indexOf(v) !== -1; });
          });
          li.hidden = !ok;
          if (ok) { shown += 1; }
        });
        count.textContent = shown + " of " + items.length + " practice entries";
      }
      form.addEventListener("change", apply);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
