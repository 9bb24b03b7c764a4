// Injected into a copy of a page adviz wrote (a frames player or a lesson slideshow), run by
// headless Chromium: measures what a person would see, steps through the slides, and writes
// the findings as JSON into a pre element, last in the body, for `--dump-dom` to carry back.
(function () {
  "use strict";
  const report = { checks: [], states: [], errors: [] };
  // Where `look` writes: every slide's states, or (after them, `ADVIZ_PROBE_THEN_KEYS`) the keys'.
  let into = report.states;
  const $ = (id) => document.getElementById(id);
  const inside = (r, box, slack) =>
    r.left >= box.left - slack && r.top >= box.top - slack && r.right <= box.right + slack && r.bottom <= box.bottom + slack;
  const rect = (r) => ({ left: Math.round(r.left), top: Math.round(r.top), right: Math.round(r.right), bottom: Math.round(r.bottom) });

  // The on-screen size (CSS px) of each text of `svg` a person can see in `region`: its font
  // size times the drawing's scale, for texts not painted in the background colour (a figure
  // keeps room for numbers not computed yet by writing them invisibly) and not blank.
  function visibleTextSizes(svg, region) {
    const paper = svg.querySelector("g.graph > polygon");
    const background = (paper && paper.getAttribute("fill")) || "white";
    const sizes = [];
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim() || (t.getAttribute("fill") || "").toLowerCase() === background.toLowerCase()) continue;
      const r = t.getBoundingClientRect();
      if (r.right <= region.left || r.left >= region.right || r.bottom <= region.top || r.top >= region.bottom) continue;
      sizes.push(Math.round(parseFloat(t.getAttribute("font-size") || "14") * t.getScreenCTM().a * 100) / 100);
    }
    return sizes;
  }

  // The SVG an <img> shows, laid over it at the same size: its nodes' boxes as drawn on the page,
  // and the sizes of the texts seen in `region` (the figure's pane within the page).
  function nodeBoxes(img, region, state) {
    const request = new XMLHttpRequest();
    request.open("GET", img.src, false);
    request.send();
    const svg = new DOMParser().parseFromString(request.responseText, "image/svg+xml").documentElement;
    const box = img.getBoundingClientRect();
    const overlay = document.createElement("div");
    overlay.style.cssText = `position:fixed;left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px;pointer-events:none;opacity:0`;
    svg.setAttribute("width", box.width);
    svg.setAttribute("height", box.height);
    overlay.appendChild(document.importNode(svg, true));
    document.body.appendChild(overlay);
    // Nodes not drawn yet (a graph being built) have no shapes and no box.
    const nodes = [...overlay.querySelectorAll("g.node")]
      .map((g) => ({ id: g.id, box: rect(g.getBoundingClientRect()), focus: g.classList.contains("focus"), step: g.classList.contains("step"),
        shape: !!g.querySelector("path, polygon, ellipse") }))
      .filter((n) => n.box.right > n.box.left && n.box.bottom > n.box.top);
    if (state) state.textSizes = visibleTextSizes(overlay.querySelector("svg"), region);
    overlay.remove();
    return nodes;
  }

  // What the page shows now, and whether all of it can be seen.
  function look(label) {
    const img = $("frame");
    const page = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    const imageBox = img.getBoundingClientRect();
    // What can be seen of the figure: its pane (the camera clips to it), within the page.
    const paneBox = (img.closest("figure") || img).getBoundingClientRect();
    const region = { left: Math.max(0, paneBox.left), top: Math.max(0, paneBox.top), right: Math.min(innerWidth, paneBox.right), bottom: Math.min(innerHeight, paneBox.bottom) };
    const state = {
      label, hash: location.hash, image: img.getAttribute("src"), caption: ($("caption") || {}).textContent || "",
      counter: ($("counter") || {}).textContent || "", loaded: img.complete && img.naturalWidth > 0,
      imageBox: rect(imageBox), paneBox: rect(region), page, nodes: [], outside: [], clipped: [], textSizes: [], hiddenFocus: [],
      markers: [...document.querySelectorAll(".camera-offscreen")].filter((m) => m.style.display === "block").map((m) => m.textContent),
      view: (img.closest("figure") || { dataset: {} }).dataset.view || "",
      headerHeight: (document.querySelector("header") || { offsetHeight: 0 }).offsetHeight,
    };
    if (state.loaded && /\.svg$/.test(state.image)) {
      state.nodes = nodeBoxes(img, region, state);
      // Shown whole, every node is in view; followed by the camera, the step's node is, and every
      // node its formula names when they fit the pane together at a readable size.
      const whole = state.view !== "focus", focus = state.nodes.filter((n) => n.focus);
      const span = (f) => Math.max(...focus.map((n) => n.box[f === "x" ? "right" : "bottom"])) - Math.min(...focus.map((n) => n.box[f === "x" ? "left" : "top"]));
      const focusFits = focus.length > 0 && span("x") <= region.right - region.left - 30 && span("y") <= region.bottom - region.top - 30;
      for (const n of state.nodes) {
        if ((whole || n.step || (n.focus && focusFits)) && !inside(n.box, region, 1)) state.outside.push(n.id);
        const away = n.box.right <= region.left || n.box.left >= region.right || n.box.bottom <= region.top || n.box.top >= region.bottom;
        if (n.focus && n.shape && away) state.hiddenFocus.push(n.id);
      }
    }
    // Text panels that scroll or cut their content (a number clipped in the trace panel).
    for (const e of document.querySelectorAll(".notes pre, .caption, .notes p, .notes h2, .panels pre")) {
      if (e.scrollWidth > e.clientWidth + 1) state.clipped.push(e.tagName.toLowerCase() + ": " + e.textContent.slice(0, 60));
    }
    if (!inside(paneBox, page, 1)) state.clipped.push("the figure lies outside the page");
    into.push(state);
    return state;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  async function settle() {
    const img = $("frame");
    // Real time, on a machine that may be busy: the bound (10 s) only limits a failure.
    for (let k = 0; k < 500 && !(img.complete && img.naturalWidth > 0); k++) await pause(20);
    await pause(30);
  }
  const key = (name) => document.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true }));

  // Every slide, one after another (`window.ADVIZ_PROBE_ALL`): what each shows, for the text sizes.
  async function everySlide() {
    const total = (document.querySelector("#slider") || {}).max | 0;
    for (let k = 1; k <= total; k++) {
      location.hash = "#" + k;
      await pause(20);
      await settle();
      look("#" + k);
    }
  }

  async function run() {
    try {
      await settle();
      if (window.ADVIZ_PROBE_ALL) {
        await everySlide();
        if (!window.ADVIZ_PROBE_THEN_KEYS) throw null;
        // Then the keys, from the first slide as a page opens, into `stepping`: one page load
        // for both walks (each look lays the SVG over the page, and the slideshows are big).
        report.stepping = [];
        into = report.stepping;
        location.hash = "#1";
        await pause(20);
        await settle();
      }
      const first = look("first");
      key("ArrowRight");
      await settle();
      const second = look("after →");
      report.checks.push({ name: "→ changes the frame", ok: second.image !== first.image || second.caption !== first.caption });
      const total = (document.querySelector("#slider") || {}).max | 0;
      const middle = Math.max(1, Math.ceil(total / 2));
      location.hash = "#" + middle;
      await pause(50);
      await settle();
      const jumped = look("#" + middle);
      report.checks.push({ name: "#N shows slide N", ok: jumped.counter.startsWith(middle + " /") });
      key("End");
      await settle();
      const last = look("last");
      report.checks.push({ name: "End shows the last slide", ok: last.counter === total + " / " + total });
      key("ArrowLeft");
      await settle();
      const back = look("after ←");
      report.checks.push({ name: "← changes the frame", ok: total < 2 || back.image !== last.image || back.caption !== last.caption });
    } catch (error) {
      if (error !== null) report.errors.push(String(error && error.stack || error));
    }
    const out = document.createElement("pre");
    out.id = "adviz-probe";
    out.textContent = JSON.stringify(report);
    document.body.appendChild(out);
  }
  window.addEventListener("load", run);
})();
