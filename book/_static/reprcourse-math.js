/* reprcourse: keep punctuation with the inline formula before it.
 *
 * Chromium may break a line between a MathJax formula (an inline box) and the comma or full
 * stop after it, which leaves the punctuation alone at the start of the next line. Once
 * MathJax has typeset the page, each inline formula followed by punctuation is wrapped,
 * together with that punctuation, in a span that does not wrap (`.math-nowrap`, see
 * reprcourse.css).
 */
(function () {
  "use strict";
  var PUNCTUATION = /^[.,;:!?)\u2019\u201d]+/;

  function glue() {
    document.querySelectorAll("mjx-container:not([display='true'])").forEach(function (math) {
      // Sphinx wraps inline math in <span class="math">, whose next sibling is the text
      var box = math.parentNode.classList.contains("math") ? math.parentNode : math;
      var next = box.nextSibling;
      if (!next || next.nodeType !== Node.TEXT_NODE) { return; }
      var match = PUNCTUATION.exec(next.data);
      if (!match) { return; }
      var span = document.createElement("span");
      span.className = "math-nowrap";
      box.parentNode.insertBefore(span, box);
      span.appendChild(box);
      span.appendChild(document.createTextNode(match[0]));
      next.data = next.data.slice(match[0].length);
    });
  }

  function markWide() {
    var inline = document.querySelectorAll("mjx-container:not([display='true'])");
    inline.forEach(function (math) { math.classList.remove("rc-math-wide"); });
    inline.forEach(function (math) {
      var block = math.parentNode.closest("p, li, dd, td, th, div") || math.parentNode;
      if (math.getBoundingClientRect().width > block.clientWidth + 1) {
        math.classList.add("rc-math-wide");
      }
    });
  }

  var SCROLL_BOXES = ".cell_output, .rc-frame, div.math, mjx-container[display='true'], " +
    "mjx-container.rc-math-wide";

  function more(box) {
    var left = box.scrollLeft > 1;
    var right = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
    box.dataset.more = left && right ? "both" : left ? "left" : right ? "right" : "none";
  }

  function markScrollBoxes() {
    document.querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 &&
        /auto|scroll/.test(getComputedStyle(box).overflowX);
      box.classList.toggle("rc-scroll-x", scrolls);
      if (scrolls) {
        more(box);
        if (!box.dataset.rcWatched) {
          box.dataset.rcWatched = "1";
          box.addEventListener("scroll", function () { more(box); }, {passive: true});
        }
      } else {
        delete box.dataset.more;
      }
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.rcTabstop = "1";
      } else if (!scrolls && box.dataset.rcTabstop) {
        box.removeAttribute("tabindex");
        delete box.dataset.rcTabstop;
      }
    });
  }

  function relayout() {
    markWide();
    markScrollBoxes();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(relayout, 150);
  });
  window.addEventListener("load", markScrollBoxes);

  function whenTypeset(triesLeft) {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(glue).then(relayout);
    } else if (triesLeft > 0) {
      setTimeout(function () { whenTypeset(triesLeft - 1); }, 100);
    }
  }

  window.addEventListener("load", function () { whenTypeset(100); });
})();
