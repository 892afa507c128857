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

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markWide, 150);
  });

  function whenTypeset(triesLeft) {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(glue).then(markWide);
    } else if (triesLeft > 0) {
      setTimeout(function () { whenTypeset(triesLeft - 1); }, 100);
    }
  }

  window.addEventListener("load", function () { whenTypeset(100); });
})();
