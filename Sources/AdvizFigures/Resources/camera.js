window.adviz = window.adviz || {};
adviz.camera = function (o) {
  const pane = o.pane, maximum = 1.25;
  pane.classList.add('camera-pane');
  const spot = document.createElement('div'); spot.className = 'camera-spot'; pane.appendChild(spot);
  const mini = document.createElement('div'); mini.className = 'camera-minimap';
  mini.innerHTML = '<img alt="the whole graph"><div class="camera-view"></div>';
  pane.appendChild(mini);
  // Markers at the pane's edge for the step's nodes out of view (operands far apart), one each.
  const markers = [];
  let whole = false, manual = null, current = null;
  // Where the camera looks without the user: the whole drawing if it reads so, else the step's focus at a readable size.
  function automatic(W, H, size) {
    // A readable scale of 0 (a plot, a card: no text size known) shows the drawing whole.
    const fit = Math.min(W / size.w, H / size.h), readable = o.readable() ?? 1, focus = o.focus();
    if (whole || fit >= readable) { const s = whole || readable === 0 ? fit : Math.min(fit, maximum); return { s, cx: 0.5, cy: 0.5, zoomed: false }; }
    // No step yet: the view starts where the graph does, at its inputs (left, or top when it runs down).
    if (!focus) return size.w >= size.h ? { s: readable, cx: 0, cy: 0.5, zoomed: true } : { s: readable, cx: 0.5, cy: 0, zoomed: true };
    const fw = Math.max(1, (focus[2] - focus[0]) * size.w), fh = Math.max(1, (focus[3] - focus[1]) * size.h);
    const s = Math.max(readable, Math.min(maximum, 0.9 * W / fw, 0.9 * H / fh));
    // A focus wider than the view: the view moves from its middle towards the step's own node until that is in view.
    const own = (o.step && o.step()) || focus;
    const toward = (centre, half, from, to, margin) => Math.min(Math.max(centre, to - half + margin), from + half - margin);
    const halfX = W / 2 / (size.w * s), halfY = H / 2 / (size.h * s), marginX = 12 / (size.w * s), marginY = 12 / (size.h * s);
    const cx = own[2] - own[0] < 2 * (halfX - marginX) ? toward((focus[0] + focus[2]) / 2, halfX, own[0], own[2], marginX) : (own[0] + own[2]) / 2;
    const cy = own[3] - own[1] < 2 * (halfY - marginY) ? toward((focus[1] + focus[3]) / 2, halfY, own[1], own[3], marginY) : (own[1] + own[3]) / 2;
    return { s, cx, cy, zoomed: true };
  }
  function update() {
    const size = o.size(), el = o.element();
    if (!size || !el) return;
    const W = pane.clientWidth, H = pane.clientHeight;
    let c = manual;
    if (!c) {
      const a = automatic(W, H, size), w = size.w * a.s, h = size.h * a.s;
      // A drawing larger than the pane is kept on it: no empty margin where it could fill.
      const place = (room, length, centre) => length <= room ? (room - length) / 2 : Math.min(0, Math.max(room - length, room / 2 - centre * length));
      c = { s: a.s, left: place(W, w, a.cx), top: place(H, h, a.cy), zoomed: a.zoomed };
    }
    current = c;
    const w = size.w * c.s, h = size.h * c.s;
    Object.assign(el.style, { position: 'absolute', left: c.left + 'px', top: c.top + 'px', width: w + 'px', height: h + 'px', maxWidth: 'none', maxHeight: 'none' });
    const cut = w > W + 1 || h > H + 1 || c.left < -1 || c.top < -1 || c.left + w > W + 1 || c.top + h > H + 1;
    const focus = o.focus();
    // The step's nodes in full colour, the rest of the graph faded behind a veil.
    if (cut && focus) {
      const pad = 6;
      Object.assign(spot.style, { display: 'block', left: (c.left + focus[0] * w - pad) + 'px', top: (c.top + focus[1] * h - pad) + 'px',
        width: ((focus[2] - focus[0]) * w + 2 * pad) + 'px', height: ((focus[3] - focus[1]) * h + 2 * pad) + 'px' });
    } else spot.style.display = 'none';
    // The minimap: the whole graph, small, with the part in view outlined.
    mini.style.display = cut ? 'block' : 'none';
    if (cut) {
      const img = mini.querySelector('img'), src = o.minimapSource();
      if (img.getAttribute('src') !== src) img.setAttribute('src', src);
      const mw = Math.min(W * 0.18, 150), ms = Math.min(mw / size.w, H * 0.22 / size.h);
      Object.assign(img.style, { width: size.w * ms + 'px', height: size.h * ms + 'px' });
      const view = mini.querySelector('.camera-view');
      const x0 = Math.max(0, -c.left / w), y0 = Math.max(0, -c.top / h), x1 = Math.min(1, (W - c.left) / w), y1 = Math.min(1, (H - c.top) / h);
      Object.assign(view.style, { left: x0 * size.w * ms + 'px', top: y0 * size.h * ms + 'px', width: (x1 - x0) * size.w * ms + 'px', height: (y1 - y0) * size.h * ms + 'px' });
      mini.dataset.scale = ms;
    }
    pointAtHidden(c, w, h, W, H);
    pane.dataset.view = manual ? 'manual' : whole ? 'whole' : c.zoomed ? 'focus' : 'fit';
  }
  // A node the step names that the view cannot hold beside the step's own (a formula whose
  // operands lie far apart at a readable size): a marker at the edge towards it, with its name;
  // a click brings it into view.
  function pointAtHidden(c, w, h, W, H) {
    // Out of view: its middle beyond the pane's edge (half of it or more cut off).
    const hidden = ((o.nodes && o.nodes()) || []).filter(({ box }) => {
      const x = c.left + (box[0] + box[2]) / 2 * w, y = c.top + (box[1] + box[3]) / 2 * h;
      return x < 0 || x > W || y < 0 || y > H;
    });
    while (markers.length < hidden.length) {
      const m = document.createElement('button');
      m.className = 'camera-offscreen';
      m.addEventListener('pointerdown', (e) => e.stopPropagation());
      m.addEventListener('click', (e) => {
        e.stopPropagation();
        const x = Number(m.dataset.x), y = Number(m.dataset.y);
        manual = { s: current.s, left: current.left + pane.clientWidth / 2 - x, top: current.top + pane.clientHeight / 2 - y, zoomed: true };
        update();
      });
      pane.appendChild(m);
      markers.push(m);
    }
    markers.forEach((m, k) => {
      const node = hidden[k];
      if (!node) { m.style.display = 'none'; return; }
      const x = c.left + (node.box[0] + node.box[2]) / 2 * w, y = c.top + (node.box[1] + node.box[3]) / 2 * h;
      const arrow = x < 0 ? '◀' : x > W ? '▶' : y < 0 ? '▲' : '▼';
      m.textContent = x > W ? node.name + ' ' + arrow : arrow + ' ' + node.name;
      m.title = node.name + ' is out of view: click to bring it in';
      m.dataset.x = x; m.dataset.y = y;
      m.style.display = 'block';
      const mw = m.offsetWidth, mh = m.offsetHeight, edge = 6;
      m.style.left = Math.min(Math.max(edge, x - mw / 2), W - mw - edge) + 'px';
      m.style.top = Math.min(Math.max(edge, y - mh / 2), H - mh - edge) + 'px';
    });
  }
  function zoomAt(x, y, factor) {
    const size = o.size();
    if (!current || !size) return;
    const s = Math.max(0.05, Math.min(6, current.s * factor)), k = s / current.s;
    manual = { s, left: x - (x - current.left) * k, top: y - (y - current.top) * k, zoomed: true };
    update();
  }
  function pan(dx, dy) {
    if (!current) return;
    manual = { s: current.s, left: current.left + dx, top: current.top + dy, zoomed: true };
    update();
  }
  pane.addEventListener('wheel', (e) => {
    const r = pane.getBoundingClientRect();
    zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY / 400));
    e.preventDefault();
  }, { passive: false });
  let drag = null;
  pane.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || e.target.closest('.camera-minimap')) return;
    drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true; drag.x = e.clientX; drag.y = e.clientY;
    pan(dx, dy);
  });
  window.addEventListener('pointerup', () => { drag = null; });
  // A click on the minimap brings that part of the graph into view.
  mini.addEventListener('click', (e) => {
    const size = o.size(), ms = Number(mini.dataset.scale);
    if (!current || !size || !ms) return;
    const r = mini.querySelector('img').getBoundingClientRect();
    const fx = (e.clientX - r.left) / (size.w * ms), fy = (e.clientY - r.top) / (size.h * ms);
    const w = size.w * current.s, h = size.h * current.s;
    manual = { s: current.s, left: pane.clientWidth / 2 - fx * w, top: pane.clientHeight / 2 - fy * h, zoomed: true };
    update();
  });
  pane.addEventListener('dblclick', () => { manual = null; update(); });
  // Keys: w whole graph, + - zoom, 0 back to the step, Shift+arrows pan. True if the key was the camera's.
  function key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const W = pane.clientWidth, H = pane.clientHeight, step = 0.2;
    if (e.key === 'w') { whole = !whole; manual = null; update(); }
    else if (e.key === '+' || e.key === '=') zoomAt(W / 2, H / 2, 1.25);
    else if (e.key === '-' || e.key === '_') zoomAt(W / 2, H / 2, 0.8);
    else if (e.key === '0') { manual = null; whole = false; update(); }
    else if (e.shiftKey && e.key === 'ArrowLeft') pan(W * step, 0);
    else if (e.shiftKey && e.key === 'ArrowRight') pan(-W * step, 0);
    else if (e.shiftKey && e.key === 'ArrowUp') pan(0, H * step);
    else if (e.shiftKey && e.key === 'ArrowDown') pan(0, -H * step);
    else return false;
    return true;
  }
  window.addEventListener('resize', () => { manual = null; update(); });
  return {
    update,
    key,
    // A new step: the camera follows it again (the whole-graph choice stays).
    reset() { manual = null; update(); },
    toggleWhole() { whole = !whole; manual = null; update(); return whole; },
    isWhole() { return whole; },
  };
};
