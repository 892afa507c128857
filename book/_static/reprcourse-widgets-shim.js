/* reprcourse: let the vendored ipywidgets embedder run with no network.
 *
 * Loaded (through myst-nb's `nb_ipywidgets_js`, see _config.yml) on pages whose notebook
 * stored ipywidgets state, BEFORE require.js and @jupyter-widgets/html-manager's embed-amd.js.
 * It
 *   1. tells html-manager where its assets (widget fonts) live: next to this file, in
 *      html-manager/, instead of a CDN;
 *   2. gives require.js (which reads a global `require` object as its configuration when it
 *      loads) a path for `@jupyter-widgets/html-manager/dist`, so the bundle's own module URL,
 *      and with it the font URLs, resolve to the local folder;
 *   3. provides the MathJax 2 call that html-manager still makes (`MathJax.Hub.Queue`) on top
 *      of the MathJax 3 the site loads, so widgets whose labels hold math do not throw.
 * URLs are computed from this script's own address, so the site works from any sub-folder.
 */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here) { return; }
  var base = here.slice(0, here.lastIndexOf("/") + 1);   // .../_static/
  var assets = base + "html-manager/";

  // 1. webpack public path of the html-manager bundle (its font files)
  window.__jupyter_widgets_assets_path__ = assets;

  // 2. require.js configuration, picked up when require.js loads right after this file
  var cfg = window.require && typeof window.require === "object" ? window.require : {};
  cfg.paths = cfg.paths || {};
  cfg.paths["@jupyter-widgets/html-manager/dist"] = assets.replace(/\/$/, "");
  window.require = cfg;

  // 3. MathJax 2's Hub.Queue(["Typeset", MathJax.Hub, element]) mapped onto MathJax 3
  function typeset(el) {
    var MJ = window.MathJax;
    if (!MJ || !MJ.startup || !MJ.startup.promise) { return; }
    MJ.startup.promise.then(function () {
      return MJ.typesetPromise ? MJ.typesetPromise(el ? [el] : undefined) : null;
    }).catch(function (err) { console.warn("MathJax typeset failed:", err); });
  }
  function installHub() {
    var MJ = window.MathJax;
    if (!MJ || MJ.Hub) { return; }
    MJ.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (Array.isArray(job) && job[0] === "Typeset") { typeset(job[2]); }
          else if (typeof job === "function") { job(); }
        });
      }
    };
  }
  // MathJax 3 is loaded with `defer`: it exists by DOMContentLoaded, and html-manager renders
  // widgets on `load`, after these listeners (registered first) have run.
  document.addEventListener("DOMContentLoaded", installHub);
  window.addEventListener("load", installHub);
})();
