/* Practice finder: a keyword box, a sort and facet filters over the plain list of cards.
   Local code, no third parties. Without JavaScript the page is the full list, best
   evidence first; with it, typing and ticking filter as you go. */
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
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      var tools = document.createElement("div");
      tools.className = "hpkb-finder-tools";
      var wordsLabel = document.createElement("label");
      wordsLabel.htmlFor = "hpkb-finder-words";
      wordsLabel.textContent = "Keywords";
      var words = document.createElement("input");
      words.type = "search"; words.id = "hpkb-finder-words"; words.name = "words";
      wordsLabel.appendChild(words);
      var sortLabel = document.createElement("label");
      sortLabel.htmlFor = "hpkb-finder-sort";
      sortLabel.textContent = "Sort by";
      var sort = document.createElement("select");
      sort.id = "hpkb-finder-sort"; sort.name = "sort";
      [["evidence", "Best evidence first"], ["newest", "Newest first"], ["title", "Title (A to Z)"]]
        .forEach(function (option) {
          var o = document.createElement("option");
          o.value = option[0]; o.textContent = option[1];
          sort.appendChild(o);
        });
      sortLabel.appendChild(sort);
      tools.appendChild(wordsLabel);
      tools.appendChild(sortLabel);
      form.appendChild(tools);
      function fold(text) {
        return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      }
      items.forEach(function (item) { item.folded = fold(item.text); });
      var ORDER = {
        evidence: function (a, b) { return a.evidence - b.evidence; },
        newest: function (a, b) {
          return a.updated < b.updated ? 1 : a.updated > b.updated ? -1
            : a.title.localeCompare(b.title);
        },
        title: function (a, b) { return a.title.localeCompare(b.title); }
      };
      FACETS.forEach(function (facet, f) {
        var values = {};
        items.forEach(function (item) {
          (item.facets[facet[0]] || []).forEach(function (v) { values[v] = (values[v] || 0) + 1; });
        });
        var order = (data.orders || {})[facet[0]];
        var names = Object.keys(values).sort(order ? function (a, b) {
          return order.indexOf(a) - order.indexOf(b);
        } : function (a, b) {
          return label(facet[0], a).localeCompare(label(facet[0], b));
        });
        if (names.length < 2) { return; }  // one value filters nothing
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
        var wanted = fold(words.value).split(/\s+/).filter(Boolean);
        var cards = Array.prototype.slice.call(list.querySelectorAll("li[data-id]"));
        cards.sort(function (a, b) { return ORDER[sort.value](byId[a.dataset.id], byId[b.dataset.id]); });
        var shown = 0;
        cards.forEach(function (li) {
          var item = byId[li.dataset.id];
          var ok = Object.keys(chosen).every(function (name) {
            var have = item.facets[name] || [];
            return chosen[name].some(function (v) { return have.indexOf(v) !== -1; });
          }) && wanted.every(function (word) { return item.folded.indexOf(word) !== -1; });
          li.hidden = !ok;
          if (ok) { shown += 1; }
          list.appendChild(li);
        });
        count.textContent = shown + " of " + items.length + " practice entries";
      }
      form.addEventListener("change", apply);
      words.addEventListener("input", apply);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
