/* Site search over hpkb's own index (site/search-index, written by hpkb.site_search).
   Everything is fetched from this site; a query fetches only the term files for its
   words, then the result cards it shows. The query can come from the address
   (search.html?q=words), e.g. the home page form. Local code, no third parties. */
(function () {
  "use strict";
  var PAGE = 10;           /* results shown at a time */
  var K1 = 1.2, B = 0.75;  /* BM25's usual constants */
  /* Match kinds and their weight: the word itself, a word of the same stem (the index
     holds each term's Porter stem), a word that starts with what was typed. */
  var EXACT = 1, SAME_STEM = 0.9, STEM_OF_WORD = 0.8, STARTS_WITH = 0.6;

  /* Words as hpkb.site_search.tokens makes them: lower case, compatibility forms and
     accents dropped, runs of letters and digits of any script. */
  function tokens(text) {
    var folded = String(text).toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "");
    return folded.match(/[\p{L}\p{N}]+/gu) || [];
  }
  function hex(text) {
    return Array.from(new TextEncoder().encode(text), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }
  window.hpkbSearchTokens = tokens;  /* the browser test holds it to the Python one */

  function start() {
    var root = document.getElementById("hpkb-search");
    if (!root || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var base = new URL(root.dataset.index.replace(/\/?$/, "/"), document.baseURI);
    var site = new URL("../", base);
    var form = document.getElementById("hpkb-search-form");
    var box = document.getElementById("hpkb-search-box");
    var status = document.getElementById("hpkb-search-status");
    var list = document.getElementById("hpkb-search-results");
    /* Made here, not in the page: the page's HTML holds only what hpkb.html_check allows. */
    var kindsSet = document.createElement("fieldset");
    kindsSet.className = "hpkb-search-kinds";
    kindsSet.hidden = true;
    var legend = document.createElement("legend");
    legend.textContent = "Kind";
    kindsSet.appendChild(legend);
    form.after(kindsSet);
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button";
    more.textContent = "More results";
    more.hidden = true;
    list.after(more);
    box.autocomplete = "off";
    var fetched = {};
    function load(rel) {
      if (!fetched[rel]) {
        fetched[rel] = fetch(new URL(rel, base)).then(function (r) {
          if (!r.ok) { throw new Error(rel + ": " + r.status); }
          return r.json();
        }).catch(function (problem) {
          delete fetched[rel];  /* a later search tries again */
          throw problem;
        });
      }
      return fetched[rel];
    }
    function meta() { return load("meta.json"); }
    meta().catch(function () { /* a search reports it, and tries again */ });
    var shown = [], ranked = [], matchedTerms = {}, run = 0, timer = null;

    /* The term files a word needs: those whose start begins it, and, for a word long
       enough to match as a beginning, those it begins. */
    function shardsFor(word, last, info) {
      var starts = info.shards.filter(function (s) {
        return word.indexOf(s) === 0 || (word.length >= (last ? 2 : 3) && s.indexOf(word) === 0);
      });
      return Promise.all(starts.map(function (s) { return load("terms/" + hex(s) + ".json"); }));
    }

    /* Each word's matching terms → {entry: score}. */
    function scoresFor(word, last, info, matched) {
      return shardsFor(word, last, info).then(function (shards) {
        var terms = {};
        shards.forEach(function (shard) {
          Object.keys(shard).forEach(function (t) { terms[t] = shard[t]; });
        });
        var own = terms[word] ? (terms[word][0] || word) : null;
        var weights = {};
        Object.keys(terms).forEach(function (t) {
          var stem = terms[t][0] || t, w = 0;
          if (t === word) { w = EXACT; }
          else if (own !== null && stem === own) { w = SAME_STEM; }
          else if (own === null && stem.length >= 3 && word.indexOf(stem) === 0) { w = STEM_OF_WORD; }
          else if (word.length >= (last ? 2 : 3) && t.indexOf(word) === 0) { w = STARTS_WITH; }
          if (w) { weights[t] = w; }
        });
        var count = info.entries.length, scores = {};
        Object.keys(weights).forEach(function (t) {
          var postings = terms[t], df = (postings.length - 1) / 2;
          var idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
          matched[t] = true;
          for (var i = 1; i < postings.length; i += 2) {
            var entry = postings[i], tf = postings[i + 1] >> 1, title = postings[i + 1] & 1;
            var length = info.entries[entry][2] || 1;
            var s = weights[t] * idf * tf * (K1 + 1) /
                    (tf + K1 * (1 - B + B * length / (info.average || 1))) * (title ? 3 : 1);
            if (!(entry in scores) || scores[entry] < s) { scores[entry] = s; }
          }
        });
        return scores;
      });
    }

    function chosenKinds() {
      var boxes = kindsSet.querySelectorAll("input:checked");
      return Array.prototype.map.call(boxes, function (b) { return Number(b.value); });
    }

    /* One box per kind the results hold (or the reader chose), with its count. Boxes are
       kept, not made again, so a box the reader is on keeps the focus. */
    function showKinds(info, entries) {
      var keep = chosenKinds();
      var counts = info.kinds.map(function () { return 0; });
      entries.forEach(function (e) { counts[info.entries[e][1]] += 1; });
      info.kinds.forEach(function (name, k) {
        var id = "hpkb-search-kind-" + k;
        var input = document.getElementById(id);
        var wanted = counts[k] > 0 || keep.indexOf(k) !== -1;
        if (!wanted) {
          if (input) { input.parentNode.remove(); }
          return;
        }
        if (!input) {
          input = document.createElement("input");
          input.type = "checkbox"; input.id = id; input.value = String(k);
          var label = document.createElement("label");
          label.htmlFor = id;
          label.appendChild(input);
          label.appendChild(document.createTextNode(""));
          var after = Array.prototype.find.call(kindsSet.querySelectorAll("input"),
                                                function (other) { return Number(other.value) > k; });
          kindsSet.insertBefore(label, after ? after.parentNode : null);
        }
        input.nextSibling.textContent = " " + name + " (" + counts[k] + ")";
      });
      kindsSet.hidden = entries.length === 0;
    }

    function excerpt(card) {
      /* About 30 words around the first matched word, matched words marked. */
      var text = card.summary + " " + card.text, words = [], re = /[\p{L}\p{N}]+/gu, m;
      while ((m = re.exec(text)) !== null && words.length < 20000) {
        words.push([m.index, m.index + m[0].length, matchedTerms[tokens(m[0])[0]] === true]);
      }
      var first = 0;
      for (var i = 0; i < words.length; i += 1) { if (words[i][2]) { first = i; break; } }
      var from = Math.max(0, first - 10), to = Math.min(words.length, from + 30);
      var p = document.createElement("p");
      p.className = "hpkb-search-excerpt";
      if (!words.length) { return p; }
      var at = words[from][0];
      if (from > 0) { p.appendChild(document.createTextNode("… ")); }
      for (var j = from; j < to; j += 1) {
        if (!words[j][2]) { continue; }
        p.appendChild(document.createTextNode(text.slice(at, words[j][0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(words[j][0], words[j][1]);
        p.appendChild(mark);
        at = words[j][1];
      }
      p.appendChild(document.createTextNode(text.slice(at, words[to - 1][1]) +
                                            (to < words.length ? " …" : "")));
      return p;
    }

    function card(data) {
      var li = document.createElement("li");
      var heading = document.createElement("h2");
      var a = document.createElement("a");
      a.href = new URL(data.url, site).href;
      a.textContent = data.title;
      heading.appendChild(a);
      var kind = document.createElement("p");
      kind.className = "hpkb-search-kind";
      kind.textContent = data.kind + (data.by ? " · shared by " + data.by : "");
      li.appendChild(heading);
      li.appendChild(kind);
      li.appendChild(excerpt(data));
      return li;
    }

    /* The next ten results, each shown as soon as it and those above it have arrived. */
    function showMore(info, mine) {
      var next = ranked.slice(shown.length, shown.length + PAGE);
      shown = shown.concat(next);
      more.hidden = true;
      list.setAttribute("aria-busy", "true");
      var cards = next.map(function (e) {
        return load("docs/" + info.entries[e][0].replace(/:/g, "/") + ".json");
      });
      return cards.reduce(function (before, arriving) {
        return before.then(function () { return arriving; }).then(function (data) {
          if (mine === run) { list.appendChild(card(data)); }
        });
      }, Promise.resolve()).then(function () {
        if (mine === run) {
          more.hidden = shown.length >= ranked.length;
          list.removeAttribute("aria-busy");
        }
      });
    }

    function search(query, keepKinds) {
      var mine = ++run;
      var words = tokens(query);
      if (!keepKinds) { kindsSet.querySelectorAll("input").forEach(function (b) { b.checked = false; }); }
      if (!words.length) {
        list.textContent = ""; more.hidden = true; kindsSet.hidden = true;
        list.removeAttribute("aria-busy");
        status.textContent = "";
        return Promise.resolve();
      }
      return meta().then(function (info) {
        var matched = {};
        return Promise.all(words.map(function (w, i) {
          return scoresFor(w, i === words.length - 1, info, matched);
        })).then(function (each) {
          if (mine !== run) { return; }
          matchedTerms = matched;
          var total = {};
          Object.keys(each[0]).forEach(function (e) {
            if (each.every(function (s) { return e in s; })) {
              total[e] = each.reduce(function (sum, s) { return sum + s[e]; }, 0);
            }
          });
          var all = Object.keys(total).map(Number).sort(function (a, b) {
            return total[b] - total[a] || (info.entries[a][0] < info.entries[b][0] ? -1 : 1);
          });
          showKinds(info, all);
          var kinds = chosenKinds();
          ranked = kinds.length ? all.filter(function (e) {
            return kinds.indexOf(info.entries[e][1]) !== -1;
          }) : all;
          shown = [];
          list.textContent = "";
          list.removeAttribute("aria-busy");
          status.textContent = ranked.length
            ? ranked.length + (ranked.length === 1 ? " entry matches " : " entries match ") + "“" + query + "”"
            : "No entry matches “" + query + "”. Try fewer or other words.";
          return showMore(info, mine);
        });
      }).catch(function () {
        if (mine === run) { status.textContent = "Search is not available: its index could not be read."; }
      });
    }

    function fromBox(keepKinds) {
      var query = box.value.trim();
      var address = new URL(window.location.href);
      if (query) { address.searchParams.set("q", query); } else { address.searchParams.delete("q"); }
      window.history.replaceState(null, "", address.href);
      return search(query, keepKinds);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      fromBox(false);
    });
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      /* Fetch the words' term files now: the search, after the pause, finds them read. */
      var words = tokens(box.value);
      meta().then(function (info) {
        words.forEach(function (w, i) { shardsFor(w, i === words.length - 1, info).catch(function () {}); });
      }).catch(function () { /* the search after the pause reports it */ });
      timer = window.setTimeout(function () { fromBox(false); }, 60);
    });
    kindsSet.addEventListener("change", function () { fromBox(true); });
    more.addEventListener("click", function () {
      var first = shown.length;
      meta().then(function (info) { return showMore(info, run); }).then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) { link.focus(); }  /* the reader carries on from the first new result */
      });
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      box.value = query;
      search(query, false);
    }
    root.dataset.started = "1";
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
