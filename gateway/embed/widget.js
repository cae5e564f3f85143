/*
 * Volunteering search widget for partner websites.
 *
 *   <div data-volunteering-widget>
 *     <a href="https://HOST/search?postcode=LS1">Find volunteering near you</a>
 *   </div>
 *   <script src="https://HOST/embed/v1/widget.js" data-key="vmp_..." data-postcode="LS1 4DY"
 *           data-causes="environment,health" data-radius-km="10" async></script>
 *
 * The widget draws a search box and results inside a shadow root, so the partner's CSS
 * cannot reach it and its CSS cannot leak out. It mounts into the element marked
 * data-volunteering-widget just before the script (replacing the plain link, which is what
 * people without JavaScript keep), or into a new element after the script.
 *
 * Plain ES2017 with no dependencies or build step: partners paste one tag, and the file is
 * small enough to read before trusting it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src).origin;
  var opts = {
    key: script.getAttribute("data-key") || "",
    postcode: script.getAttribute("data-postcode") || "",
    causes: script.getAttribute("data-causes") || "",
    radius: script.getAttribute("data-radius-km") || "10",
    perPage: script.getAttribute("data-results") || "5",
    title: script.getAttribute("data-title") || "Find volunteering near you"
  };
  var RADII = ["1", "3", "5", "10", "25", "50"];
  if (RADII.indexOf(opts.radius) < 0) { RADII.push(opts.radius); }
  var uid = "vmpw-" + Math.random().toString(36).slice(2, 8);

  // Colours meet WCAG 2.2 AA contrast on white (4.5:1 text, 3:1 focus indicator).
  var CSS = [
    // !important on :host: for important rules the shadow tree's own wins, so a partner's
    // "* { font-size: 40px !important }" on the host element cannot reach inside.
    ":host{all:initial!important;display:block!important;font-family:system-ui,-apple-system,",
    "'Segoe UI',Arial,sans-serif!important;font-size:16px!important;line-height:1.4!important;",
    "color:#0b0c0c!important;background:#fff!important;border:1px solid #505a5f!important;",
    "padding:16px!important;max-width:640px!important;box-sizing:border-box!important}",
    // Sizes in em or px, never rem: rem follows the partner page's root font size.
    "*,*::before,*::after{box-sizing:inherit}",
    "h2{font-size:1.25em;margin:0 0 12px}",
    "h3{font-size:1em;margin:0 0 4px}",
    "form{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:0 0 12px}",
    ".field{display:flex;flex-direction:column;gap:4px}",
    "label{font-weight:700}",
    "input,select{font:inherit;color:inherit;background:#fff;border:2px solid #0b0c0c;padding:6px;min-height:44px}",
    "input{width:9em}",
    "button{font:inherit;font-weight:700;color:#fff;background:#00703c;border:2px solid transparent;",
    "padding:8px 14px;min-height:44px;cursor:pointer}",
    "button:hover{background:#005a30}",
    "input:focus,select:focus,button:focus,a:focus{outline:3px solid #ffdd00;outline-offset:0;",
    "box-shadow:0 0 0 6px #0b0c0c}",
    "a{color:#1d70b8;text-decoration:underline;text-underline-offset:2px}",
    "a:visited{color:#4c2c92}",
    "a:focus{color:#0b0c0c;background:#ffdd00;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c;outline:none}",
    "ol{list-style:none;margin:0;padding:0}",
    "li{border-top:1px solid #b1b4b6;padding:10px 0}",
    "p{margin:0 0 8px}",
    ".meta{color:#505a5f;font-size:.9em;margin:0}",
    ".error{color:#d4351c;font-weight:700}",
    ".more{margin:12px 0 0}",
    "@media (max-width:320px){:host{padding:8px!important}input{width:100%}}"
  ].join("");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function mountPoint() {
    var before = script.previousElementSibling;
    if (before && before.hasAttribute("data-volunteering-widget")) { return before; }
    var host = el("div", { "data-volunteering-widget": "" });
    script.parentNode.insertBefore(host, script.nextSibling);
    return host;
  }

  function attachStyles(root) {
    // Constructed style sheets are not inline styles, so a partner's strict CSP
    // (style-src without 'unsafe-inline') still lets the widget style itself.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", {}, [CSS]));
    }
  }

  function searchUrl(path, postcode, radius) {
    var params = new URLSearchParams();
    if (postcode) { params.set("postcode", postcode); params.set("radius_km", radius); }
    if (opts.causes) { params.set("causes", opts.causes); }
    if (path.indexOf("/api/") === 0) { params.set("per_page", opts.perPage); }
    return base + path + "?" + params.toString();
  }

  function distance(result) {
    if (result.remote) { return "Remote"; }
    if (typeof result.distance_km !== "number") { return ""; }
    var miles = result.distance_km / 1.609344;
    return (miles < 10 ? miles.toFixed(1) : Math.round(miles)) + " miles away";
  }

  function resultItem(result) {
    var link = el("a", { href: base + "/opportunities/" + encodeURIComponent(result.id) }, [result.title]);
    var meta = [result.organisation && result.organisation.name, distance(result)]
      .filter(Boolean).join(" · ");
    var children = [el("h3", {}, [link])];
    if (meta) { children.push(el("p", { "class": "meta" }, [meta])); }
    if (result.summary) { children.push(el("p", {}, [result.summary])); }
    return el("li", {}, children);
  }

  function problemText(body) {
    if (body && body.errors) {
      var first = Object.keys(body.errors)[0];
      if (first) { return body.errors[first][0]; }
    }
    return (body && body.detail) || "The search did not work. Try again.";
  }

  function build(host) {
    var root = host.attachShadow({ mode: "open" });
    attachStyles(root);
    var postcode = el("input", {
      id: uid + "-postcode", name: "postcode", type: "text", autocomplete: "postal-code",
      spellcheck: "false", value: opts.postcode
    });
    var radius = el("select", { id: uid + "-radius", name: "radius_km" }, RADII.map(function (km) {
      var option = el("option", { value: km }, ["Within " + km + " km"]);
      if (km === opts.radius) { option.setAttribute("selected", ""); }
      return option;
    }));
    var form = el("form", { role: "search", "aria-labelledby": uid + "-title", novalidate: "" }, [
      el("div", { "class": "field" }, [el("label", { "for": postcode.id }, ["Postcode"]), postcode]),
      el("div", { "class": "field" }, [el("label", { "for": radius.id }, ["Distance"]), radius]),
      el("button", { type: "submit" }, ["Search"])
    ]);
    var status = el("p", { role: "status", "aria-live": "polite", "data-state": "idle" });
    var list = el("ol", { "aria-labelledby": uid + "-title" });
    var more = el("a", { "class": "more", href: searchUrl("/search", opts.postcode, opts.radius) },
      ["See all volunteering opportunities"]);
    var wrapper = el("section", { "aria-labelledby": uid + "-title" }, [
      el("h2", { id: uid + "-title" }, [opts.title]), form, status, list, el("p", { "class": "more" }, [more])
    ]);
    root.appendChild(wrapper);

    function show(state, text) {
      status.setAttribute("data-state", state);
      status.className = state === "error" ? "error" : "";
      status.textContent = text;
    }

    function run() {
      var pc = postcode.value.trim();
      more.setAttribute("href", searchUrl("/search", pc, radius.value));
      show("loading", "Searching…");
      var headers = opts.key ? { "X-Api-Key": opts.key } : {};
      return fetch(searchUrl("/api/v1/search", pc, radius.value), { headers: headers, credentials: "omit" })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (answer) {
          while (list.firstChild) { list.removeChild(list.firstChild); }
          if (!answer.ok) { show("error", problemText(answer.body)); return; }
          var results = answer.body.results || [];
          results.forEach(function (r) { list.appendChild(resultItem(r)); });
          var total = answer.body.total || 0;
          show("results", total === 0 ? "No opportunities found. Try a bigger distance."
            : total === 1 ? "1 opportunity found." : total + " opportunities found.");
        })
        .catch(function () {
          // A refused origin ends here too: the browser hides the CORS failure from scripts.
          while (list.firstChild) { list.removeChild(list.firstChild); }
          show("error", "Search is not available on this website. Use the link below instead.");
        });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    return run;
  }

  build(mountPoint())();
}());
