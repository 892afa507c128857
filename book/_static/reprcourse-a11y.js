/* reprcourse: accessibility fixes for the theme pair and the extensions (issue 25).
 *
 * Each block fixes one finding at its source on the page, without hiding content; the browser
 * tests (tests/browser/test_site.py) check every one of them.
 *
 *  1. Navigation drawers. sphinx-book-theme 1.3.0 and pydata-sphinx-theme 0.17.1 both bind
 *     `document.querySelector(".primary-toggle")` (and ".secondary-toggle"): the first one in
 *     the page, a button pydata puts in a header the book theme hides. The visible buttons
 *     (☰ and the contents icon in the article header) had no handler: on a phone the drawers
 *     never opened, on a laptop ☰ did not collapse the sidebar (pydata-sphinx-theme#2451,
 *     sphinx-book-theme#988). A click on a visible button is forwarded to the bound one.
 *  2. Bibliography entries: docutils writes role="doc-biblioentry" (deprecated in ARIA 1.2)
 *     inside a role="list"; a list item is what they are.
 *  3. The sidebar's expand arrows (<summary> holding only an icon) get a name; the colour-mode
 *     button's icons (each with a title, read as text that its label "Color mode" lacks) are
 *     marked decorative.
 *  4. Toggle buttons and hidden cells say what they open: "Show answer", "Show solution",
 *     "Show figure description" instead of "Toggle hidden content".
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // 1. Forward the visible sidebar toggles to the one both themes bound.
  function forwardToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var all = document.querySelectorAll("." + name);
      var bound = all[0];
      var sidebar = document.getElementById(
        name === "primary-toggle" ? "pst-primary-sidebar" : "pst-secondary-sidebar");
      Array.prototype.slice.call(all, 1).forEach(function (button) {
        button.setAttribute("aria-controls", sidebar ? sidebar.id : "");
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          bound.click();
          if (sidebar && name === "primary-toggle") {
            button.setAttribute("aria-expanded",
              String(!sidebar.classList.contains("pst-sidebar-hidden")));
          }
        });
      });
    });
  }

  // 2. Bibliography entries are list items of their role="list".
  function fixBibliography() {
    document.querySelectorAll('[role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }

  // 3. The sidebar's expand arrows.
  function nameExpanders() {
    document.querySelectorAll("nav li.has-children > details > summary").forEach(function (s) {
      if (s.textContent.trim() || s.hasAttribute("aria-label")) { return; }
      var link = s.closest("li").querySelector(":scope > a");
      var title = link ? link.textContent.trim() : "this chapter";
      s.setAttribute("aria-label", "Sections of " + title);
    });
  }

  function quietIcons() {
    // Font Awesome may turn each <i title> into an <svg> with a <title> after this runs:
    // quiet both forms, now and whenever the button's content changes.
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      function quiet() {
        button.querySelectorAll("i, svg").forEach(function (icon) {
          icon.removeAttribute("title");
          icon.removeAttribute("aria-labelledby");
          icon.setAttribute("aria-hidden", "true");
          icon.querySelectorAll("title").forEach(function (t) { t.remove(); });
        });
      }
      quiet();
      new MutationObserver(quiet).observe(button, {childList: true, subtree: true});
    });
  }

  // 4. Toggles say what they open.
  function what(title) {
    // "Answer" -> "answer", "Figure description" -> "figure description"; a longer title
    // ("Answer: why 1/L?") keeps its words after the first.
    var t = title.replace(/\s+/g, " ").trim();
    return t ? t.charAt(0).toLowerCase() + t.slice(1) : "details";
  }

  function nameToggleButtons() {
    document.querySelectorAll("button.toggle-button").forEach(function (button) {
      var box = document.getElementById(button.dataset.target);
      var titleEl = box && box.querySelector(":scope > .admonition-title");
      var title = titleEl ? what(titleEl.textContent) : "details";
      function update() {
        var shown = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-label", (shown ? "Hide " : "Show ") + title);
      }
      update();
      new MutationObserver(update).observe(button, {attributes: true,
                                                    attributeFilter: ["aria-expanded"]});
    });
  }

  function nameHiddenCells() {
    document.querySelectorAll(".cell details.hide > summary").forEach(function (summary) {
      // the visible text ("Show code cell content") is the name, not "Toggle hidden content"
      summary.removeAttribute("aria-label");
      if (!summary.closest(".cell").classList.contains("tag_solution")) { return; }
      var show = summary.querySelector(".collapsed");
      var hide = summary.querySelector(".expanded");
      if (show) { show.textContent = "Show solution"; }
      if (hide) { hide.textContent = "Hide solution"; }
    });
  }

  ready(function () {
    forwardToggles();
    fixBibliography();
    nameExpanders();
    quietIcons();
    nameHiddenCells();
  });
  // sphinx-togglebutton adds its buttons on DOMContentLoaded, after this file's handler
  // would run if registered first; the load event comes after both.
  window.addEventListener("load", nameToggleButtons);
})();
