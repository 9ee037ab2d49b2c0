/* Site search with Pagefind: its UI and index chunks come from this site only.
   The query can come from the address (search.html?q=words), e.g. the home page form. */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("hpkb-search");
    if (!root || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    /* An absolute URL: Pagefind imports its modules from it. */
    var bundle = new URL(root.dataset.bundle.replace(/\/?$/, "/"), document.baseURI).href;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = bundle + "pagefind-ui.js";
    /* Load the search engine and its wasm while the reader types, not after. */
    import(bundle + "pagefind.js").then(function (engine) {
      if (engine.options) { engine.options({ bundlePath: bundle }); }
      if (engine.init) { engine.init(); }
    }).catch(function () { /* the UI reports problems itself */ });
    script.onload = function () {
      /* global PagefindUI */
      var ui = new PagefindUI({ element: "#hpkb-search", bundlePath: bundle,
                                showImages: false, resetStyles: false,
                                debounceTimeoutMs: 60,
                                translations: { placeholder: "Search entries" } });
      /* Pagefind names its box only by a title; give it a real accessible name. */
      var box = root.querySelector("input[type=text], input[type=search]");
      if (box) {
        box.setAttribute("aria-label", "Search entries");
        /* Pagefind UI readies its engine when the box gets focus, and a search typed
           before that waits for it in 50 ms steps: ready it now (focus stays put). */
        box.dispatchEvent(new FocusEvent("focus"));
      }
      var query = new URLSearchParams(window.location.search).get("q");
      if (query) { ui.triggerSearch(query); }
    };
    document.head.appendChild(script);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
