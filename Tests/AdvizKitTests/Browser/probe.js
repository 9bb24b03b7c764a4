// Injected into a copy of a page adviz wrote (a frames player or a lesson slideshow), run by
// headless Chromium: measures what a person would see, steps through the slides, and writes
// the findings as JSON into a pre element, last in the body, for `--dump-dom` to carry back.
(function () {
  "use strict";
  const report = { checks: [], states: [], errors: [] };
  const $ = (id) => document.getElementById(id);
  const inside = (r, box, slack) =>
    r.left >= box.left - slack && r.top >= box.top - slack && r.right <= box.right + slack && r.bottom <= box.bottom + slack;
  const rect = (r) => ({ left: Math.round(r.left), top: Math.round(r.top), right: Math.round(r.right), bottom: Math.round(r.bottom) });

  // The SVG an <img> shows, laid over it at the same size: its nodes' boxes as drawn on the page.
  function nodeBoxes(img) {
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
      .map((g) => ({ id: g.id, box: rect(g.getBoundingClientRect()) }))
      .filter((n) => n.box.right > n.box.left && n.box.bottom > n.box.top);
    overlay.remove();
    return nodes;
  }

  // What the page shows now, and whether all of it can be seen.
  function look(label) {
    const img = $("frame");
    const page = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    const imageBox = img.getBoundingClientRect();
    const state = {
      label, hash: location.hash, image: img.getAttribute("src"), caption: ($("caption") || {}).textContent || "",
      counter: ($("counter") || {}).textContent || "", loaded: img.complete && img.naturalWidth > 0,
      imageBox: rect(imageBox), page, nodes: [], outside: [], clipped: [],
    };
    if (state.loaded && /\.svg$/.test(state.image)) {
      state.nodes = nodeBoxes(img);
      for (const n of state.nodes) {
        if (!inside(n.box, page, 1) || !inside(n.box, imageBox, 1)) state.outside.push(n.id);
      }
    }
    // Text panels that scroll or cut their content (a number clipped in the trace panel).
    for (const e of document.querySelectorAll(".notes pre, .caption, .notes p, .notes h2, .panels pre")) {
      if (e.scrollWidth > e.clientWidth + 1) state.clipped.push(e.tagName.toLowerCase() + ": " + e.textContent.slice(0, 60));
    }
    if (!inside(imageBox, page, 1)) state.clipped.push("the figure lies outside the page");
    report.states.push(state);
    return state;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  async function settle() {
    const img = $("frame");
    for (let k = 0; k < 50 && !(img.complete && img.naturalWidth > 0); k++) await pause(20);
    await pause(30);
  }
  const key = (name) => document.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true }));

  async function run() {
    try {
      await settle();
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
      report.errors.push(String(error && error.stack || error));
    }
    const out = document.createElement("pre");
    out.id = "adviz-probe";
    out.textContent = JSON.stringify(report);
    document.body.appendChild(out);
  }
  window.addEventListener("load", run);
})();
